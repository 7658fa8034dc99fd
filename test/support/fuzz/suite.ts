/**
 * The fuzz of every contract call through both transports: a real HTTP
 * server (core/server/http.ts) and the real IPC registration
 * (electron/ipc.ts with a stand-in ipcMain), both on one real engine on
 * PGlite, refusals recorded by the same recorder `npm run serve` uses.
 * The main suite runs a sample; test/reliability/fuzz.test.ts runs 10,000 per call.
 */
import { callNames, calls, type CallName, type Envelope } from '../../../core/api/contract.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { startHttpServer, type RunningHttpServer } from '../../../core/server/http.ts';
import { refusalRecorder } from '../../../core/server/refusal-events.ts';
import { registerIpc, type InvokeEventLike } from '../../../electron/ipc.ts';
import { callChannel } from '../../../electron/channels.ts';
import { testEngine, type TestEngine } from '../engine.ts';
import { hostileBodies } from './hostile.ts';
import { fuzzCall, httpTransport, ipcTransport, type CallReport, type Transport } from './run.ts';
import { validSamples } from './schema-arbitrary.ts';

/** Calls whose valid inputs would touch the file system or run long: only hostile input for them. */
const noValid = new Set<string>(['data.export', 'data.import', 'data.inspect', 'backups.create', 'backups.restore', 'backups.delete', 'sim.preview']);
/** Calls whose valid inputs do real work each time: a few are enough. */
const fewValid: Record<string, number> = { 'heartbeat.runNow': 2, 'triggers.runNow': 3, 'roundtables.enqueue': 3 };

export interface FuzzSetup {
  engine: TestEngine;
  clock: FakeClock;
  server: RunningHttpServer;
  transports: Transport[];
  recorder: ReturnType<typeof refusalRecorder>;
  internalErrors: unknown[];
  close(): Promise<void>;
}

const APP_URL = 'file:///opt/emtesseract/resources/app.asar/dist/renderer/index.html';

export async function fuzzSetup(): Promise<FuzzSetup> {
  const clock = new FakeClock('2026-03-02T09:00:00Z');
  const engine = await testEngine('pglite', { clock, workers: false, heartbeat: false });
  // a small burst, so most refusals are only counted (the cap is part of what is checked)
  const recorder = refusalRecorder(engine.ctx, { burst: 5 });
  const internalErrors: unknown[] = [];
  const hooks = { onInvalidInput: recorder.onInvalidInput, onInternalError: (_call: string, err: unknown) => void internalErrors.push(err) };
  const server = await startHttpServer({ handlers: engine.handlers, bus: engine.ctx.bus, clock, log: engine.log, host: '127.0.0.1', port: 0, hooks });
  const listeners = new Map<string, (e: InvokeEventLike, input?: unknown) => Promise<Envelope<unknown>>>();
  registerIpc({ handle: (channel, l) => void listeners.set(channel, l) }, engine.handlers, (url) => url.split('#')[0] === APP_URL, hooks);
  const invoke = (call: string, input: unknown): Promise<Envelope<unknown>> => {
    const l = listeners.get(callChannel(call as CallName));
    if (!l) throw new Error(`no IPC handler for ${call}`);
    return l({ senderFrame: { url: APP_URL } }, input);
  };
  return {
    engine,
    clock,
    server,
    recorder,
    internalErrors,
    transports: [httpTransport(server.url), ipcTransport(invoke)],
    async close() {
      await server.close();
      await engine.close();
    },
  };
}

export interface FuzzTotals {
  calls: number;
  inputs: number;
  refused: number;
  accepted: number;
  non4xx: number;
  internal: number;
  crashes: number;
  rowsWritten: number;
  refusalEvents: number;
  ms: number;
}

export function totals(reports: CallReport[], ms: number): FuzzTotals {
  const sum = (k: keyof CallReport): number => reports.reduce((a, r) => a + (r[k] as number), 0);
  return {
    calls: new Set(reports.map((r) => r.call)).size,
    inputs: sum('inputs'),
    refused: sum('refused'),
    accepted: sum('accepted'),
    non4xx: sum('non4xx'),
    internal: sum('internal'),
    crashes: sum('crashes'),
    rowsWritten: sum('rowsWritten'),
    refusalEvents: sum('refusalEvents'),
    ms,
  };
}

/**
 * Fuzzes every call: `hostile` bodies and up to `valid` schema-made inputs
 * each, the same inputs through every transport given.
 */
export async function fuzzEveryCall(
  setup: FuzzSetup,
  transports: Transport[],
  hostile: number,
  valid: number,
  seed: number,
  progress?: (r: CallReport) => void,
): Promise<CallReport[]> {
  const reports: CallReport[] = [];
  let i = 0;
  for (const call of callNames) {
    const input = calls[call].input;
    const bodies = hostileBodies(input, hostile, seed + i);
    const want = noValid.has(call) ? 0 : Math.min(valid, fewValid[call] ?? valid);
    const goods = want ? validSamples(input, want, seed + 1000 + i) : [];
    for (const transport of transports) {
      const r = await fuzzCall({ db: setup.engine.db, recorder: setup.recorder, transport, concurrency: 8 }, call, bodies, goods);
      reports.push(r);
      progress?.(r);
    }
    i++;
  }
  return reports;
}

/** Property names on the built-in prototypes, to prove nothing was polluted. */
export function prototypeSnapshot(): string {
  return [Object.prototype, Array.prototype, Function.prototype, String.prototype]
    .map((p) => Object.getOwnPropertyNames(p).sort().join(','))
    .join('|');
}
