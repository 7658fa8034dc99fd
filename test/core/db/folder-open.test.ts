import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { describeOpenError } from '../../../core/data/recover.ts';
import { PgliteDb } from '../../../core/db/pglite.ts';
import { testClusterCacheDir } from '../../support/pglite-template.ts';

const tmp = mkdtempSync(path.join(os.tmpdir(), 'emt-folder-open-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('a PGlite folder behind a symbolic link', () => {
  it('opens where it really is (a db/ moved to another disk and linked back), locked there, with its rows', { timeout: 120_000 }, async () => {
    const real = path.join(tmp, 'other-disk', 'db');
    mkdirSync(path.dirname(real), { recursive: true });
    const first = await PgliteDb.open({ dataDir: real, clusterCacheDir: testClusterCacheDir });
    await first.exec('CREATE TABLE kept (x int); INSERT INTO kept VALUES (7)');
    await first.close();

    const root = path.join(tmp, 'company');
    mkdirSync(root);
    symlinkSync(real, path.join(root, 'db'));
    const linked = await PgliteDb.open({ dataDir: path.join(root, 'db'), clusterCacheDir: testClusterCacheDir });
    try {
      expect((await linked.query<{ x: number }>('SELECT x FROM kept')).rows).toEqual([{ x: 7 }]);
      // the lock sits beside the real folder, where an opener by the real path looks for it
      expect(existsSync(`${real}.lock`)).toBe(true);
      expect(existsSync(path.join(root, 'db.lock'))).toBe(false);
    } finally {
      await linked.close();
    }
    expect(existsSync(`${real}.lock`)).toBe(false);
  });
});

describe('why a folder did not open, in words', () => {
  it('says what an Error says, names a file-system errno, and never prints [object Object]', () => {
    expect(describeOpenError(new Error('disk on fire'))).toBe('disk on fire');
    expect(describeOpenError({ name: 'ErrnoError', errno: 44 })).toBe('file system error 44: a file or folder is missing');
    expect(describeOpenError({ name: 'ErrnoError', errno: 9999 })).toBe('file system error 9999');
    expect(describeOpenError({ what: 'odd' })).toBe('{"what":"odd"}');
    expect(describeOpenError('plain words')).toBe('plain words');
  });
});
