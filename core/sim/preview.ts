import type { SimReport } from './report.js';

export interface PreviewRow {
  metric: string;
  current: number;
  edited: number;
  delta: number;
}

export interface PreviewResult {
  days: number;
  seed: number;
  rows: PreviewRow[];
  unchanged: number;
}

function flatten(r: SimReport): Map<string, number> {
  const m = new Map<string, number>();
  const add = (k: string, v: number): void => void m.set(k, (m.get(k) ?? 0) + v);
  for (const [k, v] of Object.entries(r.missions)) add(`missions ${k}`, v);
  for (const [k, v] of Object.entries(r.proposals.bySource)) add(`proposals from ${k}`, v);
  for (const [k, v] of Object.entries(r.proposals.rejectedByGate)) add(`rejected by ${k}`, v);
  for (const t of r.triggers) add(`${t.name} fired`, t.fired);
  for (const s of r.steps) add(`${s.kind} steps ${s.status}`, s.n);
  for (const [k, v] of Object.entries(r.conversations)) add(`conversations ${k}`, v);
  for (const [k, v] of Object.entries(r.memories)) add(`memories ${k}`, v);
  for (const [k, v] of Object.entries(r.reactions)) add(`reactions ${k}`, v);
  add('LLM calls', r.llm.reduce((n, x) => n + x.calls, 0));
  add('LLM tokens', r.llm.reduce((n, x) => n + x.promptTokens + x.completionTokens, 0));
  add('events', r.events);
  add('posts published', r.posts.published);
  add('post engagement', r.posts.engagement);
  add('lessons from posts', r.posts.lessons);
  return m;
}

/**
 * "What would this policy change do?" The same seeded simulation run twice
 * from the current policies — once as they are (`base`), once with the edits
 * (`edited`) — compared: every figure that differs, and how many did not.
 */
export function diffReports(days: number, seed: number, base: SimReport, edited: SimReport): PreviewResult {
  const a = flatten(base);
  const b = flatten(edited);
  const rows: PreviewRow[] = [];
  let unchanged = 0;
  for (const metric of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(metric) ?? 0;
    const y = b.get(metric) ?? 0;
    if (x === y) unchanged++;
    else rows.push({ metric, current: x, edited: y, delta: y - x });
  }
  return { days, seed, rows, unchanged };
}
