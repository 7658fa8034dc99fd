/**
 * The built renderer, served read-only from one folder. A request path is
 * decoded once (a malformed escape is a 400, not a thrown URIError), may not
 * carry NUL or backslashes, and must resolve inside the UI root: the check
 * compares against the root plus a separator, so a sibling folder whose name
 * starts with the root's ("dist/renderer-old") is outside too.
 */
import { readFile, realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { CSP } from '../api/csp.js';
import { contentTypeOf } from './mime.js';


export type StaticResolution = { ok: true; file: string } | { ok: false; status: 400 | 403; message: string };

/** Decodes a percent-encoded path; null when an escape is malformed ("%", "%zz", a broken UTF-8 sequence). */
export function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Whether `file` is `root` itself or inside it. */
export function isInside(root: string, file: string): boolean {
  return file === root || file.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/** Where a request path points inside `root`, or why it may not be served. */
export function resolveStaticPath(root: string, pathname: string): StaticResolution {
  const decoded = safeDecode(pathname);
  if (decoded === null) return { ok: false, status: 400, message: 'The path has a malformed %-escape.' };
  if (decoded.includes('\0')) return { ok: false, status: 400, message: 'The path contains a NUL character.' };
  if (decoded.includes('\\')) return { ok: false, status: 400, message: 'The path contains a backslash.' };
  const file = path.resolve(root, '.' + (decoded.startsWith('/') ? decoded : '/' + decoded));
  if (!isInside(root, file)) return { ok: false, status: 403, message: 'That path is outside the UI folder.' };
  return { ok: true, file };
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

/** Serves `pathname` from `dir`; anything that is not a file falls back to index.html (a single-page app). */
export async function serveStatic(dir: string | undefined, pathname: string, res: ServerResponse, head = false): Promise<void> {
  if (!dir) return plain(res, 404, 'The UI is not built. Run "npm run build:renderer", or use the API under /api/.');
  const root = await realpath(path.resolve(dir)).catch(() => path.resolve(dir));
  const where = resolveStaticPath(root, pathname);
  if (!where.ok) return plain(res, where.status, where.message);
  let file = where.file;
  const st = await stat(file).catch(() => null);
  if (!st || !st.isFile()) file = path.join(root, 'index.html');
  // a symbolic link inside the folder may point outside it: follow it and check again
  const real = await realpath(file).catch(() => null);
  if (!real) return plain(res, 404, 'Not found');
  if (!isInside(root, real)) return plain(res, 403, 'That path is outside the UI folder.');
  const body = await readFile(real).catch(() => null);
  if (!body) return plain(res, 404, 'Not found');
  res.writeHead(200, {
    'Content-Type': contentTypeOf(real),
    'Content-Security-Policy': CSP,
    'Cache-Control': real.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
  });
  res.end(head ? undefined : body);
}
