import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';
import { emptyClusterFile, makeEmptyClusterApart, pgliteVersion } from '../../../core/db/empty-cluster.ts';
import { readdirSync } from 'node:fs';
import { PgliteDb } from '../../../core/db/pglite.ts';
import { openEmptyPglite } from '../../support/pglite-template.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'emt-empty-cluster-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const hasMarker = async (db: PgliteDb): Promise<boolean> => (await db.query("SELECT 1 FROM pg_tables WHERE tablename = 'cache_marker'")).rows.length === 1;

describe('the empty-cluster cache', () => {
  it('is named for the installed PGlite and for how initdb ran', () => {
    const pkg = JSON.parse(readFileSync(path.resolve('node_modules/@electric-sql/pglite/package.json'), 'utf8')) as { version: string };
    expect(pgliteVersion()).toBe(pkg.version);
    expect(path.basename(emptyClusterFile('/c')!)).toBe(`pglite-${pkg.version}-wal1m-empty-cluster.tar`);
  });

  it('makes clusters with 1 MB WAL segments, runs an in-memory one lean, and still opens a dump of an older cluster (16 MB segments)', { timeout: 120_000 }, async () => {
    const show = async (db: PgliteDb, name: string): Promise<string> => (await db.query<Record<string, string>>(`SHOW ${name}`)).rows[0]![name]!;
    const mem = await openEmptyPglite();
    expect(await show(mem, 'wal_segment_size')).toBe('1MB');
    expect(await show(mem, 'shared_buffers')).toBe('16MB');
    expect(await show(mem, 'max_wal_size')).toBe('4MB');
    expect(await show(mem, 'full_page_writes')).toBe('off');
    await mem.close();

    const folder = await PgliteDb.open({ dataDir: path.join(tmp, 'settings-folder'), clusterCacheDir: path.join(tmp, 'settings-cache') });
    expect(await show(folder, 'wal_segment_size')).toBe('1MB');
    // on disk full-page writes stay on (they guard against torn pages after a power cut); the pool is 64 MB
    expect(await show(folder, 'full_page_writes')).toBe('on');
    expect(await show(folder, 'shared_buffers')).toBe('64MB');
    await folder.close();

    // a cluster as PGlite's plain initdb makes it (and as every database made before 1 MB segments has)
    const old = new PGlite('memory://');
    await old.exec('CREATE TABLE old_rows (x int); INSERT INTO old_rows VALUES (1), (2)');
    const dump = await old.dumpDataDir('none');
    await old.close();
    const loaded = await PgliteDb.open({ loadDataDir: dump });
    expect(await show(loaded, 'wal_segment_size')).toBe('16MB');
    // twice a 16 MB segment, the least Postgres accepts for it
    expect(await show(loaded, 'max_wal_size')).toBe('32MB');
    expect((await loaded.query<{ n: number }>('SELECT count(*)::int AS n FROM old_rows')).rows[0]!.n).toBe(2);
    await loaded.close();
  });

  it('is written by the first new database, loaded by the next ones (in memory and in a new folder), and never used for a folder that has a database', { timeout: 120_000 }, async () => {
    const cache = path.join(tmp, 'a');
    const first = await PgliteDb.open({ clusterCacheDir: cache });
    const file = emptyClusterFile(cache)!;
    expect(statSync(file).size).toBeGreaterThan(1_000_000);
    // Make the cached cluster recognisable: a tarball of a cluster with a marker table, put in its place.
    await first.query('CREATE TABLE cache_marker (x int)');
    writeFileSync(file, Buffer.from(await (await first.dumpDataDir('none')).arrayBuffer()));
    await first.close();

    const mem = await PgliteDb.open({ clusterCacheDir: cache });
    expect(await hasMarker(mem)).toBe(true);
    await mem.close();

    const folder = path.join(tmp, 'new-folder');
    const disk = await PgliteDb.open({ dataDir: folder, clusterCacheDir: cache });
    expect(await hasMarker(disk)).toBe(true);
    await disk.query('DROP TABLE cache_marker');
    await disk.close();
    // reopened, the folder is its own database: the cache is not loaded over it
    const again = await PgliteDb.open({ dataDir: folder, clusterCacheDir: cache });
    expect(await hasMarker(again)).toBe(false);
    await again.close();

    // a database loaded from a given dump ignores the cache
    const plain = await openEmptyPglite();
    const given = await PgliteDb.open({ loadDataDir: await plain.dumpDataDir('none'), clusterCacheDir: cache });
    expect(await hasMarker(given)).toBe(false);
    await Promise.all([plain.close(), given.close()]);
  });

  it('drops a cached cluster that does not load, runs initdb instead, and caches a good one', { timeout: 120_000 }, async () => {
    const cache = path.join(tmp, 'b');
    const file = emptyClusterFile(cache)!;
    mkdirSync(cache);
    writeFileSync(file, 'not a tarball at all');
    const folder = path.join(tmp, 'after-junk');
    const db = await PgliteDb.open({ dataDir: folder, clusterCacheDir: cache });
    expect((await db.query<{ n: number }>('SELECT 1 AS n')).rows).toEqual([{ n: 1 }]);
    await db.query('CREATE TABLE kept (x int)');
    await db.close();
    expect(statSync(file).size).toBeGreaterThan(1_000_000);
    const mem = await PgliteDb.open({ clusterCacheDir: cache });
    expect((await mem.query("SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows).toEqual([{ n: 0 }]);
    await mem.close();
    const reopened = await PgliteDb.open({ dataDir: folder });
    expect((await reopened.query("SELECT 1 FROM pg_tables WHERE tablename = 'kept'")).rows).toHaveLength(1);
    await reopened.close();
    expect(existsSync(`${file}.partial-${process.pid}-1`)).toBe(false);
  });

  it('is made by initdb in a child process (whose ~850 MB WebAssembly memory ends with it), and leaves nothing half-written when the child cannot finish', { timeout: 120_000 }, async () => {
    const cache = path.join(tmp, 'apart');
    expect(await makeEmptyClusterApart(cache)).toBe(true);
    const file = emptyClusterFile(cache)!;
    expect(statSync(file).size).toBeGreaterThan(1_000_000);
    const db = await PgliteDb.open({ clusterCacheDir: cache });
    expect((await db.query<{ s: string }>('SHOW wal_segment_size')).rows[0]).toEqual({ wal_segment_size: '1MB' });
    await db.close();

    // a child stopped before it wrote the cluster (here: out of time) leaves no file, and says so
    const stopped = path.join(tmp, 'apart-stopped');
    expect(await makeEmptyClusterApart(stopped, 50)).toBe(false);
    expect(readdirSync(stopped)).toEqual([]);
  });
});
