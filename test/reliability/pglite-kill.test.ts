import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createBackup } from '../../core/data/backups.ts';
import { prepareDataDir } from '../../core/data/layout.ts';
import { openOrRecover } from '../../core/data/recover.ts';
import { loadMigrations, migrate } from '../../core/db/migrate.ts';
import { PgliteDb } from '../../core/db/pglite.ts';
import { memoryLog } from '../../core/ports/log.ts';
import { SeededRandom } from '../../core/ports/random.ts';

const CYCLES = Number(process.env.EMT_KILL_CYCLES ?? 50);
const root = path.resolve(import.meta.dirname, '../..');
const writer = path.join(root, 'test', 'fixtures', 'data', 'write-load.ts');
let dir: string;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** Runs the writer until it has reported `commits` commits, then SIGKILLs it; returns the ids it reported. */
function writeThenKill(dbDir: string, cycle: number, commits: number, extraMs: number): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, dbDir, String(cycle)], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const ids: number[] = [];
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    let killing = false;
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      let nl: number;
      while ((nl = out.indexOf('\n')) >= 0) {
        const line = out.slice(0, nl);
        out = out.slice(nl + 1);
        const m = /^committed (\d+)$/.exec(line);
        if (m) ids.push(Number(m[1]));
        if (!killing && ids.length >= commits) {
          killing = true;
          // kill at a random moment after the n-th commit: often in the middle of the next write
          setTimeout(() => child.kill('SIGKILL'), extraMs);
        }
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(ids);
      else reject(new Error(`writer exited by itself (${code}): ${err}`));
    });
  });
}

describe('PGlite under SIGKILL', () => {
  it(`${CYCLES} cycles of SIGKILL during a write load: every reopen has all committed rows, or is restored from the newest backup; never empty`, async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'emt-kill-'));
    const layout = await prepareDataDir(path.join(dir, 'company'));
    const migrations = await loadMigrations();
    const random = new SeededRandom(9);
    const log = memoryLog();
    const now = (): string => new Date().toISOString();
    {
      const db = await PgliteDb.open({ dataDir: layout.db });
      await migrate(db, { now: now(), migrations });
      await db.query(`INSERT INTO ops_agents (id, display_name, role, created_at, updated_at) VALUES ('brain', 'Brain', 'x', now(), now()) ON CONFLICT DO NOTHING`);
      await createBackup(db, { dir: layout.backups, reason: 'manual', now: now(), appVersion: 'test', migrations });
      await db.close();
    }
    let committed = new Set<number>();
    const figures = { cycles: 0, rowsCommitted: 0, reopenedIntact: 0, restoredFromBackup: 0, rowsLostToRestore: 0 };
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const ids = await writeThenKill(layout.db, cycle, 1 + Math.floor(random.next() * 40), Math.floor(random.next() * 30));
      for (const id of ids) committed.add(id);
      figures.rowsCommitted += ids.length;
      const opened = await openOrRecover(layout, { migrations, now: now(), log, recovery: 'restore-latest' });
      try {
        const total = Number((await opened.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM ops_agent_events')).rows[0]?.n);
        expect(total, `cycle ${cycle}: never an empty company`).toBeGreaterThan(0);
        if (opened.restored) {
          figures.restoredFromBackup++;
          expect(total).toBe(opened.restored.backup.rows - 1); // the backup's rows: events + the one agent
          const kept = await opened.db.query<{ id: number }>('SELECT id FROM ops_agent_events');
          const keptIds = new Set(kept.rows.map((r) => Number(r.id)));
          figures.rowsLostToRestore += [...committed].filter((id) => !keptIds.has(id)).length;
          committed = keptIds;
        } else {
          figures.reopenedIntact++;
          const present = await opened.db.query<{ n: number }>('SELECT count(*)::int8 AS n FROM ops_agent_events WHERE id = ANY($1::bigint[])', [[...committed]]);
          expect(Number(present.rows[0]?.n), `cycle ${cycle}: every committed row is there`).toBe(committed.size);
        }
        // a fresh backup now and then, as the backup policy would take
        if (cycle % 5 === 0) await createBackup(opened.db, { dir: layout.backups, reason: 'scheduled', now: now(), appVersion: 'test', migrations });
      } finally {
        await opened.db.close();
      }
      figures.cycles = cycle;
    }
    const line = `pglite-kill: ${JSON.stringify(figures)} (load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores)`;
    console.log(line);
    expect(figures.cycles).toBe(CYCLES);
    expect(figures.reopenedIntact + figures.restoredFromBackup).toBe(CYCLES);
  });
});
