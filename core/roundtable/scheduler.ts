import { readThrough, type Tx } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';
import { cachedPolicy, getPolicy } from '../ops/policy.js';
import { localDate, localHour } from '../ops/time.js';
import { isoNow } from '../ports/clock.js';
import { formats } from './formats.js';
import { CAP_LOCK, planConversation } from './plan.js';
import { countToday, insertConversation } from './queue.js';
import { dailySchedule, expectedShareBy, type ScheduleSlot } from './schedule.js';
import { subRandom } from './seeded-random.js';

export type SlotDecision = 'queued' | 'skipped_probability' | 'skipped_cap' | 'skipped_disabled' | 'skipped_no_participants' | 'missed';

export interface SlotOutcome {
  hour: number;
  decision: SlotDecision;
  detail: string;
  conversationId: number | null;
}

/**
 * Heartbeat job: decides every slot of the user's day whose hour has come and
 * that has no decision yet — at most once per slot per day (the decision row
 * is the guard). A slot rolls its probability; then the daily cap
 * (roundtable_policy.max_daily_conversations) has the last word. The cap is
 * paced over the day by the schedule's expected share, and room is kept for
 * the slots that always happen (the morning standup), so that a few night
 * chats cannot use up the day.
 */
export async function runSchedule(ctx: EngineCtx, seed: number, slots: readonly ScheduleSlot[] = dailySchedule): Promise<{ day: string; outcomes: SlotOutcome[] }> {
  const tz = (await cachedPolicy(ctx, 'timezone')).name;
  const nowMs = ctx.clock.now();
  const day = localDate(nowMs, tz);
  const hourNow = localHour(nowMs, tz);
  const done = await readThrough<{ slot_hour: number }>(ctx.db, 'SELECT slot_hour FROM ops_roundtable_slots WHERE local_day = $1', [day], ['ops_roundtable_slots']);
  const decided = new Set(done.rows.map((r) => r.slot_hour));
  const outcomes: SlotOutcome[] = [];
  for (const slot of [...slots].sort((a, b) => a.hour - b.hour)) {
    if (slot.hour > hourNow || decided.has(slot.hour)) continue;
    const out = await ctx.db.transaction((tx) => decideSlot(ctx, tx, seed, { day, hourNow, tz, nowMs }, slot, slots));
    if (out) outcomes.push(out);
  }
  return { day, outcomes };
}

async function decideSlot(
  ctx: EngineCtx,
  tx: Tx,
  seed: number,
  at: { day: string; hourNow: number; tz: string; nowMs: number },
  slot: ScheduleSlot,
  slots: readonly ScheduleSlot[],
): Promise<SlotOutcome | null> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [CAP_LOCK]);
  const again = await tx.query('SELECT 1 FROM ops_roundtable_slots WHERE local_day = $1 AND slot_hour = $2', [at.day, slot.hour]);
  if (again.rows.length) return null;
  const random = subRandom(seed, 'slot', at.day, slot.hour);
  const roll = random.next();
  const format = formats[slot.format];
  const policy = await getPolicy(tx, 'roundtable_policy');
  let decision: SlotDecision;
  let detail: string;
  let conversationId: number | null = null;
  if (at.hourNow > slot.hour + slot.graceHours) {
    decision = 'missed';
    detail = `Nothing ran the schedule between ${pad(slot.hour)}:00 and ${pad(slot.hour + slot.graceHours)}:59.`;
  } else if (!policy.enabled) {
    decision = 'skipped_disabled';
    detail = 'Conversations are turned off (roundtable_policy).';
  } else if (roll >= slot.probability) {
    decision = 'skipped_probability';
    detail = `Rolled ${roll.toFixed(2)} against a chance of ${slot.probability.toFixed(2)}.`;
  } else {
    const cap = policy.max_daily_conversations;
    const used = await countToday(tx, at.nowMs, at.tz);
    const later = await tx.query<{ slot_hour: number }>('SELECT slot_hour FROM ops_roundtable_slots WHERE local_day = $1', [at.day]);
    const decidedHours = new Set(later.rows.map((r) => r.slot_hour));
    const reserved = slots.filter((s) => s.probability >= 1 && s.hour > slot.hour && !decidedHours.has(s.hour)).length;
    const paced = Math.max(1, Math.ceil(cap * expectedShareBy(slot.hour, slots)));
    if (used >= cap) {
      decision = 'skipped_cap';
      detail = `Today's cap is reached (${used}/${cap}).`;
    } else if (slot.probability < 1 && used + reserved >= cap) {
      decision = 'skipped_cap';
      detail = `Keeping room for ${reserved} conversation(s) that always happen later today (${used}/${cap} used).`;
    } else if (slot.probability < 1 && used >= paced) {
      decision = 'skipped_cap';
      detail = `Pacing the day: ${used} of ${cap} used by ${pad(slot.hour)}:00 (budget so far ${paced}).`;
    } else {
      const plan = await planConversation(tx, format, slot.participants, random, { source: 'schedule', slotName: slot.name });
      if (!plan) {
        decision = 'skipped_no_participants';
        detail = `Too few agents are turned on for a ${format.label.toLowerCase()} (it needs ${format.minAgents}).`;
      } else {
        const conv = await insertConversation(ctx, tx, plan);
        decision = 'queued';
        conversationId = conv.id;
        detail = `${plan.participants.join(', ')} on "${plan.topic}".`;
      }
    }
  }
  await tx.query(
    `INSERT INTO ops_roundtable_slots (local_day, slot_hour, slot_name, format, decision, probability, roll, detail, conversation_id, decided_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [at.day, slot.hour, slot.name, slot.format, decision, slot.probability, roll, detail, conversationId, isoNow(ctx.clock)],
  );
  return { hour: slot.hour, decision, detail, conversationId };
}

function pad(h: number): string {
  return String(h % 24).padStart(2, '0');
}

export interface SlotDecisionRow {
  hour: number;
  decision: SlotDecision;
  detail: string;
  roll: number | null;
  conversationId: number | null;
  decidedAt: string;
}

export async function slotDecisions(ctx: EngineCtx, day: string): Promise<SlotDecisionRow[]> {
  const res = await ctx.db.query<SlotDecisionRow>(
    `SELECT slot_hour AS hour, decision, detail, roll, conversation_id AS "conversationId", decided_at AS "decidedAt"
     FROM ops_roundtable_slots WHERE local_day = $1 ORDER BY slot_hour`,
    [day],
  );
  return res.rows;
}
