import type { EngineCtx } from '../ops/ctx.js';
import type { LlmService } from '../llm/llm-service.js';
import type { Executor, StepContext } from '../workers/executor.js';
import type { StepSuccess } from '../workers/steps.js';
import { requireAgent, type Agent } from '../ops/agents.js';

/** Builds an executor that needs the LLM: it pauses (steps stay queued) while no host answers. */
export function llmExecutor(
  kind: string,
  llm: LlmService,
  run: (sc: StepContext & { agent: Agent; llm: LlmService }) => Promise<StepSuccess>,
): Executor {
  return {
    kind,
    ready: (_ctx: EngineCtx) => llm.ready(),
    async run(sc) {
      const agent = await requireAgent(sc.ctx.db, sc.agentId);
      return run({ ...sc, agent, llm });
    },
  };
}
