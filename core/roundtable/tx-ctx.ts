import type { Db, Tx } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';

/**
 * An engine context whose database is one open transaction, so engine
 * services that open their own transaction (the proposal service) take part
 * in the caller's instead: everything commits together or not at all.
 * A nested transaction() runs in the same transaction (no savepoint: a
 * failure inside rolls the whole thing back).
 */
export function ctxInTx(ctx: EngineCtx, tx: Tx): EngineCtx {
  const db: Db = {
    kind: ctx.db.kind,
    query: (sql, params) => tx.query(sql, params),
    exec: (sql) => tx.exec(sql),
    transaction: (fn) => fn(tx),
    withLock: async (_name, fn) => ({ acquired: true, value: await fn() }),
    close: async () => {
      throw new Error('A transaction-scoped database cannot be closed.');
    },
  };
  return { ...ctx, db };
}
