import { z } from 'zod';

/**
 * autopost_policy: when a draft is written, its agent proposes the post step
 * for each platform listed. Post kinds are not auto-approved by default, so
 * the proposals wait for a person's yes in the approval inbox.
 */
export const autopostPolicySchema = z.object({
  enabled: z.boolean(),
  platforms: z.array(z.enum(['bluesky', 'x'])).max(2),
});

export type AutopostPolicy = z.infer<typeof autopostPolicySchema>;

export const autopostPolicyDefault: AutopostPolicy = { enabled: false, platforms: ['bluesky'] };

/** The step kind that posts to each platform. */
export const postKindFor = { bluesky: 'post_bluesky', x: 'post_tweet' } as const;
