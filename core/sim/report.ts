import { tableExists, type Queryable } from '../db/db.js';

export interface SimReport {
  days: number;
  seed: number;
  simulatedFrom: string;
  simulatedTo: string;
  wallSeconds: number;
  heartbeats: { runs: number; partial: number; failed: number };
  missions: Record<string, number>;
  steps: { kind: string; status: string; n: number }[];
  proposals: { bySource: Record<string, number>; rejectedByGate: Record<string, number> };
  triggers: { name: string; kind: string; fired: number; skipped: number; rejected: number }[];
  reactions: Record<string, number>;
  rolls: Record<string, number>;
  conversations: Record<string, number>;
  memories: Record<string, number>;
  affinities: { pair: string; affinity: number; drifts: number }[];
  initiatives: Record<string, number>;
  /** The learning loop: posts, their engagement, lessons learned from them and topics those lessons steered. */
  posts: { published: number; measured: number; engagement: number; best: number; lessons: number; steeredTopics: number };
  llm: { agentId: string | null; calls: number; promptTokens: number; completionTokens: number }[];
  events: number;
  digest: string;
}

async function counts(q: Queryable, sql: string): Promise<Record<string, number>> {
  const r = await q.query<{ k: string | null; n: number }>(sql);
  return Object.fromEntries(r.rows.map((x) => [x.k ?? '(none)', x.n]));
}

/** What happened in the simulated company, from its database. */
export async function buildReport(q: Queryable, base: Pick<SimReport, 'days' | 'seed' | 'simulatedFrom' | 'simulatedTo' | 'wallSeconds' | 'digest'>): Promise<SimReport> {
  const hb = await q.query<{ runs: number; partial: number; failed: number }>(
    `SELECT count(*)::int AS runs, count(*) FILTER (WHERE status = 'partial')::int AS partial, count(*) FILTER (WHERE status = 'failed')::int AS failed FROM ops_action_runs WHERE action = 'heartbeat'`,
  );
  const steps = await q.query<{ kind: string; status: string; n: number }>(`SELECT kind, status, count(*)::int AS n FROM ops_mission_steps GROUP BY 1, 2 ORDER BY 1, 2`);
  const triggers = await q.query<{ name: string; kind: string; fired: number; skipped: number; rejected: number }>(
    `SELECT r.name, r.kind, r.fire_count AS fired,
            count(d.*) FILTER (WHERE d.decision = 'skipped')::int AS skipped, count(d.*) FILTER (WHERE d.decision = 'rejected')::int AS rejected
     FROM ops_trigger_rules r LEFT JOIN ops_trigger_decisions d ON d.rule_id = r.id GROUP BY r.id ORDER BY r.id`,
  );
  const llm = await q.query<{ agentId: string | null; calls: number; promptTokens: number; completionTokens: number }>(
    `SELECT agent_id AS "agentId", count(*)::int AS calls, coalesce(sum(prompt_tokens), 0)::int AS "promptTokens", coalesce(sum(completion_tokens), 0)::int AS "completionTokens"
     FROM ops_llm_calls GROUP BY 1 ORDER BY 1`,
  );
  const events = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM ops_agent_events');
  let conversations: Record<string, number> = {};
  if (await tableExists(q, 'ops_roundtable_queue')) {
    conversations = await counts(q, `SELECT format || ':' || status AS k, count(*)::int AS n FROM ops_roundtable_queue GROUP BY 1 ORDER BY 1`);
  }
  let affinities: SimReport['affinities'] = [];
  if (await tableExists(q, 'ops_agent_relationships')) {
    const r = await q.query<{ pair: string; affinity: number; drifts: number }>(
      `SELECT agent_a || '↔' || agent_b AS pair, affinity, jsonb_array_length(drift_log)::int AS drifts FROM ops_agent_relationships ORDER BY 1`,
    );
    affinities = r.rows;
  }
  let initiatives: Record<string, number> = {};
  if (await tableExists(q, 'ops_initiative_queue')) initiatives = await counts(q, `SELECT status AS k, count(*)::int AS n FROM ops_initiative_queue GROUP BY 1 ORDER BY 1`);
  const posts = await q.query<SimReport['posts']>(
    `SELECT (SELECT count(*) FROM ops_posts)::int AS published,
            (SELECT count(*) FROM ops_posts WHERE metrics_at IS NOT NULL)::int AS measured,
            (SELECT coalesce(sum(likes + 2 * reposts + 3 * replies), 0) FROM ops_posts)::int AS engagement,
            (SELECT coalesce(max(likes + 2 * reposts + 3 * replies), 0) FROM ops_posts)::int AS best,
            (SELECT count(*) FROM ops_agent_memory WHERE provenance = 'outcome')::int AS lessons,
            (SELECT count(*) FROM ops_trigger_decisions d JOIN ops_agent_memory m ON m.id = d.memory_id
              WHERE d.memory_influenced AND m.provenance = 'outcome')::int AS "steeredTopics"`,
  );
  return {
    ...base,
    posts: posts.rows[0] ?? { published: 0, measured: 0, engagement: 0, best: 0, lessons: 0, steeredTopics: 0 },
    heartbeats: hb.rows[0] ?? { runs: 0, partial: 0, failed: 0 },
    missions: await counts(q, `SELECT status AS k, count(*)::int AS n FROM ops_missions GROUP BY 1 ORDER BY 1`),
    steps: steps.rows,
    proposals: {
      bySource: await counts(q, `SELECT source AS k, count(*)::int AS n FROM ops_mission_proposals GROUP BY 1 ORDER BY 1`),
      rejectedByGate: await counts(q, `SELECT rejected_by_gate AS k, count(*)::int AS n FROM ops_mission_proposals WHERE status = 'rejected' GROUP BY 1 ORDER BY 1`),
    },
    triggers: triggers.rows,
    reactions: await counts(q, `SELECT status AS k, count(*)::int AS n FROM ops_agent_reactions GROUP BY 1 ORDER BY 1`),
    rolls: await counts(q, `SELECT outcome AS k, count(*)::int AS n FROM ops_reaction_rolls GROUP BY 1 ORDER BY 1`),
    conversations,
    memories: await counts(q, `SELECT type AS k, count(*)::int AS n FROM ops_agent_memory GROUP BY 1 ORDER BY 1`),
    affinities,
    initiatives,
    llm: llm.rows,
    events: events.rows[0]?.n ?? 0,
  };
}

/** The report as text for a terminal or a markdown file. */
export function formatReport(r: SimReport): string {
  const kv = (o: Record<string, number>): string => Object.entries(o).map(([k, v]) => `${k} ${v}`).join(', ') || '—';
  const lines = [
    `# Simulation: ${r.days} days, seed ${r.seed}`,
    `${r.simulatedFrom} → ${r.simulatedTo} in ${r.wallSeconds.toFixed(1)} s (${(r.days / Math.max(r.wallSeconds, 1e-9)).toFixed(2)} simulated days per second)`,
    '',
    `Heartbeats: ${r.heartbeats.runs} runs (${r.heartbeats.partial} partial, ${r.heartbeats.failed} failed)`,
    `Missions: ${kv(r.missions)}`,
    `Steps: ${r.steps.map((s) => `${s.kind}/${s.status} ${s.n}`).join(', ') || '—'}`,
    `Proposals by source: ${kv(r.proposals.bySource)}`,
    `Rejected by gate: ${kv(r.proposals.rejectedByGate)}`,
    `Triggers: ${r.triggers.map((t) => `${t.name} fired ${t.fired}, skipped ${t.skipped}${t.rejected ? `, rejected ${t.rejected}` : ''}`).join('; ')}`,
    `Reactions: ${kv(r.reactions)} (rolls: ${kv(r.rolls)})`,
    `Conversations: ${kv(r.conversations)}`,
    `Memories: ${kv(r.memories)}`,
    `Affinities: ${r.affinities.map((a) => `${a.pair} ${a.affinity.toFixed(2)} (${a.drifts} drifts)`).join(', ') || '—'}`,
    `Initiatives: ${kv(r.initiatives)}`,
    `Posts: ${r.posts.published} published, ${r.posts.measured} with engagement (total ${r.posts.engagement}, best ${r.posts.best}); ${r.posts.lessons} lessons learned from them; ${r.posts.steeredTopics} topics steered by those lessons`,
    `LLM: ${r.llm.map((l) => `${l.agentId ?? 'system'} ${l.calls} calls ${l.promptTokens + l.completionTokens} tokens`).join(', ') || '—'}`,
    `Events: ${r.events}`,
    '',
    `digest: ${r.digest}`,
  ];
  return lines.join('\n');
}
