import { readThrough, type Queryable } from '../db/db.js';

export interface RuleRow {
  id: number;
  name: string;
  kind: 'reactive' | 'proactive';
  triggerEvent: string;
  conditions: Record<string, unknown>;
  actionConfig: Record<string, unknown>;
  cooldownMinutes: number;
  enabled: boolean;
  fireCount: number;
  lastFiredAt: string | null;
  lastEvaluatedAt: string | null;
  lastResult: string | null;
  nextEligibleAt: string | null;
  topicIndex: number;
}

export const RULE_COLUMNS =
  'id, name, kind, trigger_event AS "triggerEvent", conditions, action_config AS "actionConfig", cooldown_minutes AS "cooldownMinutes", enabled, fire_count AS "fireCount", last_fired_at AS "lastFiredAt", last_evaluated_at AS "lastEvaluatedAt", last_result AS "lastResult", next_eligible_at AS "nextEligibleAt", topic_index AS "topicIndex"';

export async function listRules(q: Queryable, onlyEnabled = false): Promise<RuleRow[]> {
  const res = await readThrough<RuleRow>(
    q,
    `SELECT ${RULE_COLUMNS} FROM ops_trigger_rules ${onlyEnabled ? 'WHERE enabled' : ''} ORDER BY next_eligible_at NULLS FIRST, id`,
    undefined,
    ['ops_trigger_rules'],
  );
  return res.rows;
}

export async function getRule(q: Queryable, id: number): Promise<RuleRow | null> {
  const res = await q.query<RuleRow>(`SELECT ${RULE_COLUMNS} FROM ops_trigger_rules WHERE id = $1`, [id]);
  return res.rows[0] ?? null;
}

export type Decision = 'fired' | 'skipped' | 'no_match' | 'rejected' | 'error';

export interface DecisionInput {
  ruleId: number;
  decision: Decision;
  reason?: string | null;
  topic?: string | null;
  memoryInfluenced?: boolean;
  memoryId?: number | null;
  proposalId?: number | null;
  manual?: boolean;
  /** A proactive rule's chance roll and the chance to be skipped it was drawn against. */
  roll?: number | null;
  skipProbability?: number | null;
}

export async function recordDecision(q: Queryable, d: DecisionInput, now: string): Promise<void> {
  await q.query(
    `INSERT INTO ops_trigger_decisions (rule_id, decision, reason, topic, memory_influenced, memory_id, proposal_id, manual, created_at, roll, skip_probability)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [d.ruleId, d.decision, d.reason ?? null, d.topic ?? null, d.memoryInfluenced ?? false, d.memoryId ?? null, d.proposalId ?? null, d.manual ?? false, now, d.roll ?? null, d.skipProbability ?? null],
  );
}

/** Updates a rule after an evaluation. `fired` bumps the counter; `nextEligibleAt` sets the cooldown. */
export async function markRule(
  q: Queryable,
  id: number,
  u: { result: string; now: string; fired?: boolean; nextEligibleAt?: string | null; advanceTopic?: boolean },
): Promise<void> {
  await q.query(
    `UPDATE ops_trigger_rules SET last_result = $2, last_evaluated_at = $3,
       fire_count = fire_count + CASE WHEN $4 THEN 1 ELSE 0 END,
       last_fired_at = CASE WHEN $4 THEN $3::timestamptz ELSE last_fired_at END,
       next_eligible_at = CASE WHEN $5 THEN $6::timestamptz ELSE next_eligible_at END,
       topic_index = topic_index + CASE WHEN $7 THEN 1 ELSE 0 END
     WHERE id = $1`,
    [id, u.result.slice(0, 500), u.now, u.fired ?? false, u.nextEligibleAt !== undefined, u.nextEligibleAt ?? null, u.advanceTopic ?? false],
  );
}
