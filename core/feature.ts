import type { z } from 'zod';
import type { LlmService } from './llm/llm-service.js';
import type { EngineCtx, EventHook } from './ops/ctx.js';
import type { HeartbeatJob } from './ops/heartbeat.js';
import type { Executor } from './workers/executor.js';
import type { Queryable } from './db/db.js';

/** What a feature area is given when the engine is built. */
export interface FeatureEnv {
  ctx: EngineCtx;
  /** Null when no LLM is wired (LLM work then waits). */
  llm: LlmService | null;
  /** Whether this process runs workers (loops that consume queues). */
  runsWorkers: boolean;
  /** How often queue loops look for work queued by other processes (default 30 s). */
  queuePollMs?: number;
}

/** Handlers for a map of calls, typed from their zod schemas. */
export type HandlersFor<C extends Record<string, { input: z.ZodType; output: z.ZodType }>> = {
  [K in keyof C]: (input: z.output<C[K]['input']>) => Promise<z.output<C[K]['output']>>;
};

/**
 * A feature area plugs into the engine: heartbeat jobs (run in order after
 * the core ones), executors, hooks on every written event, and loops that
 * start and stop with the engine.
 */
export interface Feature<C extends Record<string, { input: z.ZodType; output: z.ZodType }>> {
  name: string;
  /** Seeds its data once (idempotent), right after migrations. */
  seed?(q: Queryable, now: string): Promise<void>;
  heartbeatJobs?: HeartbeatJob[];
  executors?: Executor[];
  eventHooks?: EventHook[];
  handlers: HandlersFor<C>;
  /** `schedules`: this process runs the heartbeat, so it also runs what is due at a time of day (routines). */
  start?(o: { schedules: boolean }): Promise<void> | void;
  stop?(): Promise<void>;
}
