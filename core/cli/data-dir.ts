import os from 'node:os';
import path from 'node:path';
import { dataLayout } from '../data/layout.js';

/** Where the embedded database lives when no --data-dir is given. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EMT_DATA_DIR) return env.EMT_DATA_DIR;
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'emtesseract');
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'emtesseract');
  return path.join(env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share'), 'emtesseract');
}

/**
 * Where new embedded databases find the empty PGlite cluster (core/db/empty-cluster.ts):
 * EMT_CACHE_DIR, else the data folder's pglite-cache/ (the default data folder's when there is none).
 */
export function clusterCacheDir(dataDir: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return env.EMT_CACHE_DIR ?? dataLayout(dataDir ?? defaultDataDir(env)).cache;
}

/** A database URL with its password hidden, for logs and status. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'postgres://…';
  }
}

/** Where backups, exports and uploads of a PostgreSQL company go when no --data-dir is given. */
export function serverFilesDir(url: string, env: NodeJS.ProcessEnv = process.env): string {
  let slug = 'postgres';
  try {
    const u = new URL(url);
    slug = `${u.hostname || 'local'}-${u.port || '5432'}-${u.pathname.replace(/^\//, '') || 'postgres'}`;
  } catch {
    // keep the generic name
  }
  return path.join(defaultDataDir(env), 'servers', slug.replace(/[^\w.-]+/g, '_'));
}
