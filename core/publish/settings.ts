/**
 * User settings that are not policies: chiefly the credentials for publishing.
 * They live in ops_settings (migration 003) as jsonb, one row per key, and are
 * validated on the way in and on the way out. Secrets are stored as given —
 * the database is the user's own — but `redactSetting` is what a UI should see.
 */
import { z } from 'zod';
import { AppError, describeIssues } from '../api/errors.js';
import { readThrough, type Queryable } from '../db/db.js';
import type { EngineCtx } from '../ops/ctx.js';
import { isoNow } from '../ports/clock.js';

const httpUrl = z
  .string()
  .trim()
  .url('a URL such as https://bsky.social')
  .refine((u) => /^https?:\/\//i.test(u), 'an http(s) URL')
  .transform((u) => u.replace(/\/+$/, ''));

export const settingSchemas = {
  bluesky: z.object({
    /** e.g. "emtesseract.bsky.social" (a leading @ is dropped) or the account's DID. */
    handle: z
      .string()
      .trim()
      .transform((h) => h.replace(/^@/, ''))
      .pipe(z.string().min(3, 'a handle such as name.bsky.social').max(253)),
    /** An app password (Settings → Privacy and security → App passwords on Bluesky). */
    appPassword: z.string().trim().min(1, 'an app password is required').max(200),
    /** The account's PDS or entryway; https://bsky.social when not given. */
    service: httpUrl.optional(),
  }),
  x: z.object({
    /** OAuth 1.0a consumer key and secret of the X app, and the posting account's access token and secret. */
    apiKey: z.string().trim().min(1).max(200),
    apiSecret: z.string().trim().min(1).max(200),
    accessToken: z.string().trim().min(1).max(200),
    accessTokenSecret: z.string().trim().min(1).max(200),
    /** https://api.x.com when not given. */
    apiBase: httpUrl.optional(),
  }),
} as const;

export type SettingKey = keyof typeof settingSchemas;
export type SettingValue<K extends SettingKey> = z.infer<(typeof settingSchemas)[K]>;
export type BlueskySettings = SettingValue<'bluesky'>;
export type XSettings = SettingValue<'x'>;
export const settingKeys = Object.keys(settingSchemas) as SettingKey[];

/** Fields never shown back to a person once saved. */
const secretFields: { [K in SettingKey]: (keyof SettingValue<K>)[] } = {
  bluesky: ['appPassword'],
  x: ['apiSecret', 'accessToken', 'accessTokenSecret'],
};

export function isSettingKey(key: string): key is SettingKey {
  return Object.prototype.hasOwnProperty.call(settingSchemas, key);
}

/** Validates a setting; throws a readable invalid_input error. */
export function parseSetting<K extends SettingKey>(key: K, value: unknown): SettingValue<K> {
  const parsed = settingSchemas[key].safeParse(value);
  if (!parsed.success) {
    throw new AppError('invalid_input', `The ${key} settings are not valid: ${describeIssues(parsed.error.issues)}.`);
  }
  return parsed.data as SettingValue<K>;
}

/** The stored value, or null when there is none or it no longer fits its schema. */
export async function getSetting<K extends SettingKey>(q: Queryable, key: K): Promise<SettingValue<K> | null> {
  const res = await readThrough<{ value: unknown }>(q, 'SELECT value FROM ops_settings WHERE key = $1', [key], ['ops_settings']);
  const row = res.rows[0];
  if (!row) return null;
  const parsed = settingSchemas[key].safeParse(row.value);
  return parsed.success ? (parsed.data as SettingValue<K>) : null;
}

/** Validates and stores a setting (timestamped by the engine's clock); returns what was stored. */
export async function setSetting<K extends SettingKey>(ctx: EngineCtx, key: K, value: unknown, q: Queryable = ctx.db): Promise<SettingValue<K>> {
  const parsed = parseSetting(key, value);
  await q.query(
    `INSERT INTO ops_settings (key, value, updated_at) VALUES ($1, $2::jsonb, $3)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
    [key, JSON.stringify(parsed), isoNow(ctx.clock)],
  );
  return parsed;
}

/** Forgets a setting (e.g. disconnects an account). True when there was one. */
export async function deleteSetting(q: Queryable, key: SettingKey): Promise<boolean> {
  const res = await q.query('DELETE FROM ops_settings WHERE key = $1', [key]);
  return res.rowCount > 0;
}

/** A setting with its secrets replaced by "••••" (what the settings pane may show). */
export function redactSetting<K extends SettingKey>(key: K, value: SettingValue<K>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...value };
  for (const f of secretFields[key]) if (out[f as string] !== undefined) out[f as string] = '••••';
  return out;
}
