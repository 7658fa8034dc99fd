/**
 * Test-side helpers for the worker kill and restart runs: the ledger (the
 * "external system" the probe steps act on, which counts every act per key),
 * worker processes that can be SIGKILLed, and bulk-queued probe missions.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import path from 'node:path';
import type { Db } from '../../core/db/db.ts';

const root = path.resolve(import.meta.dirname, '../..');
const child = path.join(import.meta.dirname, 'children', 'probe-worker.ts');

export interface Ledger {
  url: string;
  /** key → how many times the effect was applied (must end at 1 for every key). */
  acts: Map<string, number>;
  lookups: { found: number; missing: number };
  close(): Promise<void>;
}

export async function startLedger(): Promise<Ledger> {
  const acts = new Map<string, number>();
  const seqOf = new Map<string, number>();
  const lookups = { found: 0, missing: 0 };
  let seq = 0;
  const server: Server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://ledger');
    if (req.method === 'GET' && u.pathname === '/lookup') {
      const key = u.searchParams.get('key') ?? '';
      const s = seqOf.get(key);
      if (s === undefined) lookups.missing++;
      else lookups.found++;
      res.writeHead(s === undefined ? 404 : 200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(s === undefined ? { error: 'no such effect' } : { key, seq: s }));
    }
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const { key } = JSON.parse(body) as { key: string };
      acts.set(key, (acts.get(key) ?? 0) + 1);
      if (!seqOf.has(key)) seqOf.set(key, ++seq);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ key, seq: seqOf.get(key) }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    acts,
    lookups,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

export interface ProbeWorker {
  id: string;
  child: ChildProcess;
  ready: Promise<void>;
  isReady: () => boolean;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts a probe worker process; `ready` resolves once it claims. */
export function spawnWorker(dbUrl: string, ledgerUrl: string, id: string): ProbeWorker {
  // node itself with tsx as a loader, not the tsx CLI: the CLI runs the script in a
  // child process, and a SIGKILL to the CLI would leave that child working on.
  const proc = spawn(process.execPath, ['--import', 'tsx', child, dbUrl, ledgerUrl, id], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let readyNow = false;
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (d: Buffer): void => {
      out = (out + d.toString()).slice(-20_000);
      if (!readyNow && out.includes(`probe worker ${id} running`)) {
        readyNow = true;
        resolve();
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    void exited.then((code) => readyNow || reject(new Error(`worker ${id} exited with ${code} before it ran:\n${out}`)));
  });
  ready.catch(() => {});
  return { id, child: proc, ready, isReady: () => readyNow && proc.exitCode === null && proc.signalCode === null, output: () => out, exited };
}

/** Queues `missions` approved missions of `stepsEach` probe steps (the first queued, the rest pending). */
export async function queueProbeMissions(db: Db, now: string, missions: number, stepsEach: number, ms: number): Promise<void> {
  await db.query(
    `INSERT INTO ops_missions (title, status, created_by, created_at)
     SELECT 'probe ' || g, 'approved', 'opus', $1 FROM generate_series(1, $2) g`,
    [now, missions],
  );
  await db.query(
    `INSERT INTO ops_mission_steps (mission_id, seq, kind, payload, status, run_after, created_at, max_attempts)
     SELECT m.id, s.seq, 'effect_probe', jsonb_build_object('ms', $3::int), CASE WHEN s.seq = 0 THEN 'queued' ELSE 'pending' END, $1, $1, 20
     FROM ops_missions m CROSS JOIN generate_series(0, $2 - 1) AS s(seq)`,
    [now, stepsEach, ms],
  );
}

/** What the database says about the probe run: every figure the tests assert on. */
export async function tally(db: Db): Promise<{ steps: number; succeeded: number; rerun: number; stepEvents: number; distinctStepEvents: number; missionsDone: number; missionEvents: number; distinctMissionEvents: number; effectsDone: number; open: number }> {
  const r = await db.query<Record<string, number>>(
    `SELECT
       (SELECT count(*)::int FROM ops_mission_steps) AS steps,
       (SELECT count(*)::int FROM ops_mission_steps WHERE status = 'succeeded') AS succeeded,
       (SELECT count(*)::int FROM ops_mission_steps WHERE attempts > 1) AS rerun,
       (SELECT count(*)::int FROM ops_agent_events WHERE kind = 'step_succeeded') AS "stepEvents",
       (SELECT count(DISTINCT step_id)::int FROM ops_agent_events WHERE kind = 'step_succeeded') AS "distinctStepEvents",
       (SELECT count(*)::int FROM ops_missions WHERE status = 'succeeded') AS "missionsDone",
       (SELECT count(*)::int FROM ops_agent_events WHERE kind IN ('mission_succeeded', 'mission_failed')) AS "missionEvents",
       (SELECT count(DISTINCT mission_id)::int FROM ops_agent_events WHERE kind IN ('mission_succeeded', 'mission_failed')) AS "distinctMissionEvents",
       (SELECT count(*)::int FROM ops_step_effects WHERE status = 'done') AS "effectsDone",
       (SELECT count(*)::int FROM ops_missions WHERE status IN ('approved', 'running')) AS open`,
  );
  return r.rows[0] as never;
}
