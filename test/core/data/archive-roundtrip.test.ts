import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveManifest } from '../../../core/api/data-calls.ts';
import { exportArchive } from '../../../core/data/export-archive.ts';
import { loadArchive } from '../../../core/data/load-archive.ts';
import type { Db } from '../../../core/db/db.ts';
import { loadMigrations, type Migration } from '../../../core/db/migrate.ts';
import { simulate } from '../../../core/sim/simulate.ts';
import { freshDb, type DbKind } from '../../support/db.ts';

const NOW = '2026-02-01T00:00:00.000Z';
let dir: string;
let company: Db;
let original: { file: string; manifest: ArchiveManifest };
let migrations: Migration[];

/** The tables the issue names: a populated company has rows in every one of them. */
const MUST_HAVE_ROWS = [
  'ops_missions',
  'ops_mission_steps',
  'ops_agent_events',
  'ops_agent_memory',
  'ops_roundtable_queue',
  'ops_roundtable_turns',
  'ops_agent_relationships',
  'ops_policy',
  'ops_llm_calls',
  'ops_trigger_decisions',
];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'emt-archive-'));
  migrations = await loadMigrations();
  company = await freshDb('pglite');
  // a real company: six simulated hours of the real engine (heartbeat, gates, workers, roundtables, memory)
  await simulate({ days: 0.25, seed: 7, db: company });
  const file = path.join(dir, 'company.emtx');
  original = { file, manifest: (await exportArchive(company, { file, appVersion: 'test', migrations, now: NOW })).manifest };
}, 300_000);

afterAll(async () => {
  await company?.close();
  await rm(dir, { recursive: true, force: true });
});

/** Loads `file` into a fresh database of `kind` (after putting a stray row in it) and exports it again. */
async function importAndExport(kind: DbKind, file: string, name: string): Promise<{ file: string; manifest: ArchiveManifest }> {
  const target = await freshDb(kind);
  try {
    await target.query(`INSERT INTO ops_agents (id, display_name, role, created_at, updated_at) VALUES ('stray', 'Stray', 'none', $1, $1)`, [NOW]);
    const indexes = () => target.query<{ name: string; def: string }>(`SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE schemaname = current_schema() ORDER BY 1`);
    const before = (await indexes()).rows;
    const out = await target.transaction((tx) => loadArchive(tx, file, { migrations, now: NOW }));
    expect(out.migratedFrom).toBeNull();
    // the indexes dropped for the load are all back, as the migrations made them
    expect((await indexes()).rows).toEqual(before);
    // what was there before is gone, and new rows get ids after the loaded ones
    expect((await target.query(`SELECT 1 FROM ops_agents WHERE id = 'stray'`)).rows).toHaveLength(0);
    const max = await target.query<{ m: number }>('SELECT max(id)::int8 AS m FROM ops_agent_events');
    const ins = await target.query<{ id: number }>(`INSERT INTO ops_agent_events (agent_id, kind, title, created_at) VALUES ('brain', 'note', 't', $1) RETURNING id`, [NOW]);
    expect(ins.rows[0]!.id).toBe(max.rows[0]!.m + 1);
    await target.query('DELETE FROM ops_agent_events WHERE id = $1', [ins.rows[0]!.id]);
    const again = path.join(dir, `${name}.emtx`);
    return { file: again, manifest: (await exportArchive(target, { file: again, appVersion: 'test', migrations, now: NOW })).manifest };
  } finally {
    await target.close();
  }
}

describe('the archive', () => {
  it('holds a populated company, with a row count and checksum per table, parents first', () => {
    const counts = Object.fromEntries(original.manifest.tables.map((t) => [t.name, t.rows]));
    expect(original.manifest.source).toBe('pglite');
    expect(original.manifest.schemaVersion).toBe(Math.max(...migrations.map((m) => m.version)));
    for (const t of MUST_HAVE_ROWS) expect(counts[t], t).toBeGreaterThan(0);
    for (const t of original.manifest.tables) expect(t.sha256).toMatch(/^[0-9a-f]{64}$/);
    const order = original.manifest.tables.map((t) => t.name);
    expect(order.indexOf('ops_agents')).toBeLessThan(order.indexOf('ops_missions'));
    expect(order.indexOf('ops_missions')).toBeLessThan(order.indexOf('ops_mission_steps'));
    expect(order.indexOf('ops_roundtable_queue')).toBeLessThan(order.indexOf('ops_roundtable_turns'));
    expect(order).not.toContain('schema_migrations');
  });

  it('imported into PGlite gives identical row counts and checksums', async () => {
    const back = await importAndExport('pglite', original.file, 'pglite-pglite');
    expect(back.manifest.tables).toEqual(original.manifest.tables);
  }, 120_000);

  it('moves from PGlite to PostgreSQL, on to PostgreSQL again, and back to PGlite with identical rows', async () => {
    const onServer = await importAndExport('postgres', original.file, 'pglite-postgres');
    expect(onServer.manifest.source).toBe('postgres');
    expect(onServer.manifest.tables).toEqual(original.manifest.tables);
    const serverToServer = await importAndExport('postgres', onServer.file, 'postgres-postgres');
    expect(serverToServer.manifest.tables).toEqual(original.manifest.tables);
    const back = await importAndExport('pglite', onServer.file, 'postgres-pglite');
    expect(back.manifest.tables).toEqual(original.manifest.tables);
  }, 180_000);
});
