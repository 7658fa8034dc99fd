import { roundtableCalls } from '../api/roundtable-calls.js';
import type { Feature, FeatureEnv } from '../feature.js';
import { queueInitiatives } from '../initiative/queue.js';
import { INITIATIVE_WAKE } from '../initiative/queue.js';
import { runNextInitiative } from '../initiative/worker.js';
import { roundtableHandlers } from './handlers.js';
import { ROUNDTABLE_WAKE } from './queue.js';
import { QueueLoop } from './queue-loop.js';
import { recoverStaleInitiatives, recoverStaleRoundtables } from './recovery.js';
import { runSchedule } from './scheduler.js';
import { drawSeed } from './seeded-random.js';
import { ROUNDTABLE_POLL_MS, runNextConversation } from './worker.js';
import { roundtableStepExecutor } from './step-executor.js';

/**
 * Agents meet and remember: scheduled and requested conversations, memory
 * distillation, relationships that drift, initiative, voice evolution, and
 * one-on-one chat with the user.
 *
 * Heartbeat jobs (after the core recover_stale_steps): recover stale
 * conversations and initiatives, decide the day's due schedule slots, queue
 * initiatives. Loops (only where this process runs workers and an LLM is
 * wired): the roundtable worker and the initiative worker.
 */
export function roundtableFeature(env: FeatureEnv): Feature<typeof roundtableCalls> {
  const { ctx, llm } = env;
  // Root of the area's random streams, drawn once from ctx.random (see seeded-random.ts).
  const seed = drawSeed(ctx.random);
  const loops: QueueLoop[] = [];
  return {
    name: 'roundtables',
    heartbeatJobs: [
      { name: 'recover_stale_roundtables', run: (c) => recoverStaleRoundtables(c) },
      { name: 'recover_stale_initiatives', run: (c) => recoverStaleInitiatives(c) },
      { name: 'schedule_roundtables', run: async (c) => summarize(await runSchedule(c, seed)) },
      { name: 'queue_initiatives', run: (c) => queueInitiatives(c) },
    ],
    handlers: roundtableHandlers(ctx, llm),
    executors: [roundtableStepExecutor],
    start() {
      if (!env.runsWorkers || !llm || loops.length) return;
      const workerId = ctx.processId;
      loops.push(
        new QueueLoop(ctx, 'Roundtable worker', ROUNDTABLE_WAKE, env.queuePollMs ?? ROUNDTABLE_POLL_MS, (signal) => runNextConversation({ ctx, llm, seed, workerId }, signal)),
        new QueueLoop(ctx, 'Initiative worker', INITIATIVE_WAKE, env.queuePollMs ?? ROUNDTABLE_POLL_MS, (signal) => runNextInitiative({ ctx, llm, workerId }, signal)),
      );
      for (const l of loops) l.start();
    },
    async stop() {
      await Promise.all(loops.map((l) => l.stop()));
      loops.length = 0;
    },
  };
}

function summarize(r: Awaited<ReturnType<typeof runSchedule>>): { day: string; decided: string[] } {
  return { day: r.day, decided: r.outcomes.map((o) => `${String(o.hour).padStart(2, '0')}:00 ${o.decision}${o.conversationId ? ` #${o.conversationId}` : ''}`) };
}
