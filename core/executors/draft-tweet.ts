import { z } from 'zod';
import { AppError, describeIssues } from '../api/errors.js';
import type { LlmService } from '../llm/llm-service.js';
import { queryMemories } from '../memory/store.js';
import { badPayload } from '../workers/executor.js';
import { saveArtifact } from './artifacts.js';
import { llmExecutor } from './llm-executor.js';
import { agentSystemPrompt, capOnWord, tidy } from './prompts.js';
import { checkPostLength, lengthLimits } from '../publish/length.js';

const payload = z.object({
  topic: z.string().trim().min(1, 'a topic is required').max(500),
  platform: z.enum(['x', 'bluesky']).default('x'),
  angle: z.string().max(500).optional(),
});

/** Cuts a too-long draft on a word boundary, with an ellipsis, until the platform takes it. */
function fitTo(platform: 'x' | 'bluesky', text: string): string {
  let cut = text;
  for (let max = lengthLimits[platform].max - 1; max > 0; max -= 5) {
    cut = capOnWord(text, max) + '…';
    if (checkPostLength(platform, cut).ok) return cut;
  }
  return cut;
}

function clean(text: string): string {
  return tidy(text)
    .replace(/^(tweet|post|draft)\s*:\s*/i, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** draft_tweet: a post draft within the platform's length limit, stored as a draft artifact. */
export function draftTweetExecutor(llm: LlmService) {
  const executor = llmExecutor('draft_tweet', llm, async ({ ctx, step, agent, signal }) => {
    const p = payload.safeParse(step.payload);
    if (!p.success) throw badPayload('draft_tweet', describeIssues(p.error.issues));
    const limit = lengthLimits[p.data.platform].max;
    const length = (t: string): number => checkPostLength(p.data.platform, t).length;
    const memories = await queryMemories(ctx.db, { agentId: agent.id, types: ['lesson', 'strategy', 'pattern'], minConfidence: 0.6, limit: 6 });
    const system = agentSystemPrompt(agent, {
      memories,
      task: `Write one social media post for ${p.data.platform === 'x' ? 'X' : 'Bluesky'}. At most ${limit} characters. Output only the post text: no quotes, no hashtags unless they add meaning.`,
    });
    const meta = { agentId: agent.id, purpose: 'draft_tweet', stepId: step.id, stepKind: 'draft_tweet' };
    const messages = [{ role: 'user' as const, content: `Topic: ${p.data.topic}${p.data.angle ? `\nAngle: ${p.data.angle}` : ''}` }];
    let res = await llm.chat(meta, { system, messages, temperature: 0.8, signal });
    let text = clean(res.text);
    let shortened = false;
    if (!checkPostLength(p.data.platform, text).ok) {
      // one rewrite request, then a hard cut on a word boundary
      res = await llm.chat(meta, {
        system,
        messages: [...messages, { role: 'assistant', content: res.text }, { role: 'user', content: `That is ${length(text)} characters. Rewrite it in under ${limit}.` }],
        temperature: 0.5,
        signal,
      });
      text = clean(res.text);
      if (!checkPostLength(p.data.platform, text).ok) {
        text = fitTo(p.data.platform, text);
        shortened = true;
      }
    }
    if (!text) throw new AppError('llm_invalid_output', `The model (${res.model}) returned an empty draft; nothing was saved.`, { model: res.model });
    const artifact = await saveArtifact(ctx, ctx.db, {
      kind: 'draft',
      title: `Draft for ${p.data.platform}: ${p.data.topic}`.slice(0, 200),
      content: text,
      meta: { platform: p.data.platform, chars: length(text), limit, shortened, model: res.model, topic: p.data.topic },
      agentId: agent.id,
      missionId: step.missionId,
      stepId: step.id,
    });
    return {
      result: { artifactId: artifact.id, text, platform: p.data.platform, chars: length(text), shortened },
      summary: text,
      tags: ['draft', 'tweet', p.data.platform],
    };
  });
  return { ...executor, payloadSchema: payload };
}
