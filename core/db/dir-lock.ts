import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import os from 'node:os';
import { z } from 'zod';
import { AppError } from '../api/errors.js';

/**
 * One owner per PGlite folder. PGlite has no lock of its own, and two
 * processes on one folder corrupt it, so every opener takes a lock file beside
 * the folder, created atomically ('wx' = O_CREAT|O_EXCL). A lock left by a
 * process that died on this host is taken over; one held by a live process
 * (or by another host, which we cannot check) is refused with a sentence that
 * names its holder. Locks are re-entrant inside one process (counted), so the
 * engine host can keep a folder across an import's close and reopen.
 */
export const lockInfo = z.object({
  pid: z.number().int(),
  host: z.string(),
  startedAt: z.string(),
  /** What holds it, e.g. "serve", "desktop app", "export". */
  owner: z.string(),
  /** Distinguishes this process's lock from a stale copy with the same pid. */
  token: z.string(),
});
export type LockInfo = z.infer<typeof lockInfo>;

export interface DirLock {
  readonly path: string;
  readonly info: LockInfo;
  release(): void;
}

const held = new Map<string, { info: LockInfo; count: number }>();
const processToken = `${process.pid}-${Math.floor(performance.timeOrigin)}-${process.hrtime.bigint().toString(36)}`;
let exitHookInstalled = false;
/** Set by the edge (serve, the desktop app, a CLI) so a refusal can say who holds the folder. */
let processOwner = 'emtesseract';

export function setLockOwner(name: string): void {
  processOwner = name;
}

/** The lock file of a PGlite folder: a sibling named <folder>.lock. */
export function lockPathFor(folder: string): string {
  return folder.replace(/[\\/]+$/, '') + '.lock';
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readLock(file: string): LockInfo | null {
  try {
    const parsed = lockInfo.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function describe(info: LockInfo): string {
  return `${info.owner} (process ${info.pid} on ${info.host}, since ${info.startedAt})`;
}

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const file of held.keys()) {
      try {
        if (readLock(file)?.token === processToken) unlinkSync(file);
      } catch {
        // nothing left to do at exit
      }
    }
    held.clear();
  });
}

/** Takes the lock at `file`, or throws AppError('conflict') naming the live holder. */
export function acquireDirLock(file: string, now: string): DirLock {
  const mine = held.get(file);
  if (mine) {
    mine.count++;
    return handle(file, mine.info);
  }
  const info: LockInfo = { pid: process.pid, host: os.hostname(), startedAt: now, owner: processOwner, token: processToken };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      try {
        writeSync(fd, JSON.stringify(info) + '\n');
      } finally {
        closeSync(fd);
      }
      held.set(file, { info, count: 1 });
      installExitHook();
      return handle(file, info);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const other = readLock(file);
    if (other && !isStale(other)) {
      throw new AppError('conflict', `This data folder is already open in ${describe(other)}. Close that first; two processes on one folder would corrupt it.`, {
        holder: other,
      });
    }
    // Stale (dead pid on this host, our own pid from an old run, or an unreadable
    // half-written file): move it aside atomically so that only one taker wins,
    // then try the exclusive create again.
    const aside = `${file}.stale-${process.pid}-${attempt}`;
    try {
      renameSync(file, aside);
      unlinkSync(aside);
    } catch {
      // someone else took it over first; the next create decides
    }
  }
  throw new AppError('conflict', `Could not take the lock ${file}: another process keeps replacing it.`);
}

function isStale(info: LockInfo): boolean {
  if (info.host !== os.hostname()) return false;
  if (info.pid === process.pid) return info.token !== processToken;
  return !pidAlive(info.pid);
}

function handle(file: string, info: LockInfo): DirLock {
  let released = false;
  return {
    path: file,
    info,
    release() {
      if (released) return;
      released = true;
      const entry = held.get(file);
      if (!entry) return;
      if (--entry.count > 0) return;
      held.delete(file);
      try {
        if (readLock(file)?.token === processToken) unlinkSync(file);
      } catch {
        // already gone
      }
    },
  };
}

/** Who holds the lock at `file` now (null when free or stale). */
export function lockHolder(file: string): LockInfo | null {
  const info = readLock(file);
  return info && !isStale(info) ? info : null;
}
