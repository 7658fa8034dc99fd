/**
 * One heartbeat tick (Heartbeat.runOnce: every job, timed, one ops_action_runs
 * row) on PGlite with 1,000,000 events, the 11 seeded trigger rules all due and
 * 1,000 reactions pending — topped up to 1,000 queued rows (fresh source
 * events) before every tick, since a tick turns them into proposals within its
 * reaction budget; once with sources anywhere in the million events, once
 * among the newest 10,000 (where the reaction matrix's sources are). Beside an idle tick on the same database in the same run
 * (rules cooling down, nothing queued). Per-job times come from the run record.
 */
import { PgliteDb } from '../core/db/pglite.ts';
import { createEngine, type Engine } from '../core/engine.ts';
import { SystemClock } from '../core/ports/clock.ts';
import { silentLog } from '../core/ports/log.ts';
import { SeededRandom } from '../core/ports/random.ts';
import type { BenchEnv } from './harness.ts';
import { summarize, type Figure } from './lib.ts';
import { millionEvents } from './million-events.ts';

const PENDING = 1000;

interface Tick {
  ms: number;
  jobs: Map<string, number>;
  proposed: number;
}

async function tick(engine: Engine): Promise<Tick> {
  const t0 = performance.now();
  const run = await engine.heartbeat.runOnce();
  const ms = performance.now() - t0;
  if (!run) throw new Error('the heartbeat did not run (lock held or turned off)');
  const failed = run.jobs.filter((j) => !j.ok);
  if (failed.length) throw new Error(`heartbeat jobs failed: ${failed.map((j) => `${j.name}: ${j.error}`).join('; ')}`);
  const reactions = run.jobs.find((j) => j.name === 'process_reactions')?.result as { proposed?: number; rejected?: number; duplicate?: number } | undefined;
  return {
    ms,
    jobs: new Map(run.jobs.map((j) => [j.name, j.ms])),
    proposed: (reactions?.proposed ?? 0) + (reactions?.rejected ?? 0) + (reactions?.duplicate ?? 0),
  };
}

function jobP50(ticks: Tick[], name: string): number {
  return summarize(ticks.map((t) => t.jobs.get(name) ?? 0)).p50;
}

export async function heartbeatTick(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  const ticks = env.quick ? 5 : 20;
  const fixture = await millionEvents(env);
  const db = await PgliteDb.open({ dataDir: fixture.dataDir });
  try {
    const engine = await createEngine({ db, clock: new SystemClock(), random: new SeededRandom(1), log: silentLog, location: 'bench', workers: false, heartbeat: false });
    const rules = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ops_trigger_rules WHERE enabled')).rows[0]!.n;
    const maxId = (await db.query<{ id: number }>('SELECT max(id) AS id FROM ops_agent_events')).rows[0]!.id;

    // Reference: an idle tick — every rule cooling down, no reaction queued.
    const idle: Tick[] = [];
    for (let i = 0; i < ticks; i++) {
      await db.query(`UPDATE ops_trigger_rules SET next_eligible_at = now() + interval '1 day'`);
      await db.query(`UPDATE ops_agent_reactions SET status = 'rejected', result = 'bench: idle tick' WHERE status = 'queued'`);
      idle.push(await tick(engine));
    }

    /**
     * Ticks with the queue topped up to PENDING reactions whose source events are drawn from the
     * newest `window` events (all of them: the worst case, every source a cold page), fresh ones each tick.
     */
    const loadedTicks = async (window: number, seed: number): Promise<Tick[]> => {
      const out: Tick[] = [];
      for (let i = 0; i < ticks; i++) {
        await db.query(`UPDATE ops_trigger_rules SET next_eligible_at = NULL`);
        await db.query(
          `INSERT INTO ops_agent_reactions (pattern_key, source_event_id, source_agent, target_agent, reaction_type, created_at)
           SELECT 'bench', $3::bigint - ((g::bigint * 7919 + $2::bigint * 104729) % $4::bigint), 'opus',
                  (ARRAY['brain','growth','creator','observer'])[1 + g % 4], (ARRAY['analyze','diagnose','draft','write'])[1 + (g / 4) % 4], now()
           FROM generate_series(1, $1::int - (SELECT count(*)::int FROM ops_agent_reactions WHERE status = 'queued')) g`,
          [PENDING, seed + i, maxId, Math.min(window, maxId)],
        );
        out.push(await tick(engine));
      }
      return out;
    };
    const loaded = await loadedTicks(maxId, 0);
    // What the reaction matrix leaves behind: a reaction is queued when its source event is written.
    const RECENT = 10_000;
    const recent = await loadedTicks(RECENT, 1000);

    const s = summarize(loaded.map((t) => t.ms));
    const ref = summarize(idle.map((t) => t.ms));
    const perTick = summarize(loaded.map((t) => t.proposed)).p50;
    const jobNames = [...loaded[0]!.jobs.keys()];
    const breakdown = jobNames.map((j) => `${j} ${jobP50(loaded, j).toFixed(1)}`).join(', ');
    const scene = `${fixture.events.toLocaleString('en')} events, ${rules} rules all due, ${PENDING} reactions pending`;
    emit({
      name: 'heartbeat tick p50, loaded (PGlite)',
      value: s.p50,
      unit: 'ms',
      reference: { name: 'idle tick p50', value: ref.p50, unit: 'ms' },
      ratio: s.p50 / ref.p50,
      notes: `${scene}; ${s.n} ticks; job p50s (ms): ${breakdown}; reactions handled per tick p50 ${perTick} (the rest wait for the next tick)`,
    });
    const rest = summarize(loaded.map((t) => t.ms - (t.jobs.get('process_reactions') ?? 0)));
    emit({
      name: 'heartbeat tick p50, loaded, all but the reaction job (PGlite)',
      value: rest.p50,
      unit: 'ms',
      reference: { name: 'idle tick p50', value: ref.p50, unit: 'ms' },
      ratio: rest.p50 / ref.p50,
      target: '≤ 50 ms',
      notes: `${scene}; per tick: the tick's time less process_reactions (which works through its own budget, heartbeat_policy.reaction_budget_ms)`,
    });
    emit({
      name: 'heartbeat tick p99, loaded (PGlite)',
      value: s.p99,
      unit: 'ms',
      reference: { name: 'idle tick p99', value: ref.p99, unit: 'ms' },
      ratio: s.p99 / ref.p99,
    });
    emit({
      name: 'heartbeat job evaluate_triggers p50, all rules due (PGlite)',
      value: jobP50(loaded, 'evaluate_triggers'),
      unit: 'ms',
      reference: { name: 'idle (rules cooling down)', value: jobP50(idle, 'evaluate_triggers'), unit: 'ms' },
      notes: `${scene}; trigger budget is heartbeat_policy.trigger_budget_ms`,
    });
    emit({
      name: 'heartbeat job process_reactions p50, 1,000 pending (PGlite)',
      value: jobP50(loaded, 'process_reactions'),
      unit: 'ms',
      reference: { name: 'idle (none queued)', value: jobP50(idle, 'process_reactions'), unit: 'ms' },
      notes: `${perTick} reactions turned into proposals (or refused by the gates) per tick within heartbeat_policy.reaction_budget_ms`,
    });
    const perReaction = (series: Tick[]): number => summarize(series.filter((t) => t.proposed > 0).map((t) => (t.jobs.get('process_reactions') ?? 0) / t.proposed)).p50;
    const cold = perReaction(loaded);
    const warm = perReaction(recent);
    emit({
      name: 'heartbeat, one pending reaction → proposal p50 (PGlite)',
      value: warm,
      unit: 'ms',
      reference: { name: 'sources anywhere in the 1M events (cold pages)', value: cold, unit: 'ms' },
      target: '≤ 1 ms',
      notes: `process_reactions time ÷ reactions handled, per tick, ${ticks} ticks; sources among the newest ${RECENT.toLocaleString('en')} events (a reaction is queued when its source event is written); at this rate ${PENDING} pending reactions need ${((warm * PENDING) / 1000).toFixed(1)} s of heartbeat time; with sources anywhere in the million (each a page read from disk) ${((cold * PENDING) / 1000).toFixed(1)} s`,
    });
  } finally {
    await db.close();
  }
}
