import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../../core/ops/policy.ts';
import { policyDefaults } from '../../../core/ops/policy-schemas.ts';
import { offlineEngagement, offlinePublisher, postingPolicy } from '../../../core/sim/offline-social.ts';

const texts = Array.from({ length: 200 }, (_, i) => `Post number ${i}: what we shipped this week`);
const score = (m: { likes: number; reposts: number; replies: number }) => m.likes + 2 * m.reposts + 3 * m.replies;

describe('the simulator\'s offline social platform', () => {
  it('gives the same engagement for the same post and seed, another for another seed', () => {
    const a = texts.map((t) => offlineEngagement(1, t));
    expect(texts.map((t) => offlineEngagement(1, t))).toEqual(a);
    expect(texts.map((t) => offlineEngagement(2, t))).not.toEqual(a);
  });

  it('spreads engagement so that outcome learning has strong and weak posts to learn from', () => {
    const scores = texts.map((t) => score(offlineEngagement(1, t))).sort((x, y) => x - y);
    const median = scores[100]!;
    expect(median).toBeGreaterThan(0);
    expect(scores.filter((s) => s > 2 * median).length).toBeGreaterThan(10); // learning_policy.strong_multiple
    expect(scores.filter((s) => s < 0.3 * median).length).toBeGreaterThan(10); // weak_multiple
    expect(scores.filter((s) => s >= 20).length).toBeGreaterThan(10); // tweet_high_engagement's engagement_min
  });

  it('accepts posts with a stable address, and refuses once the step is aborted', async () => {
    const p = offlinePublisher(1);
    const live = new AbortController();
    const one = await p.publish('hello', { signal: live.signal });
    expect(await p.publish('hello', { signal: live.signal })).toEqual(one);
    expect(one.uri).toMatch(/^at:\/\/did:plc:simulated\/app\.bsky\.feed\.post\/[0-9a-z]+$/);
    live.abort();
    await expect(p.publish('hello', { signal: live.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('turns posting on through valid policies: post_bluesky auto-approved, drafts published by their writer', () => {
    const out = postingPolicy({ auto_approve: policyDefaults.auto_approve, reaction_matrix: policyDefaults.reaction_matrix });
    for (const [key, value] of Object.entries(out)) expect(() => parsePolicy(key, value)).not.toThrow();
    expect((out.auto_approve as { allowed_step_kinds: string[] }).allowed_step_kinds).toContain('post_bluesky');
    expect((out.reaction_matrix as { patterns: { type: string }[] }).patterns.at(-1)).toMatchObject({ type: 'post', target: 'twitter-alt' });
  });
});
