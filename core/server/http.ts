import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import type { Handlers, StreamMessage } from '../api/contract.js';
import { AppError, httpStatus, type ErrorCode } from '../api/errors.js';
import type { Bus } from '../ops/bus.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { dispatchCall, type DispatchHooks } from './dispatch.js';
import { handleDataRoute, type DataRouteFolders } from './data-routes.js';

export interface HttpServerOptions {
  handlers: Handlers;
  bus: Bus;
  clock: Clock;
  log: Log;
  host: string;
  port: number;
  /** Required for any non-loopback bind address. */
  token?: string;
  /** The built renderer, served at /. */
  staticDir?: string;
  hooks?: DispatchHooks;
  /** Folders of the archive upload and download routes (see data-routes.ts). */
  dataFiles?: DataRouteFolders;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const MAX_BODY = 1_000_000;
const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};

/**
 * The HTTP transport of the contract: POST /api/<call> with the input as JSON
 * body, GET /api/stream as server-sent events, and the renderer's files.
 * Loopback only unless a token is configured.
 */
export async function startHttpServer(opts: HttpServerOptions): Promise<RunningHttpServer> {
  if (!isLoopbackHost(opts.host) && !opts.token) {
    throw new AppError('forbidden', `Refusing to listen on ${opts.host} without a token: pass --token (or listen on 127.0.0.1).`);
  }
  const streams = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    handle(opts, req, res, streams).catch((err) => {
      opts.log.error('HTTP handler failed', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'The server failed to answer.' } });
      else res.end();
    });
  });
  server.requestTimeout = 0; // the stream stays open
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const hostForUrl = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const unsubscribe = opts.bus.subscribe((msg) => {
    const frame = sseFrame(msg);
    for (const s of streams) s.write(frame);
  });
  let stopKeepAlive = keepAlive(opts.clock, streams);
  return {
    url: `http://${hostForUrl}:${port}`,
    port,
    async close() {
      unsubscribe();
      stopKeepAlive();
      stopKeepAlive = () => {};
      for (const s of streams) s.end();
      streams.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
    },
  };
}

function keepAlive(clock: Clock, streams: Set<ServerResponse>): () => void {
  let cancel = (): void => {};
  const beat = (): void => {
    for (const s of streams) s.write(': keep-alive\n\n');
    cancel = clock.setTimer(15_000, beat);
  };
  cancel = clock.setTimer(15_000, beat);
  return () => cancel();
}

function sseFrame(msg: StreamMessage): string {
  return `event: ${msg.type}\ndata: ${JSON.stringify(msg)}\n\n`;
}

async function handle(opts: HttpServerOptions, req: IncomingMessage, res: ServerResponse, streams: Set<ServerResponse>): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');

  // DNS-rebinding guard: on loopback, only answer requests addressed to loopback.
  if (!opts.token) {
    const hostHeader = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '');
    if (!isLoopbackHost(hostHeader)) return sendError(res, 'forbidden', 'This server only answers requests addressed to localhost.');
  }

  if (url.pathname.startsWith('/api/')) {
    if (!authorized(opts, req, url)) return sendError(res, 'unauthorized', 'A valid token is required: send "Authorization: Bearer <token>".');
    if (url.pathname === '/api/stream' && req.method === 'GET') return openStream(res, streams);
    if (url.pathname.startsWith('/api/data/') && (await handleDataRoute(opts.dataFiles, req, res, url.pathname))) return;
    if (req.method !== 'POST') return sendError(res, 'invalid_input', 'Calls are made with POST /api/<call>.');
    const type = req.headers['content-type'] ?? '';
    if (!type.startsWith('application/json')) {
      return sendError(res, 'invalid_input', 'Send the input as JSON with "Content-Type: application/json".');
    }
    let body: unknown;
    try {
      const raw = await readBody(req);
      body = raw.trim() ? JSON.parse(raw) : {};
    } catch (err) {
      const msg = err instanceof AppError ? err.message : 'The request body is not valid JSON.';
      opts.hooks?.onInvalidInput?.(url.pathname.slice(5), msg);
      return sendError(res, 'invalid_input', msg);
    }
    const reply = await dispatchCall(opts.handlers, decodeURIComponent(url.pathname.slice(5)), body, opts.hooks);
    return sendJson(res, reply.ok ? 200 : httpStatus(reply.error.code as ErrorCode), reply);
  }

  if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 'invalid_input', 'Only GET is served here.');
  return serveStatic(opts.staticDir, url.pathname, res);
}

function authorized(opts: HttpServerOptions, req: IncomingMessage, url: URL): boolean {
  if (!opts.token) return true;
  const header = req.headers.authorization ?? '';
  const given = header.startsWith('Bearer ') ? header.slice(7) : (url.searchParams.get('token') ?? '');
  const a = Buffer.from(given);
  const b = Buffer.from(opts.token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function openStream(res: ServerResponse, streams: Set<ServerResponse>): void {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
  });
  res.write(': connected\n\n');
  streams.add(res);
  res.on('close', () => streams.delete(res));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new AppError('invalid_input', 'The request body is larger than 1 MB.'));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, code: ErrorCode, message: string): void {
  sendJson(res, httpStatus(code), { ok: false, error: { code, message } });
}

async function serveStatic(dir: string | undefined, pathname: string, res: ServerResponse): Promise<void> {
  if (!dir) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('The UI is not built. Run "npm run build:renderer", or use the API under /api/.');
    return;
  }
  const root = path.resolve(dir);
  let file = path.resolve(root, '.' + decodeURIComponent(pathname));
  if (!file.startsWith(root)) return sendError(res, 'forbidden', 'Not allowed.');
  const st = await stat(file).catch(() => null);
  if (!st || st.isDirectory()) file = path.join(root, 'index.html'); // single-page app
  const body = await readFile(file).catch(() => null);
  if (!body) {
    res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return;
  }
  res.writeHead(200, {
    'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': CSP,
    'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=3600',
  });
  res.end(body);
}
