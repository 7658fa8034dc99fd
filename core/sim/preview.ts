import type { EngineCtx } from '../ops/ctx.js';
import { getAllPolicies, parsePolicy } from '../ops/policy.js';
import type { SimReport } from './report.js';
import { simulate } from './simulate.js';

export interface PreviewRow {
  metric: string;
  current: number;
  edited: number;
  delta: number;
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
  return m;
}

/**
 * "What would this policy change do?" Runs the same seeded simulation twice
 * from this company's current policies — once as they are, once with the
 * edits — and lists every figure that differs.
 */
export async function previewPolicyChange(
  ctx: EngineCtx,
  input: { days: number; seed: number; changes: Record<string, unknown> },
): Promise<{ days: number; seed: number; rows: PreviewRow[]; unchanged: number }> {
  const edits: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input.changes)) edits[key] = parsePolicy(key, value).value;
  const current: Record<string, unknown> = {};
  for (const p of await getAllPolicies(ctx.db)) if (p.valid) current[p.key] = p.value;
  const base = await simulate({ days: input.days, seed: input.seed, policy: current });
  const edited = await simulate({ days: input.days, seed: input.seed, policy: { ...current, ...edits } });
  const a = flatten(base.report);
  const b = flatten(edited.report);
  const rows: PreviewRow[] = [];
  let unchanged = 0;
  for (const metric of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(metric) ?? 0;
    const y = b.get(metric) ?? 0;
    if (x === y) unchanged++;
    else rows.push({ metric, current: x, edited: y, delta: y - x });
  }
  return { days: input.days, seed: input.seed, rows, unchanged };
}
