import type { z } from 'zod';
import type { whyLink } from '../api/autonomy-calls.js';
import { AppError } from '../api/errors.js';
import type { Queryable } from '../db/db.js';
import { describeRule, type RuleShape } from './rule-text.js';

export type WhyLink = z.infer<typeof whyLink>;

const at = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string).toISOString());
const MAX_DEPTH = 6;

/** What one explanation reads with: the database and the agents' display names. */
interface Why {
  q: Queryable;
  names: Map<string, string>;
}

/** An agent's display name ("Growth"), or its id when it is gone. */
const nameOf = (w: Why, id: string | null | undefined): string => (id ? (w.names.get(id) ?? id) : 'the system');

async function one<T>(q: Queryable, sql: string, params: unknown[]): Promise<T | null> {
  return (await q.query<T>(sql, params)).rows[0] ?? null;
}

async function memoryLink(w: Why, id: number, role: string): Promise<WhyLink | null> {
  const m = await one<{ id: number; agent_id: string; type: string; content: string; confidence: number; provenance: string; created_at: string }>(
    w.q,
    'SELECT id::int AS id, agent_id, type, content, confidence::float8 AS confidence, provenance, created_at FROM ops_agent_memory WHERE id = $1',
    [id],
  );
  if (!m) return { kind: 'memory', id, title: `Memory #${id} (since deleted)`, detail: role, at: null };
  return { kind: 'memory', id: m.id, title: `${nameOf(w, m.agent_id)}'s ${m.type}: ${m.content}`.slice(0, 300), detail: `${role} · confidence ${m.confidence.toFixed(2)} · from ${m.provenance}`, at: at(m.created_at) };
}

interface DecisionRow extends RuleShape {
  id: number;
  rule_id: number;
  decision: string;
  reason: string | null;
  topic: string | null;
  memory_id: number | null;
  manual: boolean;
  roll: number | null;
  skip_probability: number | null;
  created_at: string;
}

/** The roll behind a rule's decision, in words. */
function rollText(d: DecisionRow): string {
  if (d.roll !== null && d.skip_probability !== null) {
    const pct = Math.round(d.skip_probability * 100);
    return d.roll < d.skip_probability
      ? `Rolled ${d.roll.toFixed(3)}, under its ${pct} % chance to be skipped: skipped`
      : `Rolled ${d.roll.toFixed(3)}, above its ${pct} % chance to be skipped: it went ahead`;
  }
  if (d.manual) return 'Run by hand from the scheduler: no roll';
  return d.kind === 'reactive' ? 'No roll: a reactive rule acts whenever its condition matches' : 'No roll recorded';
}

async function triggerChain(w: Why, proposalId: number, out: WhyLink[]): Promise<void> {
  const d = await one<DecisionRow>(
    w.q,
    `SELECT d.id::int AS id, d.rule_id::int AS rule_id, r.name, r.kind, r.trigger_event, r.conditions, r.action_config, r.cooldown_minutes,
            d.decision, d.reason, d.topic, d.memory_id::int AS memory_id, d.manual, d.roll, d.skip_probability, d.created_at
     FROM ops_trigger_decisions d JOIN ops_trigger_rules r ON r.id = d.rule_id WHERE d.proposal_id = $1 ORDER BY d.id LIMIT 1`,
    [proposalId],
  );
  if (!d) return;
  out.push({
    kind: 'trigger_decision',
    id: d.id,
    title: `Rule "${d.name}" ${d.decision}${d.topic ? ` on "${d.topic}"` : ''}`,
    detail: `${rollText(d)}${d.reason ? ` · ${d.reason}` : ''}`,
    at: at(d.created_at),
  });
  out.push({ kind: 'trigger_rule', id: d.rule_id, title: d.name, detail: describeRule(d, (id) => nameOf(w, id)), at: null });
  if (d.memory_id) {
    const m = await memoryLink(w, d.memory_id, 'steered the topic');
    if (m) out.push(m);
  }
}

/** The links behind one proposal, most direct cause first; follows a reaction's source event back to its own proposal. */
async function proposalChain(w: Why, proposalId: number, depth: number, out: WhyLink[]): Promise<void> {
  const p = await one<{ id: number; agent_id: string; title: string; source: string; source_ref: string | null; status: string; created_at: string }>(
    w.q,
    'SELECT id::int AS id, agent_id, title, source, source_ref, status, created_at FROM ops_mission_proposals WHERE id = $1',
    [proposalId],
  );
  if (!p) throw new AppError('not_found', `There is no proposal #${proposalId}.`);
  out.push({ kind: 'proposal', id: p.id, title: p.title, detail: `${nameOf(w, p.agent_id)} proposed it (${p.source}); ${p.status}`, at: at(p.created_at) });
  const ref = p.source_ref ?? '';
  if (p.source === 'trigger') {
    await triggerChain(w, p.id, out);
    const ev = /^event:(\d+)$/.exec(ref);
    if (ev) await eventChain(w, Number(ev[1]), depth, out, 'the event the rule reacted to');
  } else if (p.source === 'reaction') {
    const r = await one<{ id: number; pattern_key: string; reaction_type: string; source_event_id: number; source_agent: string | null; target_agent: string; created_at: string }>(
      w.q,
      'SELECT id::int AS id, pattern_key, reaction_type, source_event_id::int AS source_event_id, source_agent, target_agent, created_at FROM ops_agent_reactions WHERE proposal_id = $1 ORDER BY id LIMIT 1',
      [p.id],
    );
    if (r) {
      const roll = await one<{ id: number; roll: number | null; probability: number; outcome: string; created_at: string }>(
        w.q,
        'SELECT id::int AS id, roll, probability, outcome, created_at FROM ops_reaction_rolls WHERE reaction_id = $1 OR (event_id = $2 AND pattern_key = $3 AND target = $4) ORDER BY id LIMIT 1',
        [r.id, r.source_event_id, r.pattern_key, r.target_agent],
      );
      out.push({ kind: 'reaction', id: r.id, title: `${nameOf(w, r.target_agent)} reacted (${r.reaction_type}) to ${nameOf(w, r.source_agent)}`, detail: `pattern ${r.pattern_key}`, at: at(r.created_at) });
      if (roll) {
        out.push({
          kind: 'reaction_roll',
          id: roll.id,
          title: `Rolled ${roll.roll === null ? '—' : roll.roll.toFixed(3)} against ${roll.probability.toFixed(2)}: ${roll.outcome}`,
          detail: `pattern ${r.pattern_key}`,
          at: at(roll.created_at),
        });
      }
      await eventChain(w, r.source_event_id, depth, out, 'the event it reacted to');
    }
  } else if (p.source === 'roundtable') {
    const m = /^roundtable:(\d+):action:(\d+)$/.exec(ref);
    if (m) await conversationChain(w, Number(m[1]), Number(m[2]), p.title, out);
  } else if (p.source === 'initiative') {
    const m = /^initiative:(\d+):/.exec(ref);
    out.push({ kind: 'initiative', id: m ? Number(m[1]) : null, title: `${nameOf(w, p.agent_id)} proposed this on its own initiative`, detail: 'from its high-confidence memories and lessons', at: null });
  } else if (ref.startsWith('routine:')) {
    const r = await one<{ id: number; name: string; time_of_day: string; kind: string }>(w.q, 'SELECT id::int AS id, name, time_of_day, kind FROM ops_routines WHERE id = $1', [Number(ref.split(':')[1])]);
    out.push({ kind: 'routine', id: r?.id ?? null, title: r ? `Routine "${r.name}"` : 'A routine (since deleted)', detail: r ? `${r.kind} at ${r.time_of_day}` : '', at: null });
  } else if (ref.startsWith('autopost:')) {
    const draft = /^autopost:draft:(\d+)/.exec(ref);
    out.push({ kind: 'event', id: draft ? Number(draft[1]) : null, title: 'Proposed to post a draft (autopost_policy)', detail: `draft #${draft?.[1] ?? '?'}`, at: null });
  } else if (p.source === 'user' || p.source === 'api') {
    out.push({ kind: 'user', id: null, title: 'You gave this task', detail: p.source === 'api' ? 'through the API' : 'from the app', at: at(p.created_at) });
  }
}

async function conversationChain(w: Why, convId: number, item: number, title: string, out: WhyLink[]): Promise<void> {
  const c = await one<{ id: number; format: string; topic: string; participants: string[]; memory_id: number | null; slot_name: string | null; finished_at: string | null }>(
    w.q,
    'SELECT id::int AS id, format, topic, participants, memory_id::int AS memory_id, slot_name, finished_at FROM ops_roundtable_queue WHERE id = $1',
    [convId],
  );
  out.push({ kind: 'action_item', id: `${convId}:${item}`, title, detail: `action item ${item + 1} of conversation #${convId}`, at: null });
  if (!c) return;
  out.push({ kind: 'conversation', id: c.id, title: `${c.slot_name ?? c.format.replace(/_/g, ' ')}: "${c.topic}"`, detail: c.participants.map((a) => nameOf(w, a)).join(', '), at: at(c.finished_at) });
  if (c.memory_id) {
    const m = await memoryLink(w, c.memory_id, 'steered the topic');
    if (m) out.push(m);
  }
}

async function eventChain(w: Why, eventId: number, depth: number, out: WhyLink[], role: string): Promise<void> {
  const e = await one<{ id: number; agent_id: string | null; kind: string; title: string; mission_id: number | null; created_at: string }>(
    w.q,
    'SELECT id::int AS id, agent_id, kind, title, mission_id::int AS mission_id, created_at FROM ops_agent_events WHERE id = $1',
    [eventId],
  );
  if (!e) return;
  out.push({ kind: 'event', id: e.id, title: e.title, detail: `${role} (${e.kind}${e.agent_id ? `, ${nameOf(w, e.agent_id)}` : ''})`, at: at(e.created_at) });
  if (e.mission_id && depth < MAX_DEPTH) await missionChain(w, e.mission_id, depth + 1, out);
}

async function missionChain(w: Why, missionId: number, depth: number, out: WhyLink[]): Promise<void> {
  const m = await one<{ id: number; title: string; status: string; proposal_id: number | null; created_at: string }>(
    w.q,
    'SELECT id::int AS id, title, status, proposal_id::int AS proposal_id, created_at FROM ops_missions WHERE id = $1',
    [missionId],
  );
  if (!m) throw new AppError('not_found', `There is no mission #${missionId}.`);
  out.push({ kind: 'mission', id: m.id, title: m.title, detail: m.status, at: at(m.created_at) });
  if (m.proposal_id) await proposalChain(w, m.proposal_id, depth, out);
}

/** Why a proposal, mission or memory exists: the chain of links back to what set it off. */
export async function explainWhy(q: Queryable, s: { proposalId?: number | undefined; missionId?: number | undefined; memoryId?: number | undefined }): Promise<{ chain: WhyLink[] }> {
  const names = new Map((await q.query<{ id: string; name: string }>('SELECT id, display_name AS name FROM ops_agents')).rows.map((a) => [a.id, a.name]));
  const w: Why = { q, names };
  const chain: WhyLink[] = [];
  if (s.proposalId) await proposalChain(w, s.proposalId, 0, chain);
  else if (s.missionId) await missionChain(w, s.missionId, 0, chain);
  else if (s.memoryId) {
    const m = await memoryLink(w, s.memoryId, 'this memory');
    const row = await one<{ source_trace_id: string | null }>(q, 'SELECT source_trace_id FROM ops_agent_memory WHERE id = $1', [s.memoryId]);
    if (!row || !m) throw new AppError('not_found', `There is no memory #${s.memoryId}.`);
    chain.push(m);
    const trace = row.source_trace_id ?? '';
    const conv = /^roundtable:(\d+):/.exec(trace);
    const mission = /^mission:(\d+):/.exec(trace);
    if (conv) {
      const c = await one<{ id: number; format: string; topic: string; participants: string[]; memory_id: number | null }>(
        q,
        'SELECT id::int AS id, format, topic, participants, memory_id::int AS memory_id FROM ops_roundtable_queue WHERE id = $1',
        [Number(conv[1])],
      );
      if (c) chain.push({ kind: 'conversation', id: c.id, title: `${c.format.replace(/_/g, ' ')}: "${c.topic}"`, detail: `learned in it · ${c.participants.map((a) => nameOf(w, a)).join(', ')}`, at: null });
    } else if (mission) await missionChain(w, Number(mission[1]), 1, chain);
  }
  return { chain };
}
