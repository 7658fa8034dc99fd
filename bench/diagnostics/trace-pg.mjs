/**
 * Diagnostic, not a benchmark: times every node-postgres query and NOTIFY in whichever process
 * loads it, on CLOCK_MONOTONIC (process.hrtime, the clock the queue bench and the workers'
 * --trace-starts lines use), and writes them out when the process exits:
 *   /tmp/pgtrace-<pid>.json  { rec: [[first 60 chars of the SQL, start ms, duration ms], …], notes: [arrival ms, …] }
 *   /tmp/pgstarts-<pid>.json the STEP_STARTED / STARTS times the process printed
 * Load it into every process of a bench run (the children inherit NODE_OPTIONS):
 *   NODE_OPTIONS="--import $PWD/bench/diagnostics/trace-pg.mjs" npm run bench -- --quick --only step-queue-worker-processes
 * then match, per step, NOTIFY arrival → claim sent → claim back → start across the files. This is
 * how the claim→start gap to graphile-worker was taken apart on 2026-12-08 (see README).
 */
import fs from 'node:fs';
import pg from 'pg';

const now = () => Number(process.hrtime.bigint()) / 1e6;
const rec = [];
const notes = [];
const starts = [];

const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (config, values, cb) {
  const text = typeof config === 'string' ? config : (config && config.text) || '';
  const key = text.replace(/\s+/g, ' ').slice(0, 60);
  const t0 = now();
  const done = () => rec.push([key, t0, now() - t0]);
  if (typeof values === 'function') return query.call(this, config, (e, r) => (done(), values(e, r)));
  if (typeof cb === 'function') return query.call(this, config, values, (e, r) => (done(), cb(e, r)));
  if (config && typeof config.submit === 'function') return query.call(this, config, values, cb);
  const p = query.call(this, config, values);
  if (p && p.then) p.then(done, done);
  return p;
};

const emit = pg.Client.prototype.emit;
pg.Client.prototype.emit = function (event, ...args) {
  if (event === 'notification') notes.push(now());
  return emit.call(this, event, ...args);
};

const write = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
  if (typeof chunk === 'string' && chunk.startsWith('STEP_STARTED ')) starts.push(Number(chunk.trim().split(' ')[2]));
  if (typeof chunk === 'string' && chunk.startsWith('STARTS ')) for (const [, t] of JSON.parse(chunk.slice(7))) starts.push(t);
  return write(chunk, ...rest);
};

process.on('exit', () => {
  if (rec.length || notes.length) fs.writeFileSync(`/tmp/pgtrace-${process.pid}.json`, JSON.stringify({ rec, notes }));
  if (starts.length) fs.writeFileSync(`/tmp/pgstarts-${process.pid}.json`, JSON.stringify(starts));
});
