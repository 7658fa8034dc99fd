/**
 * What the engine adds to an LLM call: analyze steps run one at a time through
 * the real engine (PGlite, WorkerPool, LlmService, ollamaWiring → OllamaLlm,
 * streaming) against the scripted Ollama-compatible server of test/support,
 * timed from claim to completion (bus messages), beside a raw fetch POST
 * /api/chat (stream: false) to the same server with the same messages and the
 * same reply, in the same run. Overhead = the difference of the p50s.
 */
import { PgliteDb } from '../core/db/pglite.ts';
import { createEngine } from '../core/engine.ts';
import { ollamaWiring } from '../core/llm/ollama-wiring.ts';
import { getPolicy, setPolicy } from '../core/ops/policy.ts';
import { SystemClock } from '../core/ports/clock.ts';
import { silentLog } from '../core/ports/log.ts';
import { SeededRandom } from '../core/ports/random.ts';
import { startOllamaServer } from '../test/support/ollama-server.ts';
import type { BenchEnv } from './harness.ts';
import { summarize, type Figure } from './lib.ts';
import { enqueueSteps } from './step-fixtures.ts';

const MODEL = 'llama3.2:3b';
/** About 120 words of markdown, like a short analysis. */
const REPLY = [
  '## Findings',
  '',
  '- Pricing: the two-tier plan converts 18% better than the single plan in last month’s test, mostly from small teams.',
  '- Launch: the waiting list grew 40% after the Bluesky thread; most sign-ups came within six hours of posting.',
  '- Risk: churn in the first week is still 11%, concentrated among users who never connected a model host.',
  '',
  '## Recommendation',
  '',
  'Keep the two-tier plan, move the model-host setup into onboarding so nobody reaches the dashboard without a working host,',
  'and schedule the next launch post for a weekday morning. Measure first-week churn again in two weeks; if it stays above 8%,',
  'add a guided check that runs a sample step before the first mission.',
].join('\n');

export async function llmOverhead(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  const samples = env.quick ? 30 : 200;
  const warmup = env.quick ? 5 : 10;
  const srv = await startOllamaServer({ models: [{ name: MODEL, contextLength: 131072 }], responder: () => REPLY });
  const db = await PgliteDb.open();
  try {
    const clock = new SystemClock();
    const engine = await createEngine({
      db,
      clock,
      random: new SeededRandom(1),
      log: silentLog,
      location: 'bench',
      workers: { kinds: ['analyze'], pollMs: 1000 },
      heartbeat: false,
      llm: ollamaWiring({ clock, log: silentLog }),
    });
    const llmPolicy = await getPolicy(db, 'llm_policy');
    await setPolicy(engine.ctx, 'llm_policy', { ...llmPolicy, hosts: [srv.url], default_model: MODEL });
    const w = await getPolicy(db, 'workers');
    await setPolicy(engine.ctx, 'workers', { kinds: { ...w.kinds, analyze: { enabled: true, concurrency: 1 } } });

    const claimed = new Map<number, number>();
    const waiting = new Map<number, { resolve: (ms: number) => void; reject: (e: Error) => void }>();
    engine.ctx.bus.subscribe((m) => {
      if (m.type !== 'step' || m.step.kind !== 'analyze') return;
      const now = performance.now();
      if (m.step.status === 'running') claimed.set(m.step.id, now);
      const w = waiting.get(m.step.id);
      if (!w) return;
      if (m.step.status === 'succeeded') w.resolve(now - (claimed.get(m.step.id) ?? NaN));
      else if (m.step.status !== 'running') w.reject(new Error(`analyze step ${m.step.id} ended ${m.step.status}: ${m.step.lastError ?? ''}`));
    });
    engine.pool!.start();

    const engineMs: number[] = [];
    for (let i = 0; i < samples + warmup; i++) {
      const [id] = await enqueueSteps(db, 1, 'analyze', { topic: 'pricing and the next launch', question: 'What should we change this week?' });
      const done = new Promise<number>((resolve, reject) => waiting.set(id!, { resolve, reject }));
      const timeout = setTimeout(() => waiting.get(id!)?.reject(new Error(`analyze step ${id} did not finish in 30 s`)), 30_000);
      engine.ctx.bus.wake('analyze');
      const ms = await done.finally(() => clearTimeout(timeout));
      if (i >= warmup) engineMs.push(ms);
    }
    await engine.stop();

    // The same request, raw: the engine's last /api/chat body, without streaming.
    const body = srv.bodies('/api/chat').at(-1)!;
    const payload = JSON.stringify({ model: body.model, messages: body.messages, options: body.options, stream: false });
    const rawMs: number[] = [];
    for (let i = 0; i < samples + warmup; i++) {
      const t0 = performance.now();
      const res = await fetch(`${srv.url}/api/chat`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: payload });
      const json = (await res.json()) as { message?: { content?: string } };
      if (!res.ok || json.message?.content !== REPLY) throw new Error(`raw /api/chat answered ${res.status}`);
      if (i >= warmup) rawMs.push(performance.now() - t0);
    }

    const e = summarize(engineMs);
    const r = summarize(rawMs);
    const promptChars = (body.messages ?? []).reduce((n, m) => n + m.content.length, 0);
    const scene = `${e.n} analyze steps one at a time; prompt ${promptChars} chars (system + user), reply ${REPLY.length} chars streamed in word-sized NDJSON chunks`;
    emit({
      name: 'LLM step claim→complete p50, analyze (PGlite, scripted Ollama)',
      value: e.p50,
      unit: 'ms',
      reference: { name: 'raw fetch /api/chat p50', value: r.p50, unit: 'ms' },
      ratio: e.p50 / r.p50,
      notes: `${scene}; the raw call sends the engine's last request body with stream: false`,
    });
    emit({
      name: 'LLM step claim→complete p99, analyze (PGlite, scripted Ollama)',
      value: e.p99,
      unit: 'ms',
      reference: { name: 'raw fetch /api/chat p99', value: r.p99, unit: 'ms' },
      ratio: e.p99 / r.p99,
    });
    emit({
      name: 'LLM engine overhead per call p50 (PGlite)',
      value: e.p50 - r.p50,
      unit: 'ms',
      reference: { name: 'raw fetch /api/chat p50', value: r.p50, unit: 'ms' },
      notes: 'claim→complete p50 minus the raw round trip p50: memories query, prompt building, streaming parse, call accounting, artifact, step and mission events',
    });
  } finally {
    await db.close();
    await srv.close();
  }
}
