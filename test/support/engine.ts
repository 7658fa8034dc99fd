import type { Db } from '../../core/db/db.ts';
import { createEngine, type Engine, type EngineOptions } from '../../core/engine.ts';
import { FakeClock, type Clock } from '../../core/ports/clock.ts';
import { memoryLog } from '../../core/ports/log.ts';
import { SeededRandom } from '../../core/ports/random.ts';
import { freshDb, type DbKind } from './db.ts';
import { testClusterCacheDir } from './pglite-template.ts';

export interface TestEngine extends Engine {
  db: Db;
  clock: Clock;
  log: ReturnType<typeof memoryLog>;
  close(): Promise<void>;
}

/** A real engine on a fresh database; nothing runs until start(). */
export async function testEngine(
  kind: DbKind,
  opts: Partial<Omit<EngineOptions, 'db' | 'log' | 'location'>> & { clock?: Clock } = {},
): Promise<TestEngine> {
  const db = await freshDb(kind);
  const clock = opts.clock ?? new FakeClock('2026-03-02T09:00:00Z');
  const log = memoryLog();
  const engine = await createEngine({
    random: new SeededRandom(42),
    processId: 'test-proc',
    clusterCacheDir: testClusterCacheDir,
    ...opts,
    db,
    clock,
    log,
    location: kind,
  });
  return {
    ...engine,
    db,
    clock,
    log,
    async close() {
      await engine.stop();
      await db.close();
    },
  };
}

/** Polls `fn` on the real clock until it returns a truthy value. */
export async function eventually<T>(fn: () => Promise<T | null | undefined | false>, timeoutMs = 15_000, everyMs = 20): Promise<T> {
  const end = performance.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (performance.now() > end) throw new Error(`Condition not met within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
