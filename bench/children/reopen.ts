/**
 * Opens an existing PGlite data folder and creates the engine, as the app
 * does at start, in a fresh process. Usage: tsx bench/children/reopen.ts DATADIR
 * Prints one line: RESULT {"readyMs", "openMs", "rssBefore", "rssAfter", "heapUsed"} (bytes).
 */
import { PgliteDb } from '../../core/db/pglite.ts';
import { createEngine } from '../../core/engine.ts';
import { SystemClock } from '../../core/ports/clock.ts';
import { silentLog } from '../../core/ports/log.ts';
import { SystemRandom } from '../../core/ports/random.ts';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: reopen.ts DATADIR');
const rssBefore = process.memoryUsage().rss;
const t0 = performance.now();
const db = await PgliteDb.open({ dataDir });
const openMs = performance.now() - t0;
await createEngine({ db, clock: new SystemClock(), random: new SystemRandom(), log: silentLog, location: dataDir });
const readyMs = performance.now() - t0;
const mem = process.memoryUsage();
console.log(`RESULT ${JSON.stringify({ readyMs, openMs, rssBefore, rssAfter: mem.rss, heapUsed: mem.heapUsed })}`);
await db.close();
