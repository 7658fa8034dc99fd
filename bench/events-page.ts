/**
 * events.page (pageEvents, keyset on id, newest first) at 1,000,000 events on
 * PGlite: the first page, a deep page (cursor 1% from the oldest end),
 * filtered by agent, by tag, by text (a common and a rare word) — p50 and p99,
 * each beside the same query on a 10,000-event database in the same run.
 */
import type { Db } from '../core/db/db.ts';
import { PgliteDb } from '../core/db/pglite.ts';
import { pageEvents, type EventPageQuery } from '../core/ops/events.ts';
import type { BenchEnv } from './harness.ts';
import { summarize, type Figure } from './lib.ts';
import { insertEvents, millionEvents } from './million-events.ts';
import { migrated } from './step-fixtures.ts';

const REFERENCE_EVENTS = 10_000;

function cases(events: number): [string, EventPageQuery][] {
  return [
    ['first page', {}],
    ['deep page (cursor 1% from the oldest)', { cursor: String(Math.floor(events / 100)) }],
    ['by agent', { agentId: 'growth' }],
    ['by tag (1 event in 50)', { tag: 'tag7' }],
    ['by text, common word (1 in 11)', { q: 'pricing' }],
    ['by text, rare word (1 in 1000)', { q: 'word999' }],
  ];
}

async function measure(db: Db, query: EventPageQuery, samples: number, warmup: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples + warmup; i++) {
    const t0 = performance.now();
    const page = await pageEvents(db, query);
    const ms = performance.now() - t0;
    if (page.items.length === 0) throw new Error(`events.page ${JSON.stringify(query)} returned nothing`);
    if (i >= warmup) out.push(ms);
  }
  return out;
}

export async function eventsPage(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  const samples = env.quick ? 50 : 300;
  const warmup = env.quick ? 5 : 20;
  const fixture = await millionEvents(env);

  const small = await migrated(await PgliteDb.open());
  await insertEvents(small, REFERENCE_EVENTS);
  const reference = new Map<string, ReturnType<typeof summarize>>();
  for (const [name, q] of cases(REFERENCE_EVENTS)) reference.set(name, summarize(await measure(small, q, samples, warmup)));
  await small.close();

  const db = await PgliteDb.open({ dataDir: fixture.dataDir });
  try {
    for (const [name, q] of cases(fixture.events)) {
      const s = summarize(await measure(db, q, samples, warmup));
      const ref = reference.get(name)!;
      const notes = `${fixture.events.toLocaleString('en')} events, limit 50, ${s.n} samples after ${warmup} warm-up; reference: the same query at ${REFERENCE_EVENTS.toLocaleString('en')} events`;
      emit({
        name: `events.page p50, ${name} (PGlite)`,
        value: s.p50,
        unit: 'ms',
        reference: { name: `at ${REFERENCE_EVENTS.toLocaleString('en')} events`, value: ref.p50, unit: 'ms' },
        ratio: s.p50 / ref.p50,
        target: '≤ 5 ms',
        notes,
      });
      emit({
        name: `events.page p99, ${name} (PGlite)`,
        value: s.p99,
        unit: 'ms',
        reference: { name: `at ${REFERENCE_EVENTS.toLocaleString('en')} events`, value: ref.p99, unit: 'ms' },
        ratio: s.p99 / ref.p99,
        target: '≤ 5 ms',
      });
    }
  } finally {
    await db.close();
  }
}
