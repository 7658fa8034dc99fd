import { existsSync } from 'node:fs';
import { open, readdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from '../api/errors.js';
import type { DataLayout } from './layout.js';

/**
 * Replacing a PGlite folder with another (an import, a restore) without a
 * moment in which a crash leaves no database:
 *
 *   1. the new database is loaded completely into <root>/db.importing-<time> and closed;
 *   2. a journal, <root>/db.swap.json, names the new folder and where the old one goes
 *      (written to a temporary file, synced, renamed: it is there whole or not at all);
 *   3. db → db.replaced-<time>, then db.importing-<time> → db;
 *   4. once the new folder opens, the journal is removed, then the old folder.
 *
 * The journal is the commit point. A crash before it: db is untouched and the
 * half-made new folder is removed at the next open. A crash after it: the next
 * open finishes the renames from wherever they stopped (moveSwapFolders is
 * idempotent); if the new folder then does not open, undoSwap puts the old one
 * back. Names in the journal are relative to the data folder, so a data folder
 * moved elsewhere still finishes its swap.
 */
export const SWAP_JOURNAL = 'db.swap.json';

const journal = z.object({ next: z.string().regex(/^db\.[\w.-]+$/), old: z.string().regex(/^db\.[\w.-]+$/), op: z.string(), at: z.string() }).strict();
export type SwapJournal = z.infer<typeof journal>;

/** The folders of one swap, absolute. */
export interface SwapPlan {
  next: string;
  old: string;
  journal: SwapJournal;
}

/** Folders a swap or a restore leaves only while it runs: half-made databases. */
export const UNFINISHED_FOLDER = /^db\.(importing|restoring)-/;

export const stamp = (iso: string): string => iso.replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');

export function planSwap(l: DataLayout, op: string, nowIso: string): SwapPlan {
  const at = stamp(nowIso);
  return planFrom(l, { next: `db.importing-${at}`, old: `db.replaced-${at}`, op, at: nowIso });
}

function planFrom(l: DataLayout, j: SwapJournal): SwapPlan {
  return { next: path.join(l.root, j.next), old: path.join(l.root, j.old), journal: j };
}

/** Flushes a folder's entries (the renames in it) to disk; a no-op where folders cannot be opened (Windows). */
export async function syncFolder(dir: string): Promise<void> {
  const fh = await open(dir, 'r').catch(() => null);
  if (!fh) return;
  try {
    await fh.sync().catch(() => {});
  } finally {
    await fh.close();
  }
}

/** Step 2: the commit point. */
export async function writeSwapJournal(l: DataLayout, plan: SwapPlan): Promise<void> {
  const file = path.join(l.root, SWAP_JOURNAL);
  const tmp = `${file}.tmp`;
  try {
    const fh = await open(tmp, 'w', 0o600);
    try {
      await fh.writeFile(JSON.stringify(plan.journal) + '\n');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncFolder(l.root);
}

/** The journal of a swap a crash cut short, or null. One that cannot be read is refused with a sentence (never guessed at). */
export async function readSwapJournal(l: DataLayout): Promise<SwapPlan | null> {
  const file = path.join(l.root, SWAP_JOURNAL);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let parsed: ReturnType<typeof journal.safeParse>;
  try {
    parsed = journal.safeParse(JSON.parse(text));
  } catch {
    parsed = journal.safeParse(null);
  }
  if (!parsed.success) {
    throw new AppError('unavailable', `The data folder ${l.root} holds ${SWAP_JOURNAL}, the record of a database swap, but it cannot be read; nothing was changed. Look at the db* folders there before deleting it.`, {
      broken: l.db,
      newestBackup: null,
    });
  }
  return planFrom(l, parsed.data);
}

/** Step 3, and its resumption after a crash: whatever renames are still to do. */
export async function moveSwapFolders(l: DataLayout, plan: SwapPlan): Promise<void> {
  if (!existsSync(plan.next)) return; // already moved into db (or never there: the undo path deals with it)
  if (existsSync(l.db)) {
    if (existsSync(plan.old)) {
      throw new AppError('unavailable', `An interrupted database swap in ${l.root} left db, ${path.basename(plan.old)} and ${path.basename(plan.next)} all in place; nothing was changed. Keep the one you want as db.`, {
        broken: l.db,
        newestBackup: null,
      });
    }
    await rename(l.db, plan.old);
    await syncFolder(l.root);
  }
  await rename(plan.next, l.db);
  await syncFolder(l.root);
}

/** Step 4: the new folder opened, so the swap is done (the old folder goes first: a journal left without it only has this step to redo). */
export async function finishSwap(l: DataLayout, plan: SwapPlan): Promise<void> {
  await rm(plan.old, { recursive: true, force: true });
  await rm(path.join(l.root, SWAP_JOURNAL), { force: true });
  await syncFolder(l.root);
}

/** The new folder did not open: it goes aside as `brokenAside`, the old one comes back, the journal goes. */
export async function undoSwap(l: DataLayout, plan: SwapPlan, brokenAside: string): Promise<void> {
  if (existsSync(plan.old)) {
    if (existsSync(l.db)) await rename(l.db, brokenAside);
    await rename(plan.old, l.db);
  }
  await rm(path.join(l.root, SWAP_JOURNAL), { force: true });
  await syncFolder(l.root);
}

/** Removes half-made database folders (db.importing-*, db.restoring-*) and their lock files; only for the holder of the data folder's lock. */
export async function removeUnfinishedFolders(l: DataLayout, keep: string | null = null): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(l.root).catch(() => [] as string[])) {
    const base = name.endsWith('.lock') ? name.slice(0, -'.lock'.length) : name;
    if (!UNFINISHED_FOLDER.test(base) || (keep && base === path.basename(keep))) continue;
    await rm(path.join(l.root, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * What in a data folder shows that it held a company: left-overs of a swap, a
 * restore or a recovery, a swap journal, or backups. Used when db/ is missing
 * or empty, so that a new, empty company is never made over an old one.
 */
export async function tracesOfACompany(l: DataLayout, backups: number): Promise<string[]> {
  const traces = (await readdir(l.root).catch(() => [] as string[])).filter((n) => /^db\.(replaced|importing|restoring|broken)-[^/]*$/.test(n) && !n.endsWith('.lock')).sort();
  if (existsSync(path.join(l.root, SWAP_JOURNAL))) traces.unshift(SWAP_JOURNAL);
  if (backups > 0) traces.push(`${backups} backup${backups > 1 ? 's' : ''} in ${path.basename(l.backups)}/`);
  return traces;
}
