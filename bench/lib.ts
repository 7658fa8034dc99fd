import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface Figure {
  /** What was measured, e.g. "claim→start p50 (PGlite)". */
  name: string;
  value: number;
  unit: string;
  /** The reference measured in the same run, or a target. */
  reference?: { name: string; value: number; unit: string };
  /** ours ÷ reference, when both are comparable. */
  ratio?: number;
  /** The goal from the issue, as text (recorded, not asserted). */
  target?: string;
  notes?: string;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

export function summarize(samples: number[]): { p50: number; p99: number; mean: number; n: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: percentile(s, 50), p99: percentile(s, 99), mean: s.reduce((a, b) => a + b, 0) / s.length, n: s.length };
}

export const round = (n: number, d = 3): number => Math.round(n * 10 ** d) / 10 ** d;

export function print(f: Figure): void {
  const ref = f.reference ? `   | ${f.reference.name}: ${round(f.reference.value)} ${f.reference.unit}` : '';
  const ratio = f.ratio !== undefined ? `   | ratio ${round(f.ratio, 2)}×` : '';
  const target = f.target ? `   | target ${f.target}` : '';
  console.log(`${f.name.padEnd(58)} ${String(round(f.value)).padStart(10)} ${f.unit}${ref}${ratio}${target}`);
}

/** Merges this run's figures into bench/results/latest.json (by name) and rewrites the markdown table. */
export async function saveResults(figures: Figure[], meta: Record<string, unknown>): Promise<string> {
  const dir = path.resolve(import.meta.dirname, 'results');
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, 'latest.json');
  let previous: { figures: Figure[] } = { figures: [] };
  try {
    previous = JSON.parse(await readFile(file, 'utf8')) as { figures: Figure[] };
  } catch {
    // first run
  }
  const byName = new Map(previous.figures.map((f) => [f.name, f]));
  for (const f of figures) byName.set(f.name, f);
  const all = [...byName.values()];
  await writeFile(file, JSON.stringify({ ...meta, figures: all }, null, 2) + '\n');
  const cell = (s: string): string => s.replaceAll('|', '\\|').replaceAll('\n', ' ');
  const rows = all.map(
    (f) =>
      `| ${cell(f.name)} | ${round(f.value)} ${f.unit} | ${f.reference ? cell(`${f.reference.name}: ${round(f.reference.value)} ${f.reference.unit}`) : ''} | ${f.ratio !== undefined ? round(f.ratio, 2) + '×' : ''} | ${cell(f.target ?? '')} | ${cell(f.notes ?? '')} |`,
  );
  const md = [
    `# Benchmark results`,
    '',
    `Machine: ${String(meta.machine ?? '')}  `,
    `Run at: ${String(meta.at ?? '')}${meta.quick ? ' (--quick)' : ''}  `,
    ...(meta.conditions ? [`Conditions: ${String(meta.conditions)}  `] : []),
    '',
    '| figure | value | reference (same run) | ratio | target | notes |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
  await writeFile(path.join(dir, 'latest.md'), md);
  return file;
}
