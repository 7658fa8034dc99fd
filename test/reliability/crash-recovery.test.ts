/**
 * A data folder whose database is broken (as a power cut or a bad disk leaves
 * it), end to end through `serve`: without --restore-latest-backup it refuses
 * to start with a sentence naming the newest backup and touches nothing; with
 * it, the broken folder is kept aside as db.broken-<time> and the newest
 * backup's company is what serve then runs on. Never an empty company.
 */
import { readdirSync, statSync, truncateSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import path from 'node:path';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type ServeProcess } from '../support/serve-process.ts';

let dir: string;
let dataDir: string;
let running: ServeProcess | null = null;
const args = (): string[] => ['--port', '0', '--data-dir', dataDir, '--no-heartbeat', '--no-workers', '--log-level', 'warn'];

async function titles(serve: ServeProcess): Promise<string[]> {
  const r = await serve.call<{ title: string }[]>('proposals.list', {});
  expect(r.status).toBe(200);
  return (r.body.value ?? []).map((p) => p.title).sort();
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'emt-crash-'));
  dataDir = path.join(dir, 'company');
});
afterAll(async () => {
  await running?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('a broken database folder', () => {
  it('is refused with a sentence, then set aside while serve --restore-latest-backup brings back the newest backup', async () => {
    running = await startCli('serve', args());
    const create = (title: string) => running!.call('proposals.create', { agentId: 'brain', title, steps: [{ kind: 'wait', payload: {} }] });
    expect((await create('Before the backup')).status).toBe(200);
    const backup = await running.call<{ id: string }>('backups.create', {});
    expect(backup.status).toBe(200);
    expect((await create('After the backup')).status).toBe(200);
    expect(await titles(running)).toEqual(['After the backup', 'Before the backup']);
    expect(await running.stop()).toBe(0);
    running = null;

    // the cluster's control file, cut to nothing
    const control = path.join(dataDir, 'db', 'global', 'pg_control');
    truncateSync(control, 0);

    const refused = (await startCli('serve', args()).catch((e: unknown) => e)) as Error;
    expect(refused).toBeInstanceOf(Error);
    expect(refused.message).toMatch(/^serve exited with [1-9]\d*:/);
    expect(refused.message).toContain(
      `The database in ${path.join(dataDir, 'db')} could not be opened (PostgreSQL stopped while reading its files: some of them are damaged or missing). ` +
        `The newest backup is ${backup.body.value!.id} (`,
    );
    expect(refused.message).toMatch(/\); start again with --restore-latest-backup to set the broken folder aside and restore it\./);
    expect(refused.message).not.toMatch(/\n\s+at /); // a sentence, not a stack trace
    // nothing was touched: the broken folder is where it was, and no empty company was made
    expect(readdirSync(dataDir).filter((n) => n.startsWith('db'))).toEqual(['db']);
    expect(statSync(control).size).toBe(0);

    running = await startCli('serve', [...args(), '--restore-latest-backup']);
    expect(running.output()).toMatch(/RESTORING FROM BACKUP: the database folder did not open .* it was set aside as .*db\.broken-.* and .*-manual\.emtx is being restored/);
    expect(await titles(running)).toEqual(['Before the backup']);
    const aside = readdirSync(dataDir).filter((n) => n.startsWith('db.broken-'));
    expect(aside).toHaveLength(1);
    expect(statSync(path.join(dataDir, aside[0]!, 'global', 'pg_control')).size).toBe(0); // kept as it was
    expect(await running.stop()).toBe(0);

    // and the restored folder is simply the company from then on
    running = await startCli('serve', args());
    expect(await titles(running)).toEqual(['Before the backup']);
    expect(readdirSync(dataDir).filter((n) => n.startsWith('db.broken-'))).toEqual(aside);
  }, 240_000);
});
