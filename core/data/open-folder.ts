import { acquireDirLock, lockPathFor } from '../db/dir-lock.js';
import { prepareDataDir, removeUnfinished } from './layout.js';
import { openOrRecover, type Opened, type RecoverOptions } from './recover.js';

/**
 * Opens the company in a data folder for a command-line tool (export, sim) the
 * way the engine host opens it for serve and the desktop app: the folder is
 * locked first (a second opener is refused with a sentence naming the holder),
 * half-written files a killed run left are removed, an import or restore swap a
 * crash cut short is finished or undone, and a folder that held a company but
 * lost its database is refused with a sentence naming the newest backup (or,
 * with 'restore-latest', restored from it), never opened as a new, empty company
 * (see openOrRecover). The database returned holds the lock until it is closed.
 */
export async function openDataFolder(root: string, o: RecoverOptions): Promise<Opened> {
  const layout = await prepareDataDir(root);
  const lock = acquireDirLock(lockPathFor(layout.db), o.now);
  try {
    const left = await removeUnfinished(layout);
    if (left.length) o.log.info(`Removed ${left.length} half-written file(s) an earlier run left behind`, { files: left });
    return await openOrRecover(layout, o);
  } finally {
    lock.release(); // counted: the open database keeps the folder locked
  }
}
