import { AppError, describeIssues } from '../api/errors.js';
import { readThrough, type Queryable } from '../db/db.js';
import { isoNow } from '../ports/clock.js';
import type { EngineCtx } from './ctx.js';
import { writeEvent } from './events.js';
import { isPolicyKey, policyDefaults, policyKeys, policySchemas, type PolicyKey, type PolicyValue } from './policy-schemas.js';

/** A policy as stored: its value (the default when missing or unfit) and, when unfit, why. */
async function readPolicy<K extends PolicyKey>(q: Queryable, key: K): Promise<{ value: PolicyValue<K>; problem: { stored: unknown; why: string } | null }> {
  const res = await readThrough<{ value: unknown }>(q, 'SELECT value FROM ops_policy WHERE key = $1', [key], ['ops_policy']);
  const row = res.rows[0];
  if (!row) return { value: policyDefaults[key], problem: null };
  const parsed = policySchemas[key].safeParse(row.value);
  if (parsed.success) return { value: parsed.data as PolicyValue<K>, problem: null };
  return { value: policyDefaults[key], problem: { stored: row.value, why: describeIssues(parsed.error.issues) } };
}

/**
 * Reads a policy. A stored value that no longer fits its schema yields the
 * default (policy.list shows it as not valid; cachedPolicy also reports it as an event).
 */
export async function getPolicy<K extends PolicyKey>(q: Queryable, key: K): Promise<PolicyValue<K>> {
  return (await readPolicy(q, key)).value;
}

const reported = new WeakMap<EngineCtx, Set<string>>();

/** Records a `policy_invalid` event once per engine and stored value, not on every read. */
function reportInvalid(ctx: EngineCtx, key: PolicyKey, stored: unknown, why: string): void {
  let seen = reported.get(ctx);
  if (!seen) reported.set(ctx, (seen = new Set()));
  const id = `${key}:${JSON.stringify(stored)}`;
  if (seen.has(id)) return;
  seen.add(id);
  // not awaited, and on ctx.db: the reader may be inside a transaction of its own
  void writeEvent(ctx, ctx.db, {
    kind: 'policy_invalid',
    title: `Policy ${key} no longer fits its schema`,
    summary: `The stored value is not valid (${why}); the default is used until it is fixed in Settings.`,
    tags: ['policy', 'error', key],
    payload: { key, stored, why },
  }).catch((err: unknown) => {
    seen.delete(id);
    ctx.log.warn(`Could not record that policy ${key} is invalid`, { error: err instanceof Error ? err.message : String(err) });
  });
}

const CACHE_MS = 1000;
const caches = new WeakMap<EngineCtx, Map<PolicyKey, { at: number; value: Promise<unknown>; settled: boolean }>>();

/**
 * A policy read for hot paths (every claim, every event): served from a
 * per-engine cache for up to a second. A change made in this process is seen
 * at once; one made by another process within a second. Pass the
 * transaction as `q` when inside one.
 */
export function cachedPolicy<K extends PolicyKey>(ctx: EngineCtx, key: K, q: Queryable = ctx.db): Promise<PolicyValue<K>> {
  let cache = caches.get(ctx);
  if (!cache) caches.set(ctx, (cache = new Map()));
  const now = ctx.clock.now();
  const hit = cache.get(key);
  // A transaction never waits on a read still under way on another connection: with every
  // pooled connection held by transactions doing so, that read would never get one (a worker
  // with --pool-size 3 and four steps at once stopped for good). It reads through its own.
  const usable = hit && now - hit.at < (ctx.policyCacheMs ?? CACHE_MS) && (hit.settled || q === ctx.db);
  if (usable) return hit.value as Promise<PolicyValue<K>>;
  // inside a transaction, read through it: a second pooled connection could starve the pool
  const value = readPolicy(q, key).then((r) => {
    if (r.problem) reportInvalid(ctx, key, r.problem.stored, r.problem.why);
    return r.value;
  });
  const entry = { at: now, value: value as Promise<unknown>, settled: false };
  cache.set(key, entry);
  value.then(
    () => (entry.settled = true),
    () => {
      if (cache.get(key) === entry) cache.delete(key);
    },
  );
  return value;
}

/** Drops a cached policy after a write that bypassed setPolicy. */
export function forget(ctx: EngineCtx, key: PolicyKey): void {
  caches.get(ctx)?.delete(key);
}

export async function getAllPolicies(q: Queryable): Promise<{ key: PolicyKey; value: unknown; valid: boolean; updatedAt: string | null }[]> {
  const res = await q.query<{ key: string; value: unknown; updated_at: string }>('SELECT key, value, updated_at FROM ops_policy');
  const stored = new Map(res.rows.map((r) => [r.key, r]));
  return policyKeys.map((key) => {
    const row = stored.get(key);
    if (!row) return { key, value: policyDefaults[key], valid: true, updatedAt: null };
    return { key, value: row.value, valid: policySchemas[key].safeParse(row.value).success, updatedAt: row.updated_at };
  });
}

/** Validates a value against its key's schema; throws a readable invalid_input error. */
export function parsePolicy<K extends PolicyKey>(key: string, value: unknown): { key: K; value: PolicyValue<K> } {
  if (!isPolicyKey(key)) {
    throw new AppError('invalid_input', `There is no policy called "${key}". Known policies: ${policyKeys.join(', ')}.`);
  }
  const parsed = policySchemas[key].safeParse(value);
  if (!parsed.success) {
    throw new AppError('invalid_input', `The value for policy "${key}" is not valid: ${describeIssues(parsed.error.issues)}.`, {
      issues: parsed.error.issues,
    });
  }
  return { key: key as K, value: parsed.data as PolicyValue<K> };
}

export async function setPolicy(ctx: EngineCtx, key: string, value: unknown, actor = 'user'): Promise<{ key: PolicyKey; value: unknown }> {
  const parsed = parsePolicy(key, value);
  await ctx.db.transaction(async (tx) => {
    await upsertPolicy(tx, parsed.key, parsed.value, isoNow(ctx.clock));
    await writeEvent(ctx, tx, {
      kind: 'policy_changed',
      title: `Policy ${parsed.key} changed`,
      summary: `Changed by ${actor}.`,
      tags: ['policy', parsed.key],
      payload: { key: parsed.key, value: parsed.value, actor },
    });
  });
  forget(ctx, parsed.key);
  return parsed;
}

export async function upsertPolicy(q: Queryable, key: PolicyKey, value: unknown, now: string): Promise<void> {
  await q.query(
    `INSERT INTO ops_policy (key, value, updated_at) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [key, JSON.stringify(value), now],
  );
}

/** Inserts each missing policy with its default; never overwrites the user's values. */
export async function seedPolicies(q: Queryable, now: string, initial: Partial<Record<PolicyKey, unknown>> = {}): Promise<void> {
  for (const key of policyKeys) {
    const value = initial[key] !== undefined ? parsePolicy(key, initial[key]).value : policyDefaults[key];
    await q.query('INSERT INTO ops_policy (key, value, updated_at) VALUES ($1, $2::jsonb, $3) ON CONFLICT (key) DO NOTHING', [
      key,
      JSON.stringify(value),
      now,
    ]);
  }
}
