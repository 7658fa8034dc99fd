import { Worker } from 'node:worker_threads';
import { AppError } from '../api/errors.js';
import type { EngineCtx } from '../ops/ctx.js';
import { getAllPolicies, parsePolicy } from '../ops/policy.js';
import { diffReports, type PreviewResult } from './preview.js';
import type { SimReport } from './report.js';

/**
 * sim.preview off the serving thread: the edits are validated and the current
 * policies read here (cheap), then the two seeded simulations (as the policies
 * are, and with the edits) run side by side, each in a worker thread that builds
 * its own engine (preview-worker.ts), so a preview never stalls the live company,
 * takes the time of one simulation on a machine with two cores, and the engine
 * never imports the simulator.
 */
export async function previewPolicyChange(
  ctx: EngineCtx,
  input: { days: number; seed: number; changes: Record<string, unknown> },
): Promise<PreviewResult> {
  const edits: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input.changes)) edits[key] = parsePolicy(key, value).value;
  const current: Record<string, unknown> = {};
  for (const p of await getAllPolicies(ctx.db)) if (p.valid) current[p.key] = p.value;
  const job = { days: input.days, seed: input.seed, ...(ctx.clusterCacheDir ? { clusterCacheDir: ctx.clusterCacheDir } : {}) };
  const [base, edited] = await Promise.all([runInThread({ ...job, policy: current }), runInThread({ ...job, policy: { ...current, ...edits } })]);
  return diffReports(input.days, input.seed, base, edited);
}

function runInThread(job: { days: number; seed: number; policy: Record<string, unknown>; clusterCacheDir?: string }): Promise<SimReport> {
  // Run from source (tsx, vitest), the thread registers tsx first to load TypeScript; compiled, it is plain JS.
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(`./preview-worker.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;
  const worker = fromSource
    ? new Worker(`import('tsx/esm/api').then((t) => { t.register(); return import(${JSON.stringify(url)}); })`, { eval: true, workerData: job })
    : new Worker(new URL(url), { workerData: job });
  return new Promise<SimReport>((resolve, reject) => {
    let settled = false;
    worker.once('message', (msg: { ok: true; value: SimReport } | { ok: false; message: string }) => {
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
