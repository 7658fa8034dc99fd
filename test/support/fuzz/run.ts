/**
 * Drives fuzz inputs into one transport and accounts for every reply and
 * every row. Inputs the call's schema refuses must get the invalid_input
 * envelope (400) and write nothing but the input_rejected events the refusal
 * recorder says it wrote; inputs it accepts must not crash anything (no 500,
 * no "internal").
 */
import { calls, type CallName, type Envelope } from '../../../core/api/contract.ts';
import { httpStatus, type ErrorCode } from '../../../core/api/errors.ts';
import { inputProblem } from '../../../core/api/input-guard.ts';
import type { Db } from '../../../core/db/db.ts';
import type { RefusalRecorder } from '../../../core/server/refusal-events.ts';
import http from 'node:http';
import { rawRequest } from '../raw-http.ts';

export interface Reply {
  status: number;
  envelope: Envelope<unknown> | null;
}

export interface Transport {
  name: 'http' | 'ipc';
  /** What the receiving side parses from a body: the HTTP server parses JSON text; IPC carries a value. */
  decode(body: string): { input: unknown } | { notJson: true };
  send(call: string, body: string): Promise<Reply>;
}

export interface FuzzEnv {
  db: Db;
  recorder: RefusalRecorder;
  transport: Transport;
  concurrency?: number;
}

export interface CallReport {
  call: string;
  transport: string;
  inputs: number;
  refused: number;
  accepted: number;
  /** Refused inputs answered with anything but 400 invalid_input. */
  non4xx: number;
  /** Replies with status 500 or code "internal", refused or accepted. */
  internal: number;
  /** Sends that threw (connection dropped, handler rejected). */
  crashes: number;
  /** Rows the refused inputs wrote beyond the recorded input_rejected events. */
  rowsWritten: number;
  /** input_rejected events the refused inputs wrote. */
  refusalEvents: number;
  /** A few offending inputs, for the failure message. */
  examples: string[];
  ms: number;
}

export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const t = await db.query<{ name: string }>(`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1`);
  const cols = t.rows.map((r) => `(SELECT count(*)::int FROM "${r.name}") AS "${r.name}"`).join(', ');
  const res = await db.query<Record<string, number>>(`SELECT ${cols}`);
  return res.rows[0] ?? {};
}

function isEnvelope(x: unknown): x is Envelope<unknown> {
  if (!x || typeof x !== 'object') return false;
  const e = x as { ok?: unknown; error?: { code?: unknown; message?: unknown } };
  if (e.ok === true) return 'value' in e;
  return e.ok === false && typeof e.error?.code === 'string' && typeof e.error.message === 'string' && e.error.message.length > 0;
}

async function pool<T>(items: T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, async () => {
    while (next < items.length) await fn(items[next++] as T);
  }));
}

function short(body: string): string {
  return body.length > 160 ? `${body.slice(0, 160)}… (${body.length} chars)` : body;
}

/** Sends `bodies` (hostile) and then `valid` (schema-made) inputs to one call. */
export async function fuzzCall(env: FuzzEnv, call: CallName, bodies: string[], valid: unknown[]): Promise<CallReport> {
  const schema = calls[call].input;
  const report: CallReport = { call, transport: env.transport.name, inputs: 0, refused: 0, accepted: 0, non4xx: 0, internal: 0, crashes: 0, rowsWritten: 0, refusalEvents: 0, examples: [], ms: 0 };
  // Let the timers run before any socket is reused: the step before this one may have been
  // only microtasks (IPC into the in-process engine) and synchronous body generation, so no
  // timer has fired for seconds. The agent's 2 s idle timer must close a kept-alive socket
  // before the server's 5 s keep-alive timer does; if neither has run, the next request is
  // written into a socket the server then times out and resets (ECONNRESET on this side).
  await new Promise((resolve) => setTimeout(resolve, 0));
  const t0 = performance.now();
  const refused: string[] = [];
  const accepted: string[] = [...valid.map((v) => JSON.stringify(v ?? {}))];
  for (const b of bodies) {
    const d = env.transport.decode(b);
    if ('notJson' in d || inputProblem(d.input) !== null || !schema.safeParse(d.input ?? {}).success) refused.push(b);
    else accepted.push(b);
  }
  const note = (why: string, body: string): void => {
    if (report.examples.length < 5) report.examples.push(`${why}: ${short(body)}`);
  };
  const send = async (body: string, expectRefusal: boolean): Promise<void> => {
    report.inputs++;
    let reply: Reply;
    try {
      reply = await env.transport.send(call, body);
    } catch (err) {
      report.crashes++;
      note(`crash ${err instanceof Error ? err.message : String(err)}`, body);
      return;
    }
    const code = reply.envelope && !reply.envelope.ok ? reply.envelope.error.code : null;
    if (!reply.envelope || reply.status === 500 || code === 'internal') {
      report.internal++;
      note(`${reply.status} ${code ?? 'no envelope'} ${reply.envelope && !reply.envelope.ok ? reply.envelope.error.message : ''}`, body);
    }
    if (expectRefusal && !(reply.status === 400 && code === 'invalid_input')) {
      report.non4xx++;
      note(`refused input answered ${reply.status} ${code ?? 'ok'}`, body);
    }
  };

  // refused inputs: nothing but the recorded refusals may be written
  const before = await tableCounts(env.db);
  const maxEvent = (await env.db.query<{ id: number | null }>('SELECT max(id)::int AS id FROM ops_agent_events')).rows[0]?.id ?? 0;
  await env.recorder.settled();
  const written0 = env.recorder.stats().written;
  await pool(refused, env.concurrency ?? 8, (b) => send(b, true));
  report.refused = refused.length;
  await env.recorder.settled();
  const after = await tableCounts(env.db);
  report.refusalEvents = env.recorder.stats().written - written0;
  for (const [table, n] of Object.entries(after)) {
    const expected = (before[table] ?? 0) + (table === 'ops_agent_events' ? report.refusalEvents : 0);
    if (n !== expected) {
      report.rowsWritten += Math.abs(n - expected);
      note(`table ${table} went from ${before[table]} to ${n}`, '');
    }
  }
  const kinds = await env.db.query<{ kind: string; n: number }>('SELECT kind, count(*)::int AS n FROM ops_agent_events WHERE id > $1 GROUP BY kind', [maxEvent]);
  for (const k of kinds.rows) {
    if (k.kind !== 'input_rejected') {
      report.rowsWritten += k.n;
      note(`refused inputs wrote ${k.n} "${k.kind}" events`, '');
    }
  }

  // accepted inputs: whatever they do, nothing crashes
  await pool(accepted, Math.min(env.concurrency ?? 8, 4), (b) => send(b, false));
  report.accepted = accepted.length;
  report.ms = Math.round(performance.now() - t0);
  return report;
}

/** The HTTP transport: POST /api/<call> with the body as given. */
export function httpTransport(baseUrl: string): Transport {
  // Connections are reused (as a browser does), and one idle for 2 s is closed by this side first:
  // the server's keep-alive timeout is 5 s, so the client never writes into a socket the server is closing.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16, timeout: 2000 });
  return {
    name: 'http',
    decode(body) {
      try {
        return { input: body.trim() ? (JSON.parse(body) as unknown) : {} };
      } catch {
        return { notJson: true };
      }
    },
    async send(call, body) {
      const res = await rawRequest(baseUrl, { method: 'POST', path: `/api/${encodeURIComponent(call)}`, headers: { 'content-type': 'application/json' }, body, agent });
      const text = res.body;
      let envelope: unknown;
      try {
        envelope = JSON.parse(text);
      } catch {
        envelope = null;
      }
      return { status: res.status, envelope: isEnvelope(envelope) ? envelope : null };
    },
  };
}

/** IPC as the preload would use it: the body's value (JSON.parse keeps "__proto__" keys as own properties), or the raw text. */
export function ipcTransport(invoke: (call: string, input: unknown) => Promise<Envelope<unknown>>): Transport {
  const decode = (body: string): { input: unknown } => {
    try {
      return { input: JSON.parse(body) as unknown };
    } catch {
      return { input: body };
    }
  };
  return {
    name: 'ipc',
    decode,
    async send(call, body) {
      const envelope = await invoke(call, decode(body).input);
      const status = envelope.ok ? 200 : httpStatus(envelope.error.code as ErrorCode);
      return { status, envelope: isEnvelope(envelope) ? envelope : null };
    },
  };
}
