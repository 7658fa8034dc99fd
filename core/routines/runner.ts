import type { EngineCtx } from '../ops/ctx.js';
import { getAgent } from '../ops/agents.js';
import { writeEvent } from '../ops/events.js';
import { cachedPolicy } from '../ops/policy.js';
import { createProposalAndMaybeAutoApprove } from '../ops/proposal-service.js';
import { iso } from '../ops/time.js';
import { isoNow } from '../ports/clock.js';
import { dueSlots, nextSlot } from './slots.js';
import { stepsFor } from './steps.js';
import { listRoutines, recordRun, type Routine, type RoutineRun } from './store.js';

/** A slot handled within this long of its time ran "on time"; later, the app was closed or asleep. */
export const ON_TIME_MS = 15 * 60_000;
/** At most this many missed slots are listed one by one as skipped. */
const MAX_SKIP_ROWS = 31;

/** Submits one run of a routine through the proposal service (every gate and budget applies). */
async function submit(ctx: EngineCtx, r: Routine, dueAt: number | null, outcome: 'ran' | 'caught_up' | 'manual', reason: string | null): Promise<RoutineRun> {
  const at = isoNow(ctx.clock);
  const agent = await getAgent(ctx.db, r.agentId);
  if (!agent?.enabled) return recordRun(ctx.db, { routineId: r.id, dueAt: dueAt === null ? null : iso(dueAt), outcome: 'skipped', reason: `${r.agentId} is turned off.`, at });
  const out = await createProposalAndMaybeAutoApprove(ctx, {
    agentId: r.agentId,
    title: `${r.name}${dueAt === null ? ' (run now)' : ''}`,
    description: r.prompt,
    steps: await stepsFor(ctx, r, dueAt),
    source: 'system',
    sourceRef: `routine:${r.id}:${dueAt === null ? `manual:${at}` : iso(dueAt)}`,
  });
  await ctx.db.query('UPDATE ops_routines SET last_run_at = $2 WHERE id = $1', [r.id, at]);
  if (out.proposal.status === 'rejected') {
    return recordRun(ctx.db, { routineId: r.id, dueAt: dueAt === null ? null : iso(dueAt), outcome: 'rejected', reason: out.proposal.rejectionReason, proposalId: out.proposal.id, at });
  }
  const run = await recordRun(ctx.db, { routineId: r.id, dueAt: dueAt === null ? null : iso(dueAt), outcome, reason, proposalId: out.proposal.id, at });
  await writeEvent(ctx, ctx.db, {
    agentId: r.agentId,
    kind: 'routine_ran',
    title: `${r.name}${outcome === 'caught_up' ? ' (caught up on wake)' : ''}`,
    summary: reason ?? `Due at ${r.timeOfDay}.`,
    tags: ['routine', r.kind, outcome],
    proposalId: out.proposal.id,
    payload: { routineId: r.id, dueAt: dueAt === null ? null : iso(dueAt), outcome },
  });
  return run;
}

/**
 * Runs every routine whose time has come since it was last handled. A slot
 * handled on time runs; when several slots passed while the app was closed
 * or asleep, the routine runs once on wake ("caught_up") and each older
 * slot is recorded as skipped with why. A turned-off routine records a skip.
 */
export async function runDueRoutines(ctx: EngineCtx): Promise<{ ran: number; caughtUp: number; skipped: number }> {
  const tz = (await cachedPolicy(ctx, 'timezone')).name;
  const now = ctx.clock.now();
  const totals = { ran: 0, caughtUp: 0, skipped: 0 };
  for (const r of await listRoutines(ctx.db)) {
    const slots = dueSlots(r, Date.parse(r.handledUntil), now, tz);
    const latest = slots.at(-1);
    if (latest === undefined) continue;
    // claim the window: only one process (and one timer or heartbeat) handles it
    const claimed = await ctx.db.query('UPDATE ops_routines SET handled_until = $2 WHERE id = $1 AND handled_until = $3 RETURNING id', [r.id, iso(latest), r.handledUntil]);
    if (claimed.rows.length === 0) continue;
    const at = isoNow(ctx.clock);
    if (!r.enabled) {
      for (const s of slots.slice(-MAX_SKIP_ROWS)) await recordRun(ctx.db, { routineId: r.id, dueAt: iso(s), outcome: 'skipped', reason: 'The routine is turned off.', at });
      totals.skipped += slots.length;
      continue;
    }
    const missed = slots.slice(0, -1);
    const late = now - latest > ON_TIME_MS;
    for (const s of missed.slice(-MAX_SKIP_ROWS)) {
      await recordRun(ctx.db, { routineId: r.id, dueAt: iso(s), outcome: 'skipped', reason: `Missed while the app was closed or asleep; covered by one catch-up run at ${at}.`, at });
    }
    totals.skipped += missed.length;
    if (late || missed.length) {
      const reason = `Due at ${iso(latest)} while the app was closed or asleep${missed.length ? ` (${missed.length + 1} times)` : ''}; run once on wake.`;
      await submit(ctx, r, latest, 'caught_up', reason);
      totals.caughtUp++;
    } else {
      await submit(ctx, r, latest, 'ran', null);
      totals.ran++;
    }
  }
  return totals;
}

/** Run now, outside its schedule (still through every gate). */
export async function runRoutineNow(ctx: EngineCtx, r: Routine): Promise<RoutineRun> {
  return submit(ctx, r, null, 'manual', 'Run now by you.');
}

/** The earliest next due time of any enabled routine, for the wake-up timer. */
export async function nextDue(ctx: EngineCtx): Promise<number | null> {
  const tz = (await cachedPolicy(ctx, 'timezone')).name;
  let best: number | null = null;
  for (const r of await listRoutines(ctx.db)) {
    const n = nextSlot(r, Math.max(Date.parse(r.handledUntil), ctx.clock.now()), tz);
    if (n !== null && (best === null || n < best)) best = n;
  }
  return best;
}
