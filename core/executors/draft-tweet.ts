import { z } from 'zod';
import { describeIssues } from '../api/errors.js';
import type { LlmService } from '../llm/llm-service.js';
import { queryMemories } from '../memory/store.js';
import { badPayload } from '../workers/executor.js';
import { saveArtifact } from './artifacts.js';
import { llmExecutor } from './llm-executor.js';
import { agentSystemPrompt, capOnWord, tidy } from './prompts.js';

export const platformLimits = { x: 280, bluesky: 300 } as const;

const payload = z.object({
  topic: z.string().trim().min(1, 'a topic is required').max(500),
  platform: z.enum(['x', 'bluesky']).default('x'),
  angle: z.string().max(500).optional(),
});

/** Length as the platforms count it: graphemes, not UTF-16 units. */
export function graphemeLength(text: string): number {
  let n = 0;
  for (const _ of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) n++;
  return n;
}

function clean(text: string): string {
  return tidy(text)
    .replace(/^(tweet|post|draft)\s*:\s*/i, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** draft_tweet: a post draft within the platform's length limit, stored as a draft artifact. */
export function draftTweetExecutor(llm: LlmService) {
  return llmExecutor('draft_tweet', llm, async ({ ctx, step, agent, signal }) => {
    const p = payload.safeParse(step.payload);
    if (!p.success) throw badPayload('draft_tweet', describeIssues(p.error.issues));
    const limit = platformLimits[p.data.platform];
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
    if (graphemeLength(text) > limit) {
      // one rewrite request, then a hard cut on a word boundary
      res = await llm.chat(meta, {
        system,
        messages: [...messages, { role: 'assistant', content: res.text }, { role: 'user', content: `That is ${graphemeLength(text)} characters. Rewrite it in under ${limit}.` }],
        temperature: 0.5,
        signal,
      });
      text = clean(res.text);
      if (graphemeLength(text) > limit) {
        text = capOnWord(text, limit - 1) + '…';
        shortened = true;
      }
    }
    if (!text) throw new Error('The model returned an empty draft.');
    const artifact = await saveArtifact(ctx, ctx.db, {
      kind: 'draft',
      title: `Draft for ${p.data.platform}: ${p.data.topic}`.slice(0, 200),
      content: text,
      meta: { platform: p.data.platform, chars: graphemeLength(text), limit, shortened, model: res.model, topic: p.data.topic },
      agentId: agent.id,
      missionId: step.missionId,
      stepId: step.id,
    });
    return {
      result: { artifactId: artifact.id, text, platform: p.data.platform, chars: graphemeLength(text), shortened },
      summary: text,
      tags: ['draft', 'tweet', p.data.platform],
    };
  });
}
