/**
 * The artifacts library: what agents wrote and crawled, filtered by agent,
 * kind and mission, read whole, and edited as a new version (the old one stays).
 */
import { z } from 'zod';

export const artifactKindSchema = z.enum(['document', 'analysis', 'crawl', 'draft', 'post', 'note']);

export const artifactSummary = z.object({
  id: z.number(),
  kind: artifactKindSchema,
  title: z.string(),
  excerpt: z.string(),
  chars: z.number(),
  agentId: z.string().nullable(),
  missionId: z.number().nullable(),
  stepId: z.number().nullable(),
  parentId: z.number().nullable(),
  version: z.number(),
  createdAt: z.string(),
});

export const artifactFull = artifactSummary.omit({ excerpt: true }).extend({
  content: z.string(),
  meta: z.record(z.string(), z.unknown()),
});

const artifactId = z.number().int().positive();

export const artifactCalls = {
  'artifacts.list': {
    input: z
      .object({
        agentId: z.string().min(1).max(32).optional(),
        kind: artifactKindSchema.optional(),
        missionId: artifactId.optional(),
        q: z.string().trim().max(200).optional(),
        /** Every version, not only the newest of each (default false). */
        allVersions: z.boolean().optional(),
        limit: z.number().int().min(1).max(200).optional(),
        cursor: artifactId.optional(),
      })
      .default({}),
    output: z.object({ items: z.array(artifactSummary), nextCursor: z.number().nullable() }),
  },
  'artifacts.get': {
    input: z.object({ id: artifactId }),
    output: z.object({ artifact: artifactFull, versions: z.array(artifactSummary.pick({ id: true, version: true, createdAt: true, agentId: true, title: true })) }),
  },
  'artifacts.saveVersion': {
    input: z.object({
      id: artifactId,
      title: z.string().trim().min(1, 'a title is required').max(300),
      content: z.string().min(1, 'an artifact cannot be empty').max(500_000, 'at most 500,000 characters'),
    }),
    output: artifactFull,
  },
} as const;
