/**
 * events.page (pageEvents, keyset on id, newest first) at 1,000,000 events on
 * PGlite: the first page, a deep page (cursor 1% from the oldest end),
 * filtered by agent, by tag, by text (a common and a rare word) — p50 and p99,
 * each beside the same query on a 10,000-event database in the same run.
 */
import { z } from 'zod';
import type { BenchEnv } from './harness.ts';
import { summarize, type Figure } from './lib.ts';
import { millionEvents } from './million-events.ts';
import type { EventPageQuery } from '../core/ops/events.ts';

export const REFERENCE_EVENTS = 10_000;

export function pageCases(events: number): [string, EventPageQuery][] {
  return [
    ['first page', {}],
    ['deep page (cursor 1% from the oldest)', { cursor: String(Math.floor(events / 100)) }],
    ['by agent', { agentId: 'growth' }],
    ['by tag (1 event in 50)', { tag: 'tag7' }],
    ['by text, common word (1 in 11)', { q: 'pricing' }],
    ['by text, rare word (1 in 1000)', { q: 'word999' }],
  ];
}

const timings = z.record(z.string(), z.array(z.number()));
const result = z.object({ reference: timings, measured: timings });

export async function eventsPage(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  const samples = env.quick ? 50 : 300;
  const warmup = env.quick ? 5 : 20;
  const fixture = await millionEvents(env);

  // measured in a process of its own that compiles PGlite as serve and the desktop app do
  const child = env.spawnTsx('events.page', 'bench/children/events-page-measure.ts', [fixture.dataDir, String(fixture.events), String(samples), String(warmup)]);
  let r: z.infer<typeof result>;
  try {
    const line = await child.waitFor(/^RESULT /, 1_800_000);
    r = result.parse(JSON.parse(line.slice('RESULT '.length)));
  } finally {
    await child.stop();
  }
  for (const [name] of pageCases(fixture.events)) {
    const s = summarize(r.measured[name]!);
    const ref = summarize(r.reference[name]!);
    const notes = `${fixture.events.toLocaleString('en')} events, limit 50, ${s.n} samples after ${warmup} warm-up; reference: the same query at ${REFERENCE_EVENTS.toLocaleString('en')} events; PGlite compiled as the app runs it (baseline tier, its own process)`;
    for (const at of ['p50', 'p99'] as const) {
      emit({
        name: `events.page ${at}, ${name} (PGlite)`,
        value: s[at],
        unit: 'ms',
        reference: { name: `at ${REFERENCE_EVENTS.toLocaleString('en')} events`, value: ref[at], unit: 'ms' },
        ratio: s[at] / ref[at],
        target: '≤ 5 ms',
        ...(at === 'p50' ? { notes } : {}),
      });
    }
  }
}
