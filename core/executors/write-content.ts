import { z } from 'zod';
import { AppError, describeIssues } from '../api/errors.js';
import type { LlmService } from '../llm/llm-service.js';
import { queryMemories } from '../memory/store.js';
import { cachedPolicy } from '../ops/policy.js';
import { badPayload } from '../workers/executor.js';
import { saveArtifact } from './artifacts.js';
import { earlierStepsText } from './earlier-steps.js';
import { llmExecutor } from './llm-executor.js';
import { agentSystemPrompt, capOnWord, firstLine, tidy } from './prompts.js';

const payload = z
  .object({
    title: z.string().trim().max(200).optional(),
    brief: z.string().trim().max(5000).optional(),
    topic: z.string().trim().max(500).optional(),
    /** Revise this document instead of writing a new one. */
    artifactId: z.number().int().positive().optional(),
    instructions: z.string().max(2000).optional(),
    /** Also read what the earlier steps of this mission wrote (a research cycle's analysis). */
    fromEarlierSteps: z.boolean().optional(),
  })
  .refine((p) => p.brief || p.topic || p.artifactId, 'give a brief, a topic, or an artifactId to revise');

/** write_content: a markdown document, new or a revision of an earlier one; bounded by content_policy. */
export function writeContentExecutor(llm: LlmService) {
  const executor = llmExecutor('write_content', llm, async ({ ctx, step, agent, signal }) => {
    const p = payload.safeParse(step.payload);
    if (!p.success) throw badPayload('write_content', describeIssues(p.error.issues));
    const policy = await cachedPolicy(ctx, 'content_policy');
    if (!policy.enabled) throw new AppError('rejected', 'Content writing is turned off in content_policy.');
    let parent: { id: number; title: string; content: string } | null = null;
    if (p.data.artifactId) {
      const r = await ctx.db.query<{ id: number; title: string; content: string }>(
        `SELECT id, title, content FROM ops_artifacts WHERE id = $1 AND kind IN ('document', 'draft', 'analysis')`,
        [p.data.artifactId],
      );
      parent = r.rows[0] ?? null;
      if (!parent) throw new AppError('not_found', `There is no document #${p.data.artifactId} to revise.`);
    }
    const memories = await queryMemories(ctx.db, { agentId: agent.id, types: ['strategy', 'lesson', 'preference'], minConfidence: 0.6, limit: 6 });
    const system = agentSystemPrompt(agent, {
      memories,
      task: `You write for the company's audience. Output only the document, in Markdown, starting with a "# " title. At most ${Math.floor(policy.max_length_chars / 6)} words.`,
    });
    const subject = p.data.title || p.data.topic || parent?.title || 'Untitled';
    const earlier = p.data.fromEarlierSteps ? await earlierStepsText(ctx.db, step.missionId, step.id) : '';
    const user =
      (parent
        ? `Revise this document.${p.data.instructions ? ` ${p.data.instructions}` : ''}${p.data.brief ? `\nBrief: ${p.data.brief}` : ''}\n\n---\n${parent.content}`
        : `Write: ${subject}${p.data.brief ? `\nBrief: ${p.data.brief}` : ''}${p.data.instructions ? `\n${p.data.instructions}` : ''}`) +
      (earlier ? `\n\nWhat the earlier steps found:\n${earlier}` : '');
    const res = await llm.chat(
      { agentId: agent.id, purpose: 'write_content', stepId: step.id, stepKind: 'write_content' },
      { system, messages: [{ role: 'user', content: user }], temperature: 0.7, signal },
    );
    let text = tidy(res.text);
    if (!text) throw new AppError('llm_invalid_output', `The model (${res.model}) returned an empty document; nothing was saved.`, { model: res.model });
    const truncated = text.length > policy.max_length_chars;
    if (truncated) text = capOnWord(text, policy.max_length_chars);
    const title = firstLine(text, 120) || subject;
    const artifact = await saveArtifact(ctx, ctx.db, {
      kind: 'document',
      title,
      content: text,
      meta: { model: res.model, truncated, revisedFrom: parent?.id ?? null },
      agentId: agent.id,
      missionId: step.missionId,
      stepId: step.id,
      ...(parent ? { parentId: parent.id } : {}),
    });
    return {
      result: { artifactId: artifact.id, version: artifact.version, title, chars: text.length, truncated },
      summary: `${parent ? 'Revised' : 'Wrote'} "${title}" (${text.length} characters).`,
      tags: ['content', parent ? 'revised' : 'written'],
    };
  });
  return { ...executor, payloadSchema: payload };
}
