/**
 * npm run bench — runs every benchmark, prints each figure beside its
 * reference as soon as it is measured, and merges them into
 * bench/results/latest.json and latest.md.
 *
 * Flags: --quick (fewer samples, smaller fixtures: a smoke run that still
 * produces every figure), --only name[,name] (see `benchmarks` below).
 *
 * The PostgreSQL cluster, temp folders and child processes are removed at the
 * end, also when a benchmark fails or the run is interrupted.
 */
import os from 'node:os';
import { BenchEnv, machine } from './harness.ts';
import { print, saveResults, type Figure } from './lib.ts';
import { eventsPage } from './events-page.ts';
import { feedScroll } from './feed-scroll.ts';
import { exportImport } from './export-import.ts';
import { heartbeatTick } from './heartbeat-tick.ts';
import { llmOverhead } from './llm-overhead.ts';
import { reopenToReady } from './reopen-to-ready.ts';
import { simulatorSpeed } from './simulator-speed.ts';
import { stepQueueInProcess } from './step-queue-in-process.ts';
import { stepQueueWorkerProcesses } from './step-queue-worker-processes.ts';

type Benchmark = (env: BenchEnv, emit: (f: Figure) => void) => Promise<void>;

/** In run order. events-page and feed-scroll read the million-event fixture before heartbeat-tick adds to it. */
const benchmarks: [string, Benchmark][] = [
  ['step-queue-in-process', stepQueueInProcess],
  ['step-queue-worker-processes', stepQueueWorkerProcesses],
  ['events-page', eventsPage],
  ['reopen-to-ready', reopenToReady],
  ['feed-scroll', feedScroll],
  ['export-import', exportImport],
  ['heartbeat-tick', heartbeatTick],
  ['simulator-speed', simulatorSpeed],
  ['llm-overhead', llmOverhead],
];

function onlyFlag(): Set<string> | null {
  const i = process.argv.indexOf('--only');
  const raw = i >= 0 ? process.argv[i + 1] : process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  if (raw === undefined) return null;
  const names = new Set(raw.split(',').map((s) => s.trim()).filter(Boolean));
  const unknown = [...names].filter((n) => !benchmarks.some(([b]) => b === n));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${benchmarks.map(([b]) => b).join(', ')}`);
    process.exit(2);
  }
  return names;
}

const quick = process.argv.includes('--quick');
const only = onlyFlag();
const env = new BenchEnv(quick);
const figures: Figure[] = [];
const failures: string[] = [];
const t0 = performance.now();
const loadAtStart = os.loadavg()[0]!;
/** Nothing else is stopped for the run: the load average says how busy the machine was. */
const conditions = (): string =>
  `load average (1 min) ${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0]!.toFixed(2)} at this save, on ${os.cpus().length} cores; ` +
  'samples are wall-clock times of a machine that may have had other work running';

let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) return;
    interrupted = true;
    console.error(`\n${sig}: cleaning up…`);
    void env.cleanup().finally(() => process.exit(130));
  });
}

console.log(`emtesseract benchmarks on ${machine}${quick ? ' (quick)' : ''}; load average ${loadAtStart.toFixed(2)}\n`);
try {
  for (const [name, run] of benchmarks) {
    if (interrupted) break;
    if (only && !only.has(name)) continue;
    const b0 = performance.now();
    console.log(`— ${name}`);
    const mine: Figure[] = [];
    try {
      await run(env, (f) => {
        print(f);
        mine.push(f);
      });
    } catch (err) {
      failures.push(name);
      console.error(`${name} failed:`, err instanceof Error ? (err.stack ?? err.message) : err);
    }
    if (interrupted) break; // a failure caused by the cleanup: nothing to save
    figures.push(...mine);
    // Saved after each benchmark, so a later failure keeps what was measured.
    if (mine.length) await saveResults(mine, { at: new Date().toISOString(), machine, quick, conditions: conditions() });
    console.log(`  (${((performance.now() - b0) / 1000).toFixed(1)} s)\n`);
  }
} finally {
  await env.cleanup();
}
console.log(`${figures.length} figures in ${((performance.now() - t0) / 1000).toFixed(0)} s → bench/results/latest.json, latest.md`);
if (failures.length) {
  console.error(`failed: ${failures.join(', ')}`);
  process.exitCode = 1;
}
