import type { PreviewResult, PreviewRow } from './preview-thread.js';
import type { SimReport } from './report.js';
import { simulate } from './simulate.js';

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
 * "What would this policy change do?" Runs the same seeded simulation twice
 * from the given current policies — once as they are, once with the (already
 * validated) edits — and lists every figure that differs. Runs in the preview
 * thread (preview-worker.ts), never on the serving thread.
 */
export async function comparePolicies(input: {
  days: number;
  seed: number;
  current: Record<string, unknown>;
  edits: Record<string, unknown>;
}): Promise<PreviewResult> {
  const { current, edits } = input;
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
