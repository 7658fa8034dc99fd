/**
 * The renderer is served from a privileged custom protocol, app://emtesseract/,
 * instead of file:// (Electron's security checklist: file:// pages get more
 * privileges than web pages, and every file on disk shares their origin).
 * Only files inside the built renderer folder are served; every response,
 * errors included, carries the app's one CSP. The handler is a plain
 * Request → Response function, so it is tested without Electron.
 */
import { realpath, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CSP } from '../core/api/csp.js';
import { contentTypeOf } from '../core/server/mime.js';

export const APP_SCHEME = 'app';
export const APP_HOST = 'emtesseract';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** What the scheme may do: a standard, secure origin with fetch; nothing that widens it (no CORS, no service workers, no CSP bypass). */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  stream: true,
  corsEnabled: false,
  bypassCSP: false,
  allowServiceWorkers: false,
  codeCache: true,
} as const;

/** The parts of Electron's `protocol` module this file uses; tests hand in a stand-in. */
export interface ProtocolLike {
  registerSchemesAsPrivileged(schemes: { scheme: string; privileges: Record<string, boolean> }[]): void;
  handle(scheme: string, handler: (request: Request) => Response | Promise<Response>): void;
}

/** Must run before the app is ready. */
export function registerAppScheme(protocol: ProtocolLike): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { ...APP_SCHEME_PRIVILEGES } }]);
}

/** Serves `rootDir` (dist/renderer) on app://emtesseract/. */
export function installAppProtocol(protocol: ProtocolLike, rootDir: string): void {
  protocol.handle(APP_SCHEME, appRequestHandler(rootDir));
}

function reply(status: number, body: string | Uint8Array | null, contentType = 'text/plain; charset=utf-8'): Response {
  const headers = {
    'Content-Type': contentType,
    'Content-Security-Policy': CSP,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
  return new Response(body as BodyInit | null, { status, headers });
}

/** The file a request maps to, or the HTTP status that refuses it. */
export async function resolveAppFile(root: string, url: string): Promise<{ file: string } | { status: number; why: string }> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { status: 400, why: 'not a URL' };
  }
  if (u.protocol !== `${APP_SCHEME}:` || u.host !== APP_HOST) return { status: 404, why: 'not the app origin' };
  let rel: string;
  try {
    rel = decodeURIComponent(u.pathname);
  } catch {
    return { status: 400, why: 'bad escape in path' };
  }
  if (rel.includes('\0') || rel.includes('\\') || rel.split('/').some((part) => part === '..')) return { status: 403, why: 'path leaves the app folder' };
  if (rel === '/' || rel === '') rel = '/index.html';
  const file = path.resolve(root, '.' + rel);
  if (!isInside(root, file)) return { status: 403, why: 'path leaves the app folder' };
  // Symbolic links must not lead outside either.
  const real = await realpath(file).catch(() => null);
  if (!real) return { status: 404, why: 'no such file' };
  if (!isInside(await realpath(root), real)) return { status: 403, why: 'path leaves the app folder' };
  const st = await stat(real).catch(() => null);
  if (!st?.isFile()) return { status: 404, why: 'not a file' };
  return { file: real };
}

function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

export function appRequestHandler(rootDir: string): (request: Request) => Promise<Response> {
  const root = path.resolve(rootDir);
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return reply(405, 'Method not allowed');
    const found = await resolveAppFile(root, request.url);
    if ('status' in found) return reply(found.status, found.status === 404 ? 'Not found' : 'Refused');
    const body = await readFile(found.file).catch(() => null);
    if (!body) return reply(404, 'Not found');
    return reply(200, request.method === 'HEAD' ? null : new Uint8Array(body), contentTypeOf(found.file));
  };
}
