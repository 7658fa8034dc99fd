import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireDirLock, lockPathFor } from '../../../core/db/dir-lock.ts';
import { PgliteDb } from '../../../core/db/pglite.ts';
import { FakeClock } from '../../../core/ports/clock.ts';

const root = path.resolve(import.meta.dirname, '../../..');
const child = path.join(root, 'test', 'fixtures', 'data', 'hold-folder.ts');
const NOW = '2026-03-02T09:00:00.000Z';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'emt-lock-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Starts the child; resolves with its first line of output. */
function hold(folder: string): Promise<{ proc: ChildProcess; line: string; code: Promise<number | null> }> {
  // node itself (not the tsx wrapper), so the pid we see is the one holding the lock
  const proc = spawn(process.execPath, ['--import', 'tsx', child, folder], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const code = new Promise<number | null>((r) => proc.once('exit', (c) => r(c)));
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve({ proc, line: out.slice(0, nl), code });
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void code.then((c) => reject(new Error(`child exited ${c} before speaking: ${out}`)));
  });
}

describe('one owner per data folder', () => {
  it('refuses a second process, naming the one that holds the folder, and takes over the lock once that one is SIGKILLed', async () => {
    const folder = path.join(dir, 'company');
    const first = await hold(folder);
    expect(first.line).toBe(`open ${first.proc.pid}`);
    try {
      const second = await hold(folder).catch((e: Error) => e);
      // the refusal comes from a real second process and exits non-zero
      expect(String((second as { line?: string }).line ?? second)).toMatch(
        new RegExp(`refused: This data folder is already open in the lock test child \\(process ${first.proc.pid} on ${os.hostname()}, since .*\\)`),
      );
      expect(await (second as { code: Promise<number | null> }).code).toBe(3);
      // and in this process too, with the same sentence
      await expect(PgliteDb.open({ dataDir: folder })).rejects.toMatchObject({ code: 'conflict', message: expect.stringContaining(`process ${first.proc.pid}`) });
    } finally {
      first.proc.kill('SIGKILL');
      await first.code;
    }
    // the lock file is still there, left by a dead process: it is taken over
    expect(JSON.parse(readFileSync(lockPathFor(folder), 'utf8')).pid).toBe(first.proc.pid);
    const db = await PgliteDb.open({ dataDir: folder });
    try {
      expect(JSON.parse(readFileSync(lockPathFor(folder), 'utf8')).pid).toBe(process.pid);
      expect((await db.query<{ one: number }>('SELECT 1 AS one')).rows[0]?.one).toBe(1);
    } finally {
      await db.close();
    }
    expect(existsSync(lockPathFor(folder))).toBe(false);
  }, 60_000);

  it('takes over a half-written lock and a lock copied from this pid by an older run, but is re-entrant within its own process', () => {
    const file = path.join(dir, 'x.lock');
    writeFileSync(file, '{"pid":');
    const a = acquireDirLock(file, NOW);
    const b = acquireDirLock(file, NOW); // the same process: counted, not refused
    a.release();
    expect(existsSync(file)).toBe(true);
    b.release();
    expect(existsSync(file)).toBe(false);
    writeFileSync(file, JSON.stringify({ pid: process.pid, host: os.hostname(), startedAt: NOW, owner: 'an older run', token: 'not-this-one' }));
    const c = acquireDirLock(file, NOW);
    expect(JSON.parse(readFileSync(file, 'utf8')).token).not.toBe('not-this-one');
    c.release();
  });

  it('does not take over a lock from another host (it cannot tell whether that process lives)', () => {
    const file = path.join(dir, 'y.lock');
    writeFileSync(file, JSON.stringify({ pid: 1, host: 'some-other-machine', startedAt: NOW, owner: 'serve', token: 't' }));
    expect(() => acquireDirLock(file, NOW)).toThrow(/already open in serve \(process 1 on some-other-machine/);
  });

  it("writes the engine's clock into the lock it takes for a PGlite folder", async () => {
    const folder = path.join(dir, 'clocked');
    const db = await PgliteDb.open({ dataDir: folder, clock: new FakeClock(Date.parse(NOW)) });
    try {
      expect(JSON.parse(readFileSync(lockPathFor(folder), 'utf8'))).toMatchObject({ pid: process.pid, startedAt: NOW });
    } finally {
      await db.close();
    }
    expect(existsSync(lockPathFor(folder))).toBe(false);
  });
});
