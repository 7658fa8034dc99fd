import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Handlers, StreamMessage } from '../api/contract.js';
import { AppError, httpStatus, type ErrorCode } from '../api/errors.js';
import type { Bus } from '../ops/bus.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';
import { dispatchCall, type DispatchHooks } from './dispatch.js';
import { FailureLimiter, type FailureLimiterOptions } from './failure-limiter.js';
import { checkHost, checkOrigin, checkToken, isLoopbackHost, type Refusal } from './http-guard.js';
import { safeDecode, serveStatic } from './static-files.js';
import { handleDataRoute, type DataRouteFolders } from './data-routes.js';
import { confineDataCalls } from './confined-data-calls.js';

export { isLoopbackHost } from './http-guard.js';

export interface HttpServerOptions {
  handlers: Handlers;
  bus: Bus;
  clock: Clock;
  log: Log;
  host: string;
  port: number;
  /** Required for any non-loopback bind address. */
  token?: string;
  /** Origins besides the server's own whose browser pages may call the API. */
  allowedOrigins?: readonly string[];
  /** Lock-out of addresses that keep sending wrong tokens (defaults: 10 failures a minute → 60 s). */
  tokenFailures?: Omit<FailureLimiterOptions, 'clock'>;
  /** The built renderer, served at /. */
  staticDir?: string;
  hooks?: DispatchHooks;
  /** Routes under /api/ beyond the calls and the stream (e.g. uploads); guarded like them. */
  routes?: readonly HttpRoute[];
  /** Folders of the archive upload and download routes (see data-routes.ts). */
  dataFiles?: DataRouteFolders;
}

export interface RunningHttpServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** What a route's handler gets besides the request and response. */
export interface RouteContext {
  url: URL;
  opts: HttpServerOptions;
  streams: Set<ServerResponse>;
}

/** One route under /api/. It runs after the Host, Origin and token checks. */
export interface HttpRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** An exact path ("/api/stream"), or a prefix when it ends in "/" and `prefix` is set. */
  path: string;
  prefix?: boolean;
  handle(req: IncomingMessage, res: ServerResponse, ctx: RouteContext): Promise<void> | void;
}

const MAX_BODY = 1_000_000;
const MAX_DRAIN = 16_000_000;

/**
 * The HTTP transport of the contract: POST /api/<call> with the input as JSON
 * body, GET /api/stream as server-sent events, and the renderer's files.
 * Loopback only unless a token is configured.
 */
export async function startHttpServer(given: HttpServerOptions): Promise<RunningHttpServer> {
  if (!isLoopbackHost(given.host) && !given.token) {
    throw new AppError('forbidden', `Refusing to listen on ${given.host} without a token: pass --token (or listen on 127.0.0.1).`);
  }
  // archive calls over HTTP touch only files in the data folder's exports/, backups/ and imports/
  const opts: HttpServerOptions = { ...given, handlers: confineDataCalls(given.handlers, given.dataFiles) };
  const streams = new Set<ServerResponse>();
  const limiter = new FailureLimiter({ clock: opts.clock, ...opts.tokenFailures });
  const routes = [...(opts.routes ?? []), ...coreRoutes];
  const server = createServer((req, res) => {
    handle(opts, routes, limiter, req, res, streams).catch((err) => {
      opts.log.error('HTTP handler failed', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'The server failed to answer.' } });
      else res.end();
    });
  });
  server.requestTimeout = 0; // the stream stays open
  // An idle kept-alive connection is closed by the browser, not by us: Node's default (5 s) had the
  // server close sockets Chromium keeps for minutes, and a call sent on one as it closed failed
  // with ERR_CONNECTION_RESET (a POST is not sent again). Chromium drops idle sockets after 5 min.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
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

/** How long an idle kept-alive connection stays open: past the browsers' own idle limit (Chromium: 5 min). */
export const KEEP_ALIVE_MS = 310_000;

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

/** The request's URL, or null when its target cannot be parsed. */
function requestUrl(req: IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

function matches(route: HttpRoute, method: string, pathname: string): boolean {
  if (route.method !== method) return false;
  return route.prefix ? pathname.startsWith(route.path) : pathname === route.path;
}

async function handle(
  opts: HttpServerOptions,
  routes: readonly HttpRoute[],
  limiter: FailureLimiter,
  req: IncomingMessage,
  res: ServerResponse,
  streams: Set<ServerResponse>,
): Promise<void> {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  const url = requestUrl(req);
  if (!url) return sendError(res, 'invalid_input', 'The request target is not a valid URL path.');

  const badHost = checkHost(req, Boolean(opts.token));
  if (badHost) return refuse(res, badHost);

  if (url.pathname.startsWith('/api/')) {
    const refusal = checkOrigin(req, opts.allowedOrigins ?? []) ?? checkToken(req, url, opts.token, limiter);
    if (refusal) return refuse(res, refusal);
    if (url.pathname.startsWith('/api/data/') && (await handleDataRoute(opts.dataFiles, req, res, url.pathname))) return;
    const method = req.method ?? 'GET';
    const route = routes.find((r) => matches(r, method, url.pathname));
    if (route) return route.handle(req, res, { url, opts, streams });
    return sendError(res, 'invalid_input', 'Calls are made with POST /api/<call>.');
  }

  if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 'invalid_input', 'Only GET is served here.');
  return serveStatic(opts.staticDir, url.pathname, res, req.method === 'HEAD');
}

/** The stream and the calls. */
const coreRoutes: readonly HttpRoute[] = [
  { method: 'GET', path: '/api/stream', handle: (_req, res, ctx) => openStream(res, ctx.streams) },
  { method: 'POST', path: '/api/', prefix: true, handle: (req, res, ctx) => callRoute(req, res, ctx) },
];

async function callRoute(req: IncomingMessage, res: ServerResponse, { url, opts }: RouteContext): Promise<void> {
  const name = safeDecode(url.pathname.slice(5));
  if (name === null) return sendError(res, 'invalid_input', 'The call name has a malformed %-escape.');
  const type = req.headers['content-type'] ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    return sendError(res, 'invalid_input', 'Send the input as JSON with "Content-Type: application/json".');
  }
  let body: unknown;
  try {
    const raw = await readBody(req);
    body = raw.trim() ? JSON.parse(raw) : {};
  } catch (err) {
    const msg = err instanceof AppError ? err.message : 'The request body is not valid JSON.';
    opts.hooks?.onInvalidInput?.(name, msg);
    return sendError(res, 'invalid_input', msg);
  }
  const reply = await dispatchCall(opts.handlers, name, body, opts.hooks);
  return sendJson(res, reply.ok ? 200 : httpStatus(reply.error.code as ErrorCode), reply);
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

/**
 * Reads a body of at most MAX_BODY bytes. A larger one is refused once it has
 * been read to its end (so the client hears the refusal rather than a reset);
 * one larger than MAX_DRAIN is cut off.
 */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_DRAIN) {
        req.destroy();
        return;
      }
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on('end', () => {
      if (size > MAX_BODY) reject(new AppError('invalid_input', 'The request body is larger than 1 MB.'));
      else resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
    req.on('close', () => reject(new AppError('invalid_input', 'The request body did not arrive whole.')));
  });
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(text);
}

export function sendError(res: ServerResponse, code: ErrorCode, message: string, headers: Record<string, string> = {}): void {
  sendJson(res, httpStatus(code), { ok: false, error: { code, message } }, headers);
}

function refuse(res: ServerResponse, r: Refusal): void {
  sendError(res, r.code, r.message, r.retryAfter ? { 'Retry-After': String(r.retryAfter) } : {});
}
