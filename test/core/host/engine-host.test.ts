import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamMessage } from '../../../core/api/contract.ts';
import { dataLayout, prepareDataDir } from '../../../core/data/layout.ts';
import { schemaVersion } from '../../../core/data/schema-info.ts';
import { latestVersion, loadMigrations, migrate } from '../../../core/db/migrate.ts';
import { PgliteDb } from '../../../core/db/pglite.ts';
import { PostgresDb } from '../../../core/db/postgres.ts';
import { tableExists } from '../../../core/db/db.ts';
import { EngineHost, type DataPlace } from '../../../core/host/engine-host.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { memoryLog } from '../../../core/ports/log.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { alterOneRow, archiveLines, writeArchiveLines } from '../../support/archive-tamper.ts';
import { freshPostgresUrl } from '../../support/db.ts';
import { testPostgresUrl } from '../../support/pg-url.ts';
import { testClusterCacheDir } from '../../support/pglite-template.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'emt-host-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function openHost(place: DataPlace, clock = new FakeClock('2026-03-02T09:00:00Z')): Promise<EngineHost> {
  return EngineHost.open({
    place,
    appVersion: 'test',
    clusterCacheDir: testClusterCacheDir,
    engine: { clock, random: new SeededRandom(1), log: memoryLog(), location: 'test', processId: 'host-test', workers: false, heartbeat: false },
  });
}

async function eventCount(host: EngineHost): Promise<number> {
  return Number((await host.currentDb.query<{ n: number }>('SELECT count(*)::int8 AS n FROM ops_agent_events')).rows[0]?.n);
}

async function addEvent(host: EngineHost, title: string): Promise<void> {
  await host.currentDb.query(`INSERT INTO ops_agent_events (agent_id, kind, title, created_at) VALUES ('brain', 'note', $1, now())`, [title]);
}

describe.each(['pglite', 'postgres'] as const)('the engine host on %s', (kind) => {
  let host: EngineHost;
  let place: DataPlace;
  let exported: string;

  beforeAll(async () => {
    const root = path.join(dir, kind);
    place = kind === 'pglite' ? { kind: 'folder', layout: await prepareDataDir(root) } : { kind: 'postgres', url: await freshPostgresUrl(), files: dataLayout(root) };
    host = await openHost(place);
    await host.start();
    for (let i = 0; i < 5; i++) await addEvent(host, `before export ${i}`);
  }, 120_000);
  afterAll(async () => {
    await host?.stop();
  });

  it('exports to the exports folder with progress on the stream, and imports it back, backing up first and restarting the engine', async () => {
    const seen: StreamMessage[] = [];
    const off = host.bus.subscribe((m) => seen.push(m));
    const out = await host.handlers['data.export']({});
    exported = out.file;
    expect(path.dirname(out.file)).toBe(path.join(dir, kind, 'exports'));
    expect(out.bytes).toBeGreaterThan(100);
    expect(seen.some((m) => m.type === 'data' && m.op === 'export' && m.phase === 'progress' && m.table === 'ops_agent_events')).toBe(true);
    expect(seen.at(-1)).toMatchObject({ type: 'data', op: 'export', phase: 'done', bytes: out.bytes });
    // every progress message knows the archive's total, so the bar shows a percentage that only grows to 100
    const total = out.manifest.tables.reduce((n, t) => n + t.rows, 0);
    const progress = seen.flatMap((m) => (m.type === 'data' && m.op === 'export' && m.phase === 'progress' ? [m] : []));
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.every((m) => m.rowsTotal === total)).toBe(true);
    expect(progress.map((m) => m.rowsDone)).toEqual([...progress.map((m) => m.rowsDone)].sort((a, b) => a - b));
    expect(progress.at(-1)?.rowsDone).toBe(total);
    const rowsAtExport = await eventCount(host);
    await addEvent(host, 'after export');
    const engineBefore = host.currentEngine;

    const result = await host.handlers['data.import']({ path: out.file });
    expect(result.manifest.tables).toEqual(out.manifest.tables);
    expect(result.backup?.reason).toBe('before_import');
    expect(result.backup?.rows).toBe(out.manifest.tables.reduce((n, t) => n + t.rows, 0) + 1);
    expect(await eventCount(host)).toBe(rowsAtExport);
    expect(host.currentEngine).not.toBe(engineBefore);
    // the same stable handlers answer on the new engine
    expect((await host.handlers['agents.list']({})).length).toBeGreaterThan(0);
    expect(seen.filter((m) => m.type === 'data' && m.op === 'import').map((m) => (m as { phase: string }).phase)).toEqual(
      expect.arrayContaining(['start', 'validated', 'swapping', 'progress', 'done']),
    );
    off();
    const backups = await host.handlers['backups.list']({});
    expect(backups.map((b) => b.id)).toContain(result.backup!.id);
  }, 120_000);

  it('refuses a truncated archive, a random file, an altered row and a newer schema, each with its own sentence, and the database keeps every row', async () => {
    const before = await eventCount(host);
    const bytes = readFileSync(exported);
    const truncated = path.join(dir, `${kind}-truncated.emtx`);
    writeFileSync(truncated, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
    const random = path.join(dir, `${kind}-random.emtx`);
    writeFileSync(random, randomBytes(4096));
    const altered = path.join(dir, `${kind}-altered.emtx`);
    alterOneRow(exported, altered, 'ops_agent_events');
    const newer = path.join(dir, `${kind}-newer.emtx`);
    const lines = archiveLines(exported);
    lines[0] = JSON.stringify({ ...JSON.parse(lines[0] as string), schemaVersion: 999 });
    writeArchiveLines(newer, lines);

    const refusals = [
      [truncated, 'truncated', /incomplete: it ends .*cut short/],
      [random, 'not_gzip', /not an emtesseract archive/],
      [altered, 'checksum', /checksum does not match for table ops_agent_events/],
      [newer, 'newer_schema', /newer emtesseract \(database schema 999; this app knows up to \d+\)/],
    ] as const;
    const messages = new Set<string>();
    for (const [file, problem, sentence] of refusals) {
      const err = (await host.handlers['data.import']({ path: file }).catch((e: unknown) => e)) as { code: string; message: string; details: { problem: string } };
      expect(err.code, file).toBe('invalid_input');
      expect(err.details.problem).toBe(problem);
      expect(err.message).toMatch(sentence);
      messages.add(err.message);
      await expect(host.handlers['data.inspect']({ path: file })).rejects.toMatchObject({ details: { problem } });
    }
    expect(messages.size).toBe(4);
    expect(await eventCount(host)).toBe(before);
    // and it still opens with every row after a restart
    await host.stop();
    host = await openHost(place);
    await host.start();
    expect(await eventCount(host)).toBe(before);
  }, 120_000);

  it('backs up, lists, restores and deletes backups', async () => {
    const b = await host.handlers['backups.create']({});
    expect(b.reason).toBe('manual');
    const rows = await eventCount(host);
    await addEvent(host, 'after backup');
    const restored = await host.handlers['backups.restore']({ id: b.id });
    expect(restored.backup?.reason).toBe('before_restore');
    expect(await eventCount(host)).toBe(rows);
    await host.handlers['backups.delete']({ id: b.id });
    expect((await host.handlers['backups.list']({})).map((x) => x.id)).not.toContain(b.id);
    await expect(host.handlers['backups.delete']({ id: '../../etc/passwd' })).rejects.toThrow();
  }, 120_000);
});

describe.each(['pglite', 'postgres'] as const)('a company at an older schema on %s', (kind) => {
  it('is backed up before it is migrated, and that backup (an archive of the older schema) restores and is migrated forward', async () => {
    const migrations = await loadMigrations();
    const latest = latestVersion(migrations);
    // the schema just before the newest migration that adds a table: the archive lacks that table
    const adding = [...migrations].reverse().find((m) => /CREATE TABLE/i.test(m.sql))!;
    const added = /CREATE TABLE\s+(?:IF NOT EXISTS\s+)?(\w+)/i.exec(adding.sql)![1]!;
    const older = adding.version - 1;
    const root = path.join(dir, `older-${kind}`);
    const place: DataPlace = kind === 'pglite' ? { kind: 'folder', layout: await prepareDataDir(root) } : { kind: 'postgres', url: await testPostgresUrl(), files: dataLayout(root) };
    const db = place.kind === 'folder' ? await PgliteDb.open({ dataDir: place.layout.db, clusterCacheDir: testClusterCacheDir }) : await PostgresDb.open({ url: (place as { url: string }).url });
    try {
      await migrate(db, { now: '2026-03-01T00:00:00Z', migrations, upTo: older });
      await db.query(`INSERT INTO ops_agent_events (agent_id, kind, title, created_at) VALUES ('brain', 'note', 'from the older schema', now())`);
    } finally {
      await db.close();
    }

    const host = await openHost(place);
    try {
      const backups = await host.handlers['backups.list']({});
      expect(backups.map((b) => [b.reason, b.schemaVersion])).toEqual([['before_migration', older]]);
      expect(await schemaVersion(host.currentDb)).toBe(latest);
      const titles = async (): Promise<string[]> => (await host.currentDb.query<{ title: string }>('SELECT title FROM ops_agent_events ORDER BY id')).rows.map((r) => r.title);
      expect(await titles()).toEqual(['from the older schema']);

      await addEvent(host, 'after the migration');
      const inspected = await host.handlers['data.inspect']({ path: backups[0]!.file });
      expect(inspected.problem).toBe(`This archive is from schema ${older}; it will be migrated forward to ${latest} after import.`);
      const restored = await host.handlers['backups.restore']({ id: backups[0]!.id });
      expect(restored.migratedFrom).toBe(older);
      expect(restored.manifest.schemaVersion).toBe(latest);
      expect(await schemaVersion(host.currentDb)).toBe(latest);
      expect(await titles()).toEqual(['from the older schema']);
      // the backup has no table of the later migrations; after the restore they are there, and the engine runs on it
      expect(inspected.manifest.tables.map((t) => t.name)).not.toContain(added);
      expect(restored.manifest.tables.map((t) => t.name)).not.toContain(added);
      expect(await tableExists(host.currentDb, added)).toBe(true);
      expect((await host.handlers['agents.list']({})).length).toBeGreaterThan(0);
    } finally {
      await host.stop();
    }
  }, 120_000);
});

describe('a data folder an earlier run left half-written files in', () => {
  it('is cleaned of them when a host takes it (the lock says no one else is writing), and keeps everything finished', async () => {
    const layout = await prepareDataDir(path.join(dir, 'partials'));
    const first = await openHost({ kind: 'folder', layout });
    await first.start();
    const kept = await first.handlers['backups.create']({});
    await first.stop();
    // what a kill in the middle of a backup, an export and an upload leaves
    for (const d of [layout.backups, layout.exports, layout.imports]) mkdirSync(d, { recursive: true });
    writeFileSync(path.join(layout.backups, '2026-03-02T09-00-00Z-scheduled.emtx.partial'), 'half a backup');
    writeFileSync(path.join(layout.exports, 'company.emtx.partial'), 'half an export');
    writeFileSync(path.join(layout.imports, 'upload.emtx.partial'), 'half an upload');
    writeFileSync(path.join(layout.exports, 'notes.txt'), 'not ours to delete');

    const log = memoryLog();
    const clock = new FakeClock('2026-03-02T09:00:00Z');
    const again = await EngineHost.open({
      place: { kind: 'folder', layout },
      appVersion: 'test',
      clusterCacheDir: testClusterCacheDir,
      engine: { clock, random: new SeededRandom(1), log, location: 'test', processId: 'host-test', workers: false, heartbeat: false },
    });
    try {
      expect(readdirSync(layout.backups)).toEqual([path.basename(kept.file)]);
      expect(readdirSync(layout.exports)).toEqual(['notes.txt']);
      expect(readdirSync(layout.imports)).toEqual([]);
      expect(log.records.find((r) => r.msg.startsWith('Removed 3 half-written file'))?.fields).toEqual({
        files: expect.arrayContaining([path.join('backups', '2026-03-02T09-00-00Z-scheduled.emtx.partial'), path.join('exports', 'company.emtx.partial'), path.join('imports', 'upload.emtx.partial')]),
      });
    } finally {
      await again.stop();
    }
  }, 120_000);
});

describe('starting a host whose first heartbeat has long work (a day\'s first backup of a large company)', () => {
  it('is done once the engine runs, while that heartbeat goes on; stopping waits for it', async () => {
    const layout = await prepareDataDir(path.join(dir, 'first-heartbeat'));
    const clock = new FakeClock('2026-03-02T09:00:00Z');
    const host = await EngineHost.open({
      place: { kind: 'folder', layout },
      appVersion: 'test',
      clusterCacheDir: testClusterCacheDir,
      engine: { clock, random: new SeededRandom(1), log: memoryLog(), location: 'test', processId: 'host-test', workers: false, heartbeat: true },
    });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const ran: string[] = [];
    host.currentEngine.heartbeat.add({
      name: 'slow_job',
      run: async () => {
        ran.push('begun');
        await gate;
        ran.push('ended');
      },
    });
    await host.start();
    // the heartbeat is under way (its earlier jobs done, the backup among them) and not finished
    await expect.poll(() => ran, { timeout: 60_000 }).toEqual(['begun']);
    expect(readdirSync(layout.backups).filter((f) => f.endsWith('-scheduled.emtx'))).toHaveLength(1);
    let stopped = false;
    const stopping = host.stop().then(() => (stopped = true));
    await new Promise((r) => setImmediate(r));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(ran).toEqual(['begun', 'ended']);
  }, 120_000);
});
