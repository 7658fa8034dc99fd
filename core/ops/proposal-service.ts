import { z } from 'zod';
import { stepSpec } from '../api/contract.js';
import { AppError, describeIssues } from '../api/errors.js';
import { isConnectionError } from '../db/connection-errors.js';
import { lockKey, type Tx } from '../db/db.js';
import { isoNow } from '../ports/clock.js';
import { getAgent } from './agents.js';
import type { EngineCtx } from './ctx.js';
import { writeEvent } from './events.js';
import { checkAgentPaused, checkCapGates, QuotaLedger } from './gates.js';
import { currentPause } from './pause.js';
import { createMission } from './missions.js';
import { getPolicy } from './policy.js';
import { iso, startOfDay } from './time.js';

export { stepSpec };
export type StepSpec = z.infer<typeof stepSpec>;

export const proposalInput = z.object({
  agentId: z.string().min(1).max(32),
  title: z.string().trim().min(1, 'a title is required').max(300),
  description: z.string().max(4000).optional(),
  steps: z.array(stepSpec).min(1, 'a proposal needs at least one step').max(20),
  source: z.enum(['user', 'api', 'trigger', 'reaction', 'initiative', 'roundtable', 'system']).default('user'),
  sourceRef: z.string().max(200).optional(),
});
export type ProposalInput = z.input<typeof proposalInput>;

export interface ProposalRow {
  id: number;
  agentId: string;
  title: string;
  description: string;
  source: string;
  sourceRef: string | null;
  status: 'pending' | 'accepted' | 'rejected';
  proposedSteps: StepSpec[];
  rejectionReason: string | null;
  rejectedByGate: string | null;
  decidedBy: string | null;
  decidedAt: string | null;
  createdAt: string;
  /** In lists: the mission an accepted proposal became. */
  missionId?: number | null;
}

export const PROPOSAL_COLUMNS =
  'id, agent_id AS "agentId", title, description, source, source_ref AS "sourceRef", status, proposed_steps AS "proposedSteps", rejection_reason AS "rejectionReason", rejected_by_gate AS "rejectedByGate", decided_by AS "decidedBy", decided_at AS "decidedAt", created_at AS "createdAt"';

export interface ProposalOutcome {
  proposal: ProposalRow;
  mission?: { id: number; status: string };
}

const GATE_LOCK = lockKey('emtesseract:proposal-gates');

/**
 * Written in the proposal's own transaction, once the proposal row exists and before its mission
 * (if any) is queued: what must be true by the time a worker can claim the mission's steps (a
 * trigger rule's decision, which the budget of that rule reads for each LLM call).
 */
export type WithProposal = (tx: Tx, proposal: ProposalRow) => Promise<void>;

/**
 * The single entry point for proposals, whoever makes them (the user, a trigger,
 * a reaction, an initiative, a conversation): daily limit → cap gates → insert →
 * auto-approve → mission + steps → event. A refusal is stored with its reason.
 */
export async function createProposalAndMaybeAutoApprove(ctx: EngineCtx, raw: ProposalInput, withProposal?: WithProposal): Promise<ProposalOutcome> {
  const [result] = await createProposals(ctx, [raw], withProposal ? [withProposal] : []);
  if (!result!.ok) throw result!.error;
  return result!.outcome;
}

export type ProposalResult = { ok: true; outcome: ProposalOutcome } | { ok: false; error: AppError };

/**
 * Several proposals through the same gates, in order, in one transaction under
 * one gate lock (the reaction queue hands over a batch): each is decided exactly
 * as it would be alone — the daily limit and the cap gates count what the ones
 * before it in the batch used — but the policies are read and today's use is
 * counted once per agent and step kind instead of once per proposal. An
 * invalid proposal gets its error and writes nothing; if the transaction
 * fails, each proposal is tried again on its own, so one cannot sink the rest.
 */
export async function createProposals(ctx: EngineCtx, raws: readonly ProposalInput[], withProposal: readonly (WithProposal | undefined)[] = []): Promise<ProposalResult[]> {
  const results: ProposalResult[] = new Array(raws.length);
  const valid: { i: number; input: z.infer<typeof proposalInput>; agent: NonNullable<Awaited<ReturnType<typeof getAgent>>> }[] = [];
  for (const [i, raw] of raws.entries()) {
    const parsed = proposalInput.safeParse(raw);
    if (!parsed.success) {
      results[i] = { ok: false, error: new AppError('invalid_input', `The proposal is not valid: ${describeIssues(parsed.error.issues)}.`) };
      continue;
    }
    const agent = await getAgent(ctx.db, parsed.data.agentId);
    if (!agent) results[i] = { ok: false, error: new AppError('not_found', `There is no agent "${parsed.data.agentId}".`) };
    else valid.push({ i, input: parsed.data, agent });
  }
  if (!valid.length) return results;

  // Read before the critical section: no query while the engine's copy is fresh (see ops/pause.ts).
  const pause = await currentPause(ctx);
  let outcomes: ProposalOutcome[];
  try {
    outcomes = await ctx.db.transaction(async (tx) => {
      // Gate checks and the inserts that use up quota are one critical section.
      await tx.query('SELECT pg_advisory_xact_lock($1)', [GATE_LOCK]);
      const nowMs = ctx.clock.now();
      const tz = (await getPolicy(tx, 'timezone')).name;
      const ledger = new QuotaLedger(iso(startOfDay(nowMs, tz)));
      const limits = await getPolicy(tx, 'proposal_limits');
      const auto = await getPolicy(tx, 'auto_approve');
      const limitOf = (agentId: string): number => limits.per_agent[agentId] ?? limits.default_daily_limit;
      const today = await proposalsToday(tx, new Map(valid.map((v) => [v.input.agentId, limitOf(v.input.agentId)])), ledger.dayStart);
      const out: ProposalOutcome[] = [];
      for (const { i, input, agent } of valid) {
        const kinds = input.steps.map((s) => s.kind);
        let refusal: { gate: string; reason: string } | null = null;
        if (!agent.enabled) refusal = { gate: 'agent_disabled', reason: `${agent.displayName} is turned off.` };
        if (!refusal) {
          const paused = checkAgentPaused(pause, agent);
          if (!paused.ok) refusal = { gate: paused.gate, reason: paused.reason };
        }
        const used = today.get(input.agentId) ?? 0;
        const limit = limitOf(input.agentId);
        if (!refusal && used >= limit) refusal = { gate: 'daily_limit', reason: `Daily proposal limit reached (${used}/${limit}) for ${input.agentId}.` };
        if (!refusal) {
          const gate = await checkCapGates(tx, kinds, nowMs, tz, ledger);
          if (!gate.ok) refusal = { gate: gate.gate, reason: gate.reason };
        }
        const approve = !refusal && auto.enabled && kinds.every((k) => (auto.allowed_step_kinds as readonly string[]).includes(k));
        const status = refusal ? 'rejected' : approve ? 'accepted' : 'pending';
        const proposal = await insertProposal(ctx, tx, input, status, refusal);
        await withProposal[i]?.(tx, proposal);
        today.set(input.agentId, used + 1); // every proposal made today counts, refused ones too
        if (status === 'accepted') ledger.add(kinds);
        out.push(await finishProposal(ctx, tx, proposal));
      }
      return out;
    });
  } catch (err) {
    if (valid.length === 1 || isConnectionError(err)) throw err;
    for (const { i } of valid) {
      try {
        results[i] = (await createProposals(ctx, [raws[i]!], [withProposal[i]]))[0]!;
      } catch (one) {
        if (isConnectionError(one)) throw one;
        results[i] = { ok: false, error: one instanceof AppError ? one : new AppError('internal', `The proposal could not be saved: ${one instanceof Error ? one.message : String(one)}.`) };
      }
    }
    return results;
  }
  valid.forEach(({ i }, k) => (results[i] = { ok: true, outcome: outcomes[k]! }));
  return results;
}

async function insertProposal(
  ctx: EngineCtx,
  tx: Tx,
  input: z.infer<typeof proposalInput>,
  status: ProposalRow['status'],
  refusal: { gate: string; reason: string } | null,
): Promise<ProposalRow> {
  const now = isoNow(ctx.clock);
  const ins = await tx.query<ProposalRow>(
    `INSERT INTO ops_mission_proposals
       (agent_id, title, description, source, source_ref, status, proposed_steps, rejection_reason, rejected_by_gate, decided_by, decided_at, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12)
     RETURNING ${PROPOSAL_COLUMNS}`,
    [
      input.agentId,
      input.title,
      input.description ?? '',
      input.source,
      input.sourceRef ?? null,
      status,
      JSON.stringify(input.steps),
      refusal?.reason ?? null,
      refusal?.gate ?? null,
      status === 'pending' ? null : refusal ? 'gate' : 'auto',
      status === 'pending' ? null : now,
      now,
    ],
  );
  return ins.rows[0] as ProposalRow;
}

/**
 * How many proposals each agent has made since `dayStart`, counted up to its limit (all a gate
 * needs to know; an agent far over its limit is not counted to the end every time): one query
 * for all of them.
 */
async function proposalsToday(tx: Tx, limits: Map<string, number>, dayStart: string): Promise<Map<string, number>> {
  const res = await tx.query<{ agentId: string; n: number }>(
    `SELECT a.agent_id AS "agentId",
            (SELECT count(*)::int FROM (SELECT 1 FROM ops_mission_proposals p WHERE p.agent_id = a.agent_id AND p.created_at >= $3 LIMIT a.cap) x) AS n
     FROM unnest($1::text[], $2::int[]) AS a(agent_id, cap)`,
    [[...limits.keys()], [...limits.values()], dayStart],
  );
  return new Map(res.rows.map((r) => [r.agentId, r.n]));
}

/** Emits the proposal's event and, when accepted, creates its mission. */
async function finishProposal(ctx: EngineCtx, tx: Tx, proposal: ProposalRow): Promise<ProposalOutcome> {
  const base = { agentId: proposal.agentId, proposalId: proposal.id };
  if (proposal.status === 'rejected') {
    await writeEvent(ctx, tx, {
      ...base,
      kind: 'proposal_rejected',
      title: `Rejected: ${proposal.title}`,
      summary: proposal.rejectionReason ?? '',
      tags: ['proposal', 'rejected', proposal.rejectedByGate ?? 'manual'],
      payload: { source: proposal.source, gate: proposal.rejectedByGate },
    });
    return { proposal };
  }
  if (proposal.status === 'pending') {
    await writeEvent(ctx, tx, {
      ...base,
      kind: 'proposal_pending',
      title: `Awaiting approval: ${proposal.title}`,
      summary: `Steps: ${proposal.proposedSteps.map((s) => s.kind).join(', ')}`,
      tags: ['proposal', 'pending'],
      payload: { source: proposal.source },
    });
    return { proposal };
  }
  const mission = await createMission(ctx, tx, proposal);
  return { proposal, mission: { id: mission.id, status: mission.status } };
}

export const decideInput = z.object({
  id: z.number().int().positive(),
  decision: z.enum(['accept', 'reject']),
  reason: z.string().trim().max(500).optional(),
  /** The steps as the person edited them before accepting (same kinds, new payloads; e.g. a draft's text). */
  steps: z.array(stepSpec).min(1).max(20).optional(),
});

/** A person accepts or rejects a pending proposal. Accepting still honours the cap gates. */
export async function decideProposal(ctx: EngineCtx, input: z.infer<typeof decideInput>): Promise<ProposalOutcome> {
  return ctx.db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [GATE_LOCK]);
    const cur = await tx.query<ProposalRow>(`SELECT ${PROPOSAL_COLUMNS} FROM ops_mission_proposals WHERE id = $1 FOR UPDATE`, [input.id]);
    const p = cur.rows[0];
    if (!p) throw new AppError('not_found', `There is no proposal #${input.id}.`);
    if (p.status !== 'pending') throw new AppError('conflict', `Proposal #${p.id} was already ${p.status}.`);
    const now = isoNow(ctx.clock);
    let status: 'accepted' | 'rejected' = input.decision === 'accept' ? 'accepted' : 'rejected';
    let reason = input.decision === 'reject' ? input.reason || 'Rejected by you.' : null;
    let gate: string | null = input.decision === 'reject' ? 'manual' : null;
    if (status === 'accepted' && input.steps) {
      const same = input.steps.length === p.proposedSteps.length && input.steps.every((st, i) => st.kind === p.proposedSteps[i]?.kind);
      if (!same) throw new AppError('invalid_input', `Edits may change what each step does, not which steps there are: proposal #${p.id} has ${p.proposedSteps.map((x) => x.kind).join(', ')}.`);
      await tx.query('UPDATE ops_mission_proposals SET proposed_steps = $2::jsonb WHERE id = $1', [p.id, JSON.stringify(input.steps)]);
      p.proposedSteps = input.steps;
    }
    if (status === 'accepted') {
      const tz = (await getPolicy(tx, 'timezone')).name;
      const res = await checkCapGates(tx, p.proposedSteps.map((s) => s.kind), ctx.clock.now(), tz);
      if (!res.ok) {
        status = 'rejected';
        reason = res.reason;
        gate = res.gate;
      }
    }
    const upd = await tx.query<ProposalRow>(
      `UPDATE ops_mission_proposals SET status = $2, rejection_reason = $3, rejected_by_gate = $4, decided_by = 'user', decided_at = $5
       WHERE id = $1 RETURNING ${PROPOSAL_COLUMNS}`,
      [p.id, status, reason, gate, now],
    );
    return finishProposal(ctx, tx, upd.rows[0] as ProposalRow);
  });
}

export async function listProposals(
  ctx: EngineCtx,
  q: { status?: 'pending' | 'accepted' | 'rejected'; agentId?: string; limit?: number; cursor?: number },
): Promise<ProposalRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (q.status) where.push(`status = $${params.push(q.status)}`);
  if (q.agentId) where.push(`agent_id = $${params.push(q.agentId)}`);
  if (q.cursor) where.push(`id < $${params.push(q.cursor)}`);
  params.push(Math.min(q.limit ?? 50, 200));
  const res = await ctx.db.query<ProposalRow>(
    `SELECT ${PROPOSAL_COLUMNS} FROM ops_mission_proposals ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY id DESC LIMIT $${params.length}`,
    params,
  );
  // The mission each accepted proposal became, so the UI can link to it (one query for the page).
  const accepted = res.rows.filter((p) => p.status === 'accepted').map((p) => p.id);
  if (accepted.length === 0) return res.rows;
  const missions = await ctx.db.query<{ proposalId: number; id: number }>(
    'SELECT proposal_id::int AS "proposalId", min(id)::int AS id FROM ops_missions WHERE proposal_id = ANY($1::bigint[]) GROUP BY proposal_id',
    [accepted],
  );
  const byProposal = new Map(missions.rows.map((m) => [Number(m.proposalId), Number(m.id)]));
  return res.rows.map((p) => (p.status === 'accepted' ? { ...p, missionId: byProposal.get(p.id) ?? null } : p));
}
