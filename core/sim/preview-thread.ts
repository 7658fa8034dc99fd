import { Worker } from 'node:worker_threads';
import { AppError } from '../api/errors.js';
import type { EngineCtx } from '../ops/ctx.js';
import { getAllPolicies, parsePolicy } from '../ops/policy.js';

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

/**
 * sim.preview off the serving thread: the edits are validated and the current
 * policies read here (cheap), then two seeded simulations run in a worker
 * thread that builds its own engine (preview-worker.ts), so a preview never
 * stalls the live company — and the engine never imports the simulator.
 */
export async function previewPolicyChange(
  ctx: EngineCtx,
  input: { days: number; seed: number; changes: Record<string, unknown> },
): Promise<PreviewResult> {
  const edits: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input.changes)) edits[key] = parsePolicy(key, value).value;
  const current: Record<string, unknown> = {};
  for (const p of await getAllPolicies(ctx.db)) if (p.valid) current[p.key] = p.value;
  return runInThread({ days: input.days, seed: input.seed, current, edits });
}

function runInThread(job: { days: number; seed: number; current: Record<string, unknown>; edits: Record<string, unknown> }): Promise<PreviewResult> {
  // Run from source (tsx, vitest), the thread registers tsx first to load TypeScript; compiled, it is plain JS.
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(`./preview-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;
  const worker = fromSource
    ? new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(url)}); })`, { eval: true, workerData: job })
    : new Worker(new URL(url), { workerData: job });
  return new Promise<PreviewResult>((resolve, reject) => {
    let settled = false;
    worker.once('message', (msg: { ok: true; value: PreviewResult } | { ok: false; message: string }) => {
      settled = true;
      if (msg.ok) resolve(msg.value);
      else reject(new AppError('internal', `The preview simulation failed: ${msg.message}`));
      void worker.terminate();
    });
    worker.once('error', (err) => {
      if (settled) return;
      settled = true;
      reject(new AppError('internal', `The preview simulation failed: ${err.message}`));
    });
    worker.once('exit', (code) => {
      if (settled) return;
      settled = true;
      reject(new AppError('internal', `The preview simulation stopped (exit code ${code}) before it finished.`));
    });
  });
}
