import { z } from 'zod';
import { AppError, describeIssues } from '../api/errors.js';
import type { LlmService } from '../llm/llm-service.js';
import { queryMemories } from '../memory/store.js';
import { isoNow } from '../ports/clock.js';
import { badPayload } from '../workers/executor.js';
import { saveArtifact } from './artifacts.js';
import { earlierStepsText } from './earlier-steps.js';
import { llmExecutor } from './llm-executor.js';
import { agentSystemPrompt, firstLine, tidy } from './prompts.js';

const payload = z.object({
  topic: z.string().trim().min(1, 'a topic is required').max(500),
  question: z.string().max(2000).optional(),
  context: z.string().max(20_000).optional(),
  /** Also read what the earlier steps of this mission wrote (a research cycle's crawled pages). */
  fromEarlierSteps: z.boolean().optional(),
});

/** analyze: the agent studies a topic in its own voice, drawing on its high-confidence memories. */
export function analyzeExecutor(llm: LlmService) {
  const executor = llmExecutor('analyze', llm, async ({ ctx, step, agent, signal }) => {
    const p = payload.safeParse(step.payload);
    if (!p.success) throw badPayload('analyze', describeIssues(p.error.issues));
    const memories = await queryMemories(ctx.db, { agentId: agent.id, minConfidence: 0.6, limit: 8 });
    const system = agentSystemPrompt(agent, {
      memories,
      task: 'You are writing an analysis for your team. Be concrete: findings first, then a recommendation. Markdown, under 300 words.',
    });
    const earlier = p.data.fromEarlierSteps ? await earlierStepsText(ctx.db, step.missionId, step.id) : '';
    const user = [`Analyze: ${p.data.topic}`, p.data.question ? `Question: ${p.data.question}` : '', p.data.context ? `Context:\n${p.data.context}` : '', earlier ? `What the earlier steps found:\n${earlier}` : '']
      .filter(Boolean)
      .join('\n\n');
    const res = await llm.chat(
      { agentId: agent.id, purpose: 'analyze', stepId: step.id, stepKind: 'analyze' },
      { system, messages: [{ role: 'user', content: user }], temperature: 0.4, signal },
    );
    const text = tidy(res.text);
    if (!text) throw new AppError('llm_invalid_output', `The model (${res.model}) returned an empty analysis; nothing was saved.`, { model: res.model });
    const artifact = await saveArtifact(ctx, ctx.db, {
      kind: 'analysis',
      title: `Analysis: ${p.data.topic}`,
      content: text,
      meta: { topic: p.data.topic, model: res.model, memoriesUsed: memories.map((m) => m.id), at: isoNow(ctx.clock) },
      agentId: agent.id,
      missionId: step.missionId,
      stepId: step.id,
    });
    return {
      result: { artifactId: artifact.id, topic: p.data.topic, summary: firstLine(text), model: res.model, memoriesUsed: memories.length },
      summary: firstLine(text),
      tags: ['analysis'],
    };
  });
  return { ...executor, payloadSchema: payload };
}
