import { describe, it } from 'vitest';
import { createEngine } from '../../../core/engine.ts';
import { PostgresDb } from '../../../core/db/postgres.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import { silentLog } from '../../../core/ports/log.ts';
import { SeededRandom } from '../../../core/ports/random.ts';
import { createProposalAndMaybeAutoApprove } from '../../../core/ops/proposal-service.ts';
import { freshPostgresUrl } from '../../support/db.ts';
import { startCli } from '../../support/serve-process.ts';
import { eventually } from '../../support/engine.ts';

describe('scale-out on one PostgreSQL', () => {
  it('a worker process is woken by NOTIFY when another process queues a step (its poll is an hour)', async () => {
    const url = await freshPostgresUrl();
    const db = await PostgresDb.open({ url });
    const engine = await createEngine({ db, clock: new SystemClock(), random: new SeededRandom(8), log: silentLog, location: 'pg', workers: false, heartbeat: false });
    const worker = await startCli('worker', ['--database-url', url, '--kinds', 'wait', '--poll-ms', '3600000']);
    try {
      // the worker LISTENs (its first claim round came before: it found nothing, and its next poll is an hour away);
      // LISTEN is the first statement its listen connection runs, so one that has run any has listened
      await eventually(async () => {
        const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'emtesseract-listen' AND query <> ''`);
        return r.rows[0]!.n > 0;
      }, 30_000, 50);
      const out = await createProposalAndMaybeAutoApprove(engine.ctx, { agentId: 'opus', title: 'Woken', steps: [{ kind: 'wait', payload: {} }, { kind: 'wait', payload: {} }] });
      await eventually(async () => {
        const r = await db.query<{ status: string }>('SELECT status FROM ops_missions WHERE id = $1', [out.mission!.id]);
        return r.rows[0]?.status === 'succeeded';
      }, 20_000);
    } finally {
      await worker.stop();
      await db.close();
    }
  }, 60_000);
});
