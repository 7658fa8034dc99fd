import { z } from 'zod';
import { describeIssues } from '../api/errors.js';
import { badPayload, type Executor } from './executor.js';

const payload = z.object({
  /** How long to wait, in seconds of the engine's clock. */
  seconds: z.number().min(0).max(86_400).default(0),
  /** For tests and drills: fail with this message instead of succeeding. */
  fail: z.string().max(300).optional(),
});

/** Sleeps on the Clock. Needs no LLM: the loop's own test executor and a real "pause the plan" step. */
export const waitExecutor: Executor = {
  kind: 'wait',
  payloadSchema: payload,
  async run({ ctx, step, signal }) {
    const parsed = payload.safeParse(step.payload);
    if (!parsed.success) throw badPayload('wait', describeIssues(parsed.error.issues));
    if (parsed.data.seconds > 0) await ctx.clock.sleep(parsed.data.seconds * 1000, signal);
    if (parsed.data.fail) throw new Error(parsed.data.fail);
    return { result: { waitedSeconds: parsed.data.seconds }, summary: `Waited ${parsed.data.seconds} s.` };
  },
};
