import type { Db } from '../db/db.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import type { Random } from '../ports/random.js';
import type { Bus } from './bus.js';
import type { PauseFlag } from './pause.js';
import type { EventRow } from './events.js';
import type { Queryable } from '../db/db.js';

/** What a hook can know of an event before it is written. */
export type EventShape = Pick<EventRow, 'kind' | 'agentId' | 'tags'>;

/**
 * Runs inside the transaction that wrote an event (e.g. the reaction matrix).
 * `wants` (optional) says from memory whether the hook may act on an event of
 * this shape; hot paths skip the transaction when no hook wants theirs.
 */
export type EventHook = ((ctx: EngineCtx, q: Queryable, event: EventRow) => Promise<void>) & {
  wants?: (ctx: EngineCtx, event: EventShape) => Promise<boolean>;
};

/** Whether any event hook may act on one of these events (a hook without `wants` always may). */
export async function hooksWant(ctx: EngineCtx, events: EventShape[]): Promise<boolean> {
  for (const hook of ctx.eventHooks) {
    if (!hook.wants) return true;
    for (const ev of events) if (await hook.wants(ctx, ev)) return true;
  }
  return false;
}

/** What every engine module is handed: built once at the edge, passed inward. */
export interface EngineCtx {
  db: Db;
  clock: Clock;
  random: Random;
  log: Log;
  bus: Bus;
  /** Identifies this process in leases and runs. */
  processId: string;
  eventHooks: EventHook[];
  /**
   * How long a policy read may be served from memory (default 1 s). A single
   * process that owns its database (the simulator) can keep policies until
   * they change.
   */
  policyCacheMs?: number;
  /**
   * The pause between a conversation's turns, as [min, max] ms on the Clock (default 3–8 s, the seed's).
   * End-to-end UI tests that run on real time shorten it; nothing a user sets.
   */
  turnGapMs?: readonly [number, number];
  /** Where new PGlite databases of this engine (a policy preview's) find the empty-cluster tarball; see PgliteOptions. */
  clusterCacheDir?: string;
  /** Whether the company or some agents are paused; loops read it before taking new work (see ops/pause.ts). */
  pause?: PauseFlag;
}
