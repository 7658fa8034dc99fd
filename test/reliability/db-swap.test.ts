/**
 * The PGlite folder swap of an import or restore, cut short at each of its
 * steps, on real PGlite folders: the steps are run up to the crash point, then
 * the data folder is opened again as the engine host opens it. Company A is the
 * one in place, company B the one being imported. Never an empty company.
 */
import { existsSync, readdirSync, truncateSync } from 'node:fs';
import { cp, mkdtemp, rename, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBackup, type BackupInfo } from '../../core/data/backups.ts';
import { moveSwapFolders, planSwap, SWAP_JOURNAL, writeSwapJournal } from '../../core/data/db-swap.ts';
import { prepareDataDir, type DataLayout } from '../../core/data/layout.ts';
import { openOrRecover, type Opened } from '../../core/data/recover.ts';
import { loadMigrations, migrate, type Migration } from '../../core/db/migrate.ts';
import { PgliteDb } from '../../core/db/pglite.ts';
import { memoryLog } from '../../core/ports/log.ts';
import { testClusterCacheDir } from '../support/pglite-template.ts';

const NOW = '2026-03-02T09:00:00.000Z';
const LATER = '2026-03-02T09:05:00.000Z';
let dir: string;
let migrations: Migration[];
/** Template folders: company A (with one backup of it) and company B. */
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

function reopen(layout: DataLayout, recovery: 'refuse' | 'restore-latest' = 'refuse', log = memoryLog()): Promise<Opened> {
  return openOrRecover(layout, { migrations, now: LATER, log, recovery, clusterCacheDir: testClusterCacheDir });
}

/** The titles of the events: which company this is (none: an empty one). */
async function titles(db: PgliteDb): Promise<string[]> {
  return (await db.query<{ title: string }>('SELECT title FROM ops_agent_events ORDER BY id')).rows.map((r) => r.title);
}

async function companyIn(layout: DataLayout, recovery: 'refuse' | 'restore-latest' = 'refuse'): Promise<{ titles: string[]; opened: Opened }> {
  const opened = await reopen(layout, recovery);
  try {
    return { titles: await titles(opened.db), opened };
  } finally {
    await opened.db.close();
  }
}

const entries = (layout: DataLayout): string[] => readdirSync(layout.root).filter((n) => n.startsWith('db')).sort();

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'emt-swap-'));
  migrations = await loadMigrations();
  companyA = path.join(dir, 'template-a');
  companyB = path.join(dir, 'template-b');
  await makeCompany(companyA, 'company A');
  await makeCompany(companyB, 'company B');
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

describe('an import swap cut short on PGlite', () => {
  it('before its journal: the company in place stays, and the half-made new folder is removed', async () => {
    const layout = await dataFolder();
    const plan = planSwap(layout, 'import', NOW);
    await cp(companyB, plan.next, { recursive: true });
    expect((await companyIn(layout)).titles).toEqual(['company A']);
    expect(entries(layout)).toEqual(['db']);
  }, 60_000);

  it('after its journal, before any rename: the import is finished', async () => {
    const layout = await dataFolder();
    const plan = planSwap(layout, 'import', NOW);
    await cp(companyB, plan.next, { recursive: true });
    await writeSwapJournal(layout, plan);
    expect((await companyIn(layout)).titles).toEqual(['company B']);
    expect(entries(layout)).toEqual(['db']);
  }, 60_000);

  it('between its two renames (no db folder at all): the import is finished, not an empty company', async () => {
    const layout = await dataFolder();
    const plan = planSwap(layout, 'import', NOW);
    await cp(companyB, plan.next, { recursive: true });
    await writeSwapJournal(layout, plan);
    await rename(layout.db, plan.old); // the first rename of moveSwapFolders, then the crash
    expect(existsSync(layout.db)).toBe(false);
    expect((await companyIn(layout)).titles).toEqual(['company B']);
    expect(entries(layout)).toEqual(['db']);
  }, 60_000);

  it('after both renames, before the journal is removed: the swap is done and the old folder goes', async () => {
    const layout = await dataFolder();
    const plan = planSwap(layout, 'restore', NOW);
    await cp(companyB, plan.next, { recursive: true });
    await writeSwapJournal(layout, plan);
    await moveSwapFolders(layout, plan);
    expect(entries(layout)).toEqual(['db', path.basename(plan.old), SWAP_JOURNAL].sort());
    expect((await companyIn(layout)).titles).toEqual(['company B']);
    expect(entries(layout)).toEqual(['db']);
  }, 60_000);

  it('when the folder the swap put in place does not open: the previous company comes back and the broken one is kept aside', async () => {
    const layout = await dataFolder();
    const plan = planSwap(layout, 'import', NOW);
    await cp(companyB, plan.next, { recursive: true });
    truncateSync(path.join(plan.next, 'global', 'pg_control'), 0);
    await writeSwapJournal(layout, plan);
    await moveSwapFolders(layout, plan);
    const log = memoryLog();
    const opened = await reopen(layout, 'refuse', log);
    try {
      expect(await titles(opened.db)).toEqual(['company A']);
    } finally {
      await opened.db.close();
    }
    expect(log.records.some((r) => r.level === 'warn' && /did not open .*set aside as .*db\.broken-.* the previous one is back/.test(r.msg))).toBe(true);
    expect(entries(layout)).toEqual(['db', 'db.broken-2026-03-02T09-05-00Z']);
  }, 60_000);
});

describe('a data folder that held a company but has no database', () => {
  it('left by an older swap without a journal (db.replaced-* and db.importing-*, no db): refused with a sentence, nothing created; the restore brings back the newest backup', async () => {
    const layout = await dataFolder();
    const plan = planSwap(layout, 'import', NOW);
    await cp(companyB, plan.next, { recursive: true });
    await rename(layout.db, plan.old);
    const err = (await reopen(layout).catch((e: unknown) => e)) as { code: string; message: string; details: { newestBackup: string } };
    expect(err.code).toBe('unavailable');
    expect(err.message).toMatch(
      /^There is no company in .*db, but this data folder held one \(db\.importing-2026-03-02T09-00-00Z, db\.replaced-2026-03-02T09-00-00Z, 1 backup in backups\/\), so no new, empty company was made over it\. The newest backup is .*-before_import\.emtx .*; start again with --restore-latest-backup to restore it\.$/,
    );
    expect(err.details.newestBackup).toBe(backupOfA.id);
    expect(existsSync(layout.db)).toBe(false);

    const { titles: restored, opened } = await companyIn(layout, 'restore-latest');
    expect(restored).toEqual(['company A']);
    expect(opened.restored).toMatchObject({ backup: { id: backupOfA.id }, brokenFolder: null });
    expect(entries(layout)).toContain(path.basename(plan.old)); // kept: it is the user's
  }, 60_000);

  it('db missing with only backups left: refused, and no empty company is made', async () => {
    const layout = await dataFolder();
    await rm(layout.db, { recursive: true });
    await expect(reopen(layout)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/held one \(1 backup in backups\/\), so no new, empty company/) });
    expect(existsSync(layout.db)).toBe(false);
  }, 60_000);

  it('a recovery restore killed half-way (a broken folder aside, a half-loaded db.restoring-*): refused, then restored, never empty', async () => {
    const layout = await dataFolder();
    truncateSync(path.join(layout.db, 'global', 'pg_control'), 0);
    await rename(layout.db, `${layout.db}.broken-2026-03-02T09-01-00Z`);
    // what the kill leaves: a new cluster beside the data folder's db, its load rolled back
    await (await PgliteDb.open({ dataDir: `${layout.db}.restoring-2026-03-02T09-01-00Z`, clusterCacheDir: testClusterCacheDir })).close();
    await expect(reopen(layout)).rejects.toMatchObject({ message: expect.stringMatching(/db\.broken-2026-03-02T09-01-00Z, db\.restoring-2026-03-02T09-01-00Z, 1 backup/) });
    expect(existsSync(layout.db)).toBe(false);
    expect((await companyIn(layout, 'restore-latest')).titles).toEqual(['company A']);
    expect(entries(layout)).toEqual(['db', 'db.broken-2026-03-02T09-01-00Z']);
  }, 60_000);

  it('an empty cluster where a company was (what such a kill left before): refused as no company, not opened as an empty one', async () => {
    const layout = await dataFolder();
    await rm(layout.db, { recursive: true });
    await (await PgliteDb.open({ dataDir: layout.db, clusterCacheDir: testClusterCacheDir })).close();
    await expect(reopen(layout)).rejects.toMatchObject({ code: 'unavailable', message: expect.stringMatching(/^There is no company in .*db, but this data folder held one \(1 backup/) });
    const { titles: restored, opened } = await companyIn(layout, 'restore-latest');
    expect(restored).toEqual(['company A']);
    expect(opened.restored?.brokenFolder).toBe(`${layout.db}.broken-2026-03-02T09-05-00Z`);
  }, 60_000);

  it('a new data folder, with nothing in it, still makes a new database', async () => {
    const layout = await prepareDataDir(path.join(dir, 'new'));
    const opened = await reopen(layout);
    try {
      expect(await opened.db.query('SELECT 1 AS one')).toMatchObject({ rows: [{ one: 1 }] });
    } finally {
      await opened.db.close();
    }
  }, 60_000);
});
