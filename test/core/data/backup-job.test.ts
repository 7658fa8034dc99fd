import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupJob } from '../../../core/data/backup-job.ts';
import { createBackup } from '../../../core/data/backups.ts';
import { loadMigrations } from '../../../core/db/migrate.ts';
import { setPolicy } from '../../../core/ops/policy.ts';
import { FakeClock, isoNow } from '../../../core/ports/clock.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

let dir: string;
let e: TestEngine;
let clock: FakeClock;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'emt-backup-job-'));
  // 22:30 in Berlin on Monday 2 March (21:30 UTC)
  clock = new FakeClock('2026-03-02T21:30:00Z');
  e = await testEngine('pglite', { clock, workers: false, heartbeat: false });
  await setPolicy(e.ctx, 'timezone', { name: 'Europe/Berlin' }, 'test');
  await setPolicy(e.ctx, 'backup_policy', { enabled: true, every: 'daily', keep: 2 }, 'test');
});
afterAll(async () => {
  await e?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('the scheduled backup job', () => {
  it('backs up once per local day on the Clock, and keeps the newest N', async () => {
    const migrations = await loadMigrations();
    const job = backupJob({ backupsDir: dir, backup: (reason) => createBackup(e.db, { dir, reason, now: isoNow(clock), appVersion: 'test', migrations }) });
    const first = (await job.run(e.ctx)) as { backup?: string };
    expect(first.backup).toMatch(/^2026-03-02T21-30-00Z-scheduled\.emtx$/);
    // later the same local day: nothing new
    await clock.advanceTo(Date.parse('2026-03-02T22:45:00Z'));
    expect(await job.run(e.ctx)).toMatchObject({ skipped: expect.stringContaining('2026-03-02') });
    // 23:15 UTC is already Tuesday in Berlin
    await clock.advanceTo(Date.parse('2026-03-02T23:15:00Z'));
    expect(((await job.run(e.ctx)) as { backup?: string }).backup).toMatch(/^2026-03-02T23-15-00Z/);
    await clock.advanceTo(Date.parse('2026-03-04T08:00:00Z'));
    const third = (await job.run(e.ctx)) as { backup?: string; pruned: string[] };
    expect(third.pruned).toEqual([first.backup]);
    expect((await readdir(dir)).sort()).toHaveLength(2);
    await setPolicy(e.ctx, 'backup_policy', { enabled: false, every: 'daily', keep: 2 }, 'test');
    await clock.advanceTo(Date.parse('2026-03-06T08:00:00Z'));
    expect(await job.run(e.ctx)).toEqual({ skipped: 'backup_policy is off' });
  });
});
