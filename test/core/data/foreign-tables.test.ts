/**
 * A PostgreSQL schema may hold other applications' tables beside ours. An
 * export never carries them, and an import (which rebuilds our tables in
 * place, in one transaction) neither drops, empties nor re-indexes them.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportArchive } from '../../../core/data/export-archive.ts';
import { loadArchive } from '../../../core/data/load-archive.ts';
import { appTableNames } from '../../../core/data/schema-info.ts';
import { loadMigrations, type Migration } from '../../../core/db/migrate.ts';
import { dbKinds, freshDb } from '../../support/db.ts';

const NOW = '2026-02-01T00:00:00.000Z';
let dir: string;
let migrations: Migration[];

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'emt-foreign-'));
  migrations = await loadMigrations();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the app tables', () => {
  it('are the tables the migrations create, and schema_migrations', () => {
    const names = appTableNames(migrations);
    expect(names.has('schema_migrations')).toBe(true);
    expect(names.has('ops_agent_events')).toBe(true);
    expect(names.has('ops_step_effects')).toBe(true); // a later migration's table
    expect(names.has('other_app_notes')).toBe(false);
  });
});

describe.each(dbKinds)('another application’s table in the same schema on %s', (kind) => {
  it('is left out of an export and survives an import with its rows and its index', async () => {
    const db = await freshDb(kind);
    try {
      await db.exec(`CREATE TABLE other_app_notes (id integer PRIMARY KEY, note text NOT NULL);
                     CREATE INDEX other_app_notes_note ON other_app_notes (note);
                     INSERT INTO other_app_notes VALUES (1, 'keep me'), (2, 'and me');`);
      await db.query(`INSERT INTO ops_agent_events (agent_id, kind, title, created_at) VALUES ('brain', 'note', 'ours', $1)`, [NOW]);
      const file = path.join(dir, `${kind}.emtx`);
      const { manifest } = await exportArchive(db, { file, appVersion: 'test', migrations, now: NOW });
      expect(manifest.tables.map((t) => t.name)).not.toContain('other_app_notes');
      expect(manifest.tables.find((t) => t.name === 'ops_agent_events')?.rows).toBe(1);

      await db.query(`INSERT INTO ops_agent_events (agent_id, kind, title, created_at) VALUES ('brain', 'note', 'after export', $1)`, [NOW]);
      await db.transaction((tx) => loadArchive(tx, file, { migrations, now: NOW }));

      expect((await db.query<{ title: string }>('SELECT title FROM ops_agent_events')).rows.map((r) => r.title)).toEqual(['ours']);
      expect((await db.query<{ id: number; note: string }>('SELECT id, note FROM other_app_notes ORDER BY id')).rows).toEqual([
        { id: 1, note: 'keep me' },
        { id: 2, note: 'and me' },
      ]);
      const idx = await db.query<{ n: string }>(`SELECT indexname AS n FROM pg_indexes WHERE tablename = 'other_app_notes' ORDER BY 1`);
      expect(idx.rows.map((r) => r.n)).toEqual(['other_app_notes_note', 'other_app_notes_pkey']);
    } finally {
      await db.close();
    }
  }, 120_000);
});
