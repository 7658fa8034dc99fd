import type { ChatRequest, ChatResult, Llm } from '../../../core/llm/port.ts';
import type { PolicyKey } from '../../../core/ops/policy-schemas.ts';
import { FakeClock, macrotaskTurns } from '../../../core/ports/clock.ts';
import type { DbKind } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

export const MODEL = 'scripted:latest';

/** An in-process model that spends a fixed 100 tokens (60 prompt + 40 completion) per call, and keeps every request. */
export function meteredLlm(answer: (req: ChatRequest) => string = () => 'Findings: steady.\n\nRecommend: keep going.'): Llm & { requests: ChatRequest[] } {
  const requests: ChatRequest[] = [];
  return {
    requests,
    async chat(req: ChatRequest): Promise<ChatResult> {
      requests.push(req);
      return { text: answer(req), model: req.model, host: 'scripted', promptTokens: 60, completionTokens: 40, durationMs: 2000 };
    },
  };
}

export interface BudgetEngine extends TestEngine {
  clock: FakeClock;
  model: ReturnType<typeof meteredLlm>;
}

/** An engine on a FakeClock with workers for the given kinds, a metered model, no heartbeat. */
export async function budgetEngine(
  kind: DbKind,
  opts: { kinds?: string[]; policy?: Partial<Record<PolicyKey, unknown>>; answer?: (req: ChatRequest) => string; clock?: FakeClock } = {},
): Promise<BudgetEngine> {
  const clock = opts.clock ?? new FakeClock('2026-03-02T09:00:00Z');
  const model = meteredLlm(opts.answer);
  const e = await testEngine(kind, {
    clock,
    heartbeat: false,
    workers: { kinds: opts.kinds ?? ['analyze', 'wait'], pollMs: 500, pauseMs: 1000 },
    queuePollMs: 1000,
    llm: { service: { llmFor: () => model, probe: async () => ({ ok: true }) } },
    initialPolicy: {
      llm_policy: { hosts: ['http://127.0.0.1:9'], default_model: MODEL, fallback_model: null, per_agent: {}, per_step_kind: {}, keep_alive: '5m', num_ctx: null, health_check_seconds: 3600 },
      ...opts.policy,
    },
  });
  return { ...e, clock, model };
}

/** Moves the fake clock half a second at a time, letting real I/O run, until `done` holds. */
export async function pump(clock: FakeClock, done: () => Promise<boolean>, maxSteps = 2000, stepMs = 500): Promise<void> {
  for (let i = 0; i < maxSteps; i++) {
    if (await done()) return;
    await clock.advance(stepMs);
    await macrotaskTurns(3);
    await new Promise((r) => setTimeout(r, 2)); // let database I/O on the real event loop go on
  }
  throw new Error('The condition was not met while moving the clock.');
}
