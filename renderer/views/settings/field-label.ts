/** Names people read instead of keys: "llm_policy" → "LLM", "num_ctx" → "Context window (tokens)". */
const policyTitles: Record<string, string> = {
  auto_approve: 'Auto-approve',
  x_daily_quota: 'X posts per day',
  bluesky_daily_quota: 'Bluesky posts per day',
  content_policy: 'Content writing',
  crawl_policy: 'Web crawling',
  deploy_policy: 'Deploys',
  roundtable_policy: 'Roundtables',
  memory_influence_policy: 'Memory influence',
  relationship_drift_policy: 'Relationship drift',
  initiative_policy: 'Agent initiative',
  reaction_matrix: 'Reaction matrix',
  proposal_limits: 'Proposal limits',
  workers: 'Workers',
  step_retry_policy: 'Step retries',
  heartbeat_policy: 'Heartbeat',
  learning_policy: 'Learning from outcomes',
  llm_policy: 'LLM (Ollama)',
  timezone: 'Time zone',
};

const fieldLabels: Record<string, string> = {
  num_ctx: 'Context window (tokens)',
  keep_alive: 'Keep model loaded for',
  per_agent: 'Per agent',
  per_step_kind: 'Per step kind',
  allowed_step_kinds: 'Step kinds approved without asking',
  allowed_hosts: 'Private hosts allowed',
  timeout_ms: 'Timeout (ms)',
  trigger_budget_ms: 'Trigger budget (ms)',
  reaction_budget_ms: 'Reaction budget (ms)',
  max_bytes: 'Largest page (bytes)',
  health_check_seconds: 'Health check every (seconds)',
  name: 'Name',
};

const words: Record<string, string> = { llm: 'LLM', x: 'X', id: 'ID', ms: '(ms)', url: 'URL' };

function humanize(key: string): string {
  const parts = key.split('_').map((w) => words[w] ?? w);
  const s = parts.join(' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function policyTitle(key: string): string {
  return policyTitles[key] ?? humanize(key);
}

export function fieldLabel(key: string): string {
  return fieldLabels[key] ?? humanize(key);
}
