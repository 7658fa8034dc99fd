/**
 * `npm run export` and `npm run sim -- --data-dir D` open a data folder as serve
 * does: an import swap a crash cut short is finished first, and a folder that
 * held a company but lost its database is refused with the same sentence (never
 * opened as a new, empty company). The compiled CLIs run as real processes on
 * real folders; crash points are made as in test/core/data/db-swap.test.ts.
 * Company A is the one in place, company B the one an import was bringing in.
 */
import { existsSync, readdirSync } from 'node:fs';
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup, type BackupInfo } from '../../../core/data/backups.ts';
import { planSwap, writeSwapJournal } from '../../../core/data/db-swap.ts';
import { prepareDataDir, type DataLayout } from '../../../core/data/layout.ts';
import { openOrRecover } from '../../../core/data/recover.ts';
import { latestVersion, loadMigrations, migrate, type Migration } from '../../../core/db/migrate.ts';
import { PgliteDb } from '../../../core/db/pglite.ts';
import { memoryLog } from '../../../core/ports/log.ts';
import { readArchive } from '../../../core/data/read-archive.ts';
import { testClusterCacheDir } from '../../support/pglite-template.ts';
import { buildCli, runCli } from '../../support/serve-process.ts';

const NOW = '2026-03-02T09:00:00.000Z';
const env = { EMT_CACHE_DIR: testClusterCacheDir };
let dir: string;
let migrations: Migration[];
let companyA: string;
let companyB: string;
let backupOfA: BackupInfo;
let cases = 0;

async function makeCompany(dataDir: string, title: string): Promise<void> {
  const db = await PgliteDb.open({ dataDir, clusterCacheDir: testClusterCacheDir });
  try {
    await migrate(db, { now: NOW, migrations });
    await db.query(`INSERT INTO ops_agent_events (agent_id, kind, title, created_at) VALUES ('brain', 'note', $1, $2)`, [title, NOW]);
  } finally {
    await db.close();
  }
}

/** A data folder holding company A and a backup of it. */
async function dataFolder(): Promise<DataLayout> {
  const layout = await prepareDataDir(path.join(dir, `case-${++cases}`));
  await cp(companyA, layout.db, { recursive: true });
  await cp(path.dirname(backupOfA.file), layout.backups, { recursive: true });
  return layout;
}

/** An import of company B cut short between its two renames: a journal, db.replaced-* and db.importing-*, no db/ at all. */
async function swapCutShort(layout: DataLayout): Promise<void> {
  const plan = planSwap(layout, 'import', NOW);
  await cp(companyB, plan.next, { recursive: true });
  await writeSwapJournal(layout, plan);
  await rename(layout.db, plan.old);
}

/** What openOrRecover, the engine host's way in, says of this folder. */
async function hostRefusal(layout: DataLayout): Promise<string> {
  const err = await openOrRecover(layout, { migrations, now: NOW, log: memoryLog(), recovery: 'refuse', clusterCacheDir: testClusterCacheDir }).then(
    async (o) => {
      await o.db.close();
      throw new Error('expected the folder to be refused');
    },
    (e: unknown) => e as Error,
  );
  return err.message;
}

/** The titles of the events in an archive. */
async function archivedTitles(file: string): Promise<string[]> {
  const titles: string[] = [];
  await readArchive(file, { knownSchemaVersion: latestVersion(migrations) }, {
    onRows(table, rows) {
      if (table.name !== 'ops_agent_events') return;
      const at = table.columns.indexOf('title');
      for (const r of rows) titles.push(String(r[at]));
    },
  });
  return titles;
}

async function titlesIn(layout: DataLayout): Promise<string[]> {
  const db = await PgliteDb.open({ dataDir: layout.db });
  try {
    return (await db.query<{ title: string }>('SELECT title FROM ops_agent_events ORDER BY id')).rows.map((r) => r.title);
  } finally {
    await db.close();
  }
}

const entries = (layout: DataLayout): string[] => readdirSync(layout.root).filter((n) => n.startsWith('db')).sort();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'emt-cli-folder-'));
  migrations = await loadMigrations();
  companyA = path.join(dir, 'template-a');
  companyB = path.join(dir, 'template-b');
  await Promise.all([makeCompany(companyA, 'company A'), makeCompany(companyB, 'company B'), buildCli()]);
  const a = await PgliteDb.open({ dataDir: companyA });
  try {
    backupOfA = await createBackup(a, { dir: path.join(dir, 'template-backups'), reason: 'before_import', now: NOW, appVersion: 'test', migrations });
  } finally {
    await a.close();
  }
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('npm run export on a data folder', () => {
  it('finishes an import a crash cut short, then exports the imported company', async () => {
    const layout = await dataFolder();
    await swapCutShort(layout);
    const out = path.join(dir, `export-${cases}.emtx`);
    const run = await runCli('export', ['--data-dir', layout.root, '--out', out], env);
    expect(run.stderr).toMatch(/Finishing a database import that was cut short .*db\.importing-.* becomes db/);
    expect(run.code, run.stderr).toBe(0);
    expect(await archivedTitles(out)).toEqual(['company B']);
    expect(entries(layout)).toEqual(['db']);
    expect(await titlesIn(layout)).toEqual(['company B']);
  }, 120_000);

  it('refuses a folder that held a company but lost its database, with the sentence serve gives; --restore-latest-backup then exports the backup', async () => {
    const layout = await dataFolder();
    await rm(layout.db, { recursive: true });
    const sentence = await hostRefusal(layout);
    expect(sentence).toMatch(/^There is no company in .*, but this data folder held one \(1 backup in backups\/\), so no new, empty company was made over it\. .*--restore-latest-backup/);
    const out = path.join(dir, `export-${cases}.emtx`);
    const run = await runCli('export', ['--data-dir', layout.root, '--out', out], env);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(sentence);
    expect(existsSync(layout.db)).toBe(false);
    expect(existsSync(out)).toBe(false);

    const restored = await runCli('export', ['--data-dir', layout.root, '--out', out, '--restore-latest-backup'], env);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stderr).toMatch(/RESTORING FROM BACKUP/);
    expect(await archivedTitles(out)).toEqual(['company A']);
  }, 120_000);

  it('refuses a folder with no database in it, and makes none', async () => {
    const root = path.join(dir, 'nothing-here');
    const run = await runCli('export', ['--data-dir', root, '--out', path.join(dir, 'nothing.emtx')], env);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(`There is no database in ${root} (no ${path.join(root, 'db')}).`);
    expect(existsSync(path.join(root, 'db'))).toBe(false);
  }, 120_000);
});

describe('npm run sim -- --data-dir on a data folder', () => {
  it('refuses a folder that held a company but lost its database, with the sentence serve gives, and makes no empty company', async () => {
    const layout = await dataFolder();
    await rm(layout.db, { recursive: true });
    const sentence = await hostRefusal(layout);
    const run = await runCli('sim', ['--days', '1', '--seed', '3', '--quiet', '--data-dir', layout.root], env);
    expect(run.code).toBe(1);
    expect(run.stderr.trim()).toBe(sentence);
    expect(existsSync(layout.db)).toBe(false);
    expect(entries(layout)).toEqual([]);
  }, 120_000);

  it('finishes an import a crash cut short, then simulates on the imported company', async () => {
    const layout = await dataFolder();
    await swapCutShort(layout);
    const run = await runCli('sim', ['--days', '1', '--seed', '3', '--quiet', '--data-dir', layout.root], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Finishing a database import that was cut short/);
    expect(run.stdout).toMatch(/digest: [0-9a-f]+/);
    expect(entries(layout)).toEqual(['db']);
    const titles = await titlesIn(layout);
    expect(titles[0]).toBe('company B');
    expect(titles.length).toBeGreaterThan(1); // the simulated day happened on it
  }, 180_000);

  it('a brand-new folder still gets a new company', async () => {
    const root = path.join(dir, 'new-sim');
    const run = await runCli('sim', ['--days', '1', '--seed', '3', '--quiet', '--data-dir', root], env);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/digest: [0-9a-f]+/);
    const layout = await prepareDataDir(root);
    expect(entries(layout)).toEqual(['db']);
    expect((await titlesIn(layout)).length).toBeGreaterThan(0);
  }, 180_000);
});
