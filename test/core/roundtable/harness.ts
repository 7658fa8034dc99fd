import type { EngineOptions } from '../../../core/engine.ts';
import type { ChatRequest, ChatResult, Llm } from '../../../core/llm/port.ts';
import type { PolicyKey } from '../../../core/ops/policy-schemas.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { getConversationRow, type ConversationRow } from '../../../core/roundtable/queue.ts';
import type { DbKind } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

/** What a scripted model answers: text, or a value sent back as JSON. */
export type Answer = string | { json: unknown };
export type Responder = (req: ChatRequest) => Answer | Promise<Answer>;

export const MODEL = 'scripted:latest';

/** The speaker's display name, from the system prompt ("Your name is Opus; …"). */
export function speakerOf(req: ChatRequest): string {
  return /Your name is ([^;]+);/.exec(req.system ?? '')?.[1] ?? '?';
}

/** The agent ids listed in a distillation prompt. */
export function participantsOf(req: ChatRequest): string[] {
  const line = req.messages.at(-1)?.content.split('\n').find((l) => l.startsWith('Participants (use exactly these agent_id values):'))?.split(':')[1] ?? '';
  return [...line.matchAll(/([a-z][a-z0-9-]*) \(/g)].map((m) => m[1] as string);
}

/** A model in-process (no HTTP): answers come from `responder`, every request is kept. */
export function scriptedLlm(responder: Responder): Llm & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    requests,
    async chat(req: ChatRequest): Promise<ChatResult> {
      requests.push(req);
      const a = await responder(req);
      const text = typeof a === 'string' ? a : JSON.stringify(a.json);
      return { text, model: req.model, host: 'scripted', promptTokens: 10, completionTokens: Math.max(1, text.length >> 2), durationMs: 5 };
    },
  };
}

/** A chatty turn that needs sanitizing (name prefix, a link, too long), and a small valid distillation. */
export const defaultResponder: Responder = (req) => {
  if (req.format) {
    const ids = participantsOf(req);
    return {
      json: {
        memories: ids.slice(0, 2).map((a, i) => ({ agent_id: a, type: 'insight', content: `Insight ${i} for ${a}`, confidence: 0.7, tags: ['team'] })),
        pairwise_drift: ids.length >= 2 ? [{ agent_a: ids[0], agent_b: ids[1], drift: 0.01, reason: 'aligned' }] : [],
        action_items: [],
      },
    };
  }
  const who = speakerOf(req);
  return `${who}: Bottom line, see https://example.com/report and www.example.org — we should ship the weekend test now, then measure engagement carefully over the next two weeks before deciding anything.`;
};

export interface RtEngine extends TestEngine {
  clock: DrivenClock;
  llmCalls: ChatRequest[];
  reachable: { value: boolean };
}

/**
 * An engine on a fresh database with a scripted in-process model, on a
 * FakeClock; the worker pool runs no step kinds, so only this area's loops
 * run (when `loops` is true).
 */
export async function rtEngine(
  kind: DbKind,
  opts: { responder?: Responder; clock?: DrivenClock; loops?: boolean; heartbeat?: boolean; initialPolicy?: Partial<Record<PolicyKey, unknown>>; seed?: number } = {},
): Promise<RtEngine> {
  const clock = opts.clock ?? new DrivenClock('2026-03-02T09:00:00Z');
  const llm = scriptedLlm(opts.responder ?? defaultResponder);
  const reachable = { value: true };
  const engineOpts: Partial<EngineOptions> & { clock: DrivenClock } = {
    clock,
    heartbeat: opts.heartbeat ?? false,
    workers: opts.loops ? { kinds: [] } : false,
    llm: { service: { llmFor: () => llm, probe: async () => (reachable.value ? { ok: true } : { ok: false, error: 'connection refused' }) } },
    initialPolicy: {
      llm_policy: { hosts: ['http://127.0.0.1:9'], default_model: MODEL, fallback_model: null, per_agent: {}, per_step_kind: {}, keep_alive: '5m', num_ctx: null, health_check_seconds: 5 },
      ...opts.initialPolicy,
    },
  };
  if (opts.seed !== undefined) engineOpts.random = new SeededRandom(opts.seed);
  const e = await testEngine(kind, engineOpts);
  return { ...e, clock, llmCalls: llm.requests, reachable };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

/** The longest timer the drivers fire on their own: the 3–8 s gaps between turns. */
export const SHORT_TIMER_MS = 10_000;

/**
 * A FakeClock that knows which pending timers are short (≤ 10 s, the gaps
 * between turns). The drivers only move time to the next short timer — a
 * point where the conversation is waiting, not in the middle of I/O — so
 * polls, leases and heartbeats never fire while a turn is being written.
 */
export class DrivenClock extends FakeClock {
  private short = new Map<number, number>();
  private seq = 0;

  override setTimer(ms: number, fn: () => unknown): () => void {
    if (ms > SHORT_TIMER_MS) return super.setTimer(ms, fn);
    const key = ++this.seq;
    this.short.set(key, this.now() + Math.max(0, ms));
    const cancel = super.setTimer(ms, () => {
      this.short.delete(key);
      return fn();
    });
    return () => {
      this.short.delete(key);
      cancel();
    };
  }

  /** When the next short timer fires, or null. */
  nextShortAt(): number | null {
    let best: number | null = null;
    for (const at of this.short.values()) if (best === null || at < best) best = at;
    return best;
  }
}

/**
 * Drives the clock while async work runs: when a short timer (a gap between
 * turns) is pending it jumps there, otherwise it lets real I/O progress.
 */
export async function drive<T>(clock: DrivenClock, work: Promise<T>): Promise<T> {
  let settled = false;
  work.then(
    () => (settled = true),
    () => (settled = true),
  );
  while (!settled) await step(clock);
  return work;
}

export async function driveUntil(clock: DrivenClock, done: () => Promise<boolean>, maxRounds = 50_000, idle: () => Promise<void> = tick): Promise<void> {
  for (let i = 0; i < maxRounds; i++) {
    if (await done()) return;
    await step(clock, idle);
  }
  throw new Error('The condition was not met while driving the clock.');
}

async function step(clock: DrivenClock, idle: () => Promise<void> = tick): Promise<void> {
  const next = clock.nextShortAt();
  if (next !== null) await clock.advanceTo(next);
  else await idle();
}

/** A queued conversation with a few stored turns, ready to distill. */
export async function conversationWithTurns(e: RtEngine, format: string, participants: string[], lines = 4): Promise<ConversationRow> {
  const c = await e.handlers['roundtables.enqueue']({ format, participants, topic: 'Weekend engagement' });
  for (let i = 0; i < lines; i++) {
    await e.db.query(
      `INSERT INTO ops_roundtable_turns (conversation_id, seq, speaker, text, interaction, created_at) VALUES ($1, $2, $3, $4, 'neutral', $5)`,
      [c.id, i, participants[i % participants.length], `Line ${i} about weekend engagement.`, new Date(e.clock.now()).toISOString()],
    );
  }
  return (await getConversationRow(e.db, c.id)) as ConversationRow;
}
