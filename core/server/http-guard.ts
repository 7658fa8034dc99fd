/**
 * Who may talk to the HTTP transport. Three checks, in order:
 * - Host: without a token the server answers only requests addressed to a
 *   loopback name, so a page on a rebound DNS name cannot reach it.
 * - Origin: a browser request to /api/ from any other origin is refused
 *   (Origin must be the server's own, as the Host header names it, or one
 *   listed in `allowedOrigins`); Sec-Fetch-Site catches the no-cors requests
 *   that carry no Origin at all.
 * - Token: with a token, every call and the stream need it; failed attempts
 *   are counted per remote address and locked out with 429 + Retry-After.
 */
import type { IncomingMessage } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { ErrorCode } from '../api/errors.js';
import type { FailureLimiter } from './failure-limiter.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost', '::ffff:127.0.0.1']);

export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  return LOOPBACK.has(h) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h.endsWith('.localhost');
}

export interface Refusal {
  code: ErrorCode;
  message: string;
  /** Seconds, for a 429's Retry-After. */
  retryAfter?: number;
}

/** The host name a request is addressed to, without port or brackets. */
export function hostName(hostHeader: string): string {
  const h = hostHeader.trim();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  return h.replace(/:\d*$/, '');
}

export function checkHost(req: IncomingMessage, hasToken: boolean): Refusal | null {
  if (hasToken) return null;
  if (isLoopbackHost(hostName(req.headers.host ?? ''))) return null;
  return { code: 'forbidden', message: 'This server only answers requests addressed to localhost.' };
}

export function checkOrigin(req: IncomingMessage, allowedOrigins: readonly string[]): Refusal | null {
  const origin = req.headers.origin;
  const host = req.headers.host ?? '';
  if (origin !== undefined) {
    const own = [`http://${host}`.toLowerCase(), `https://${host}`.toLowerCase()];
    const o = origin.toLowerCase();
    if (own.includes(o) || allowedOrigins.some((a) => a.toLowerCase() === o)) return null;
    return { code: 'forbidden', message: `Requests from another site (${origin.slice(0, 200)}) are refused.` };
  }
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') {
    return { code: 'forbidden', message: 'Requests from another site are refused.' };
  }
  return null;
}

function tokenGiven(req: IncomingMessage, url: URL): string {
  const header = req.headers.authorization ?? '';
  if (header.startsWith('Bearer ')) return header.slice(7);
  // EventSource cannot send headers: the stream may carry the token in its query
  return url.searchParams.get('token') ?? '';
}

function sameSecret(given: string, token: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function checkToken(req: IncomingMessage, url: URL, token: string | undefined, limiter: FailureLimiter): Refusal | null {
  if (!token) return null;
  const who = req.socket.remoteAddress ?? 'unknown';
  const wait = limiter.retryAfterMs(who);
  if (wait > 0) return lockedOut(wait);
  const given = tokenGiven(req, url);
  if (sameSecret(given, token)) {
    limiter.succeed(who);
    return null;
  }
  // No token at all is a page that has not asked for one yet (the token gate), not a guess:
  // only a wrong token counts towards the lock-out.
  if (!given) return { code: 'unauthorized', message: 'A valid token is required: send "Authorization: Bearer <token>".' };
  const locked = limiter.fail(who);
  if (locked > 0) return lockedOut(locked);
  return { code: 'unauthorized', message: 'A valid token is required: send "Authorization: Bearer <token>".' };
}

function lockedOut(ms: number): Refusal {
  const s = Math.ceil(ms / 1000);
  return { code: 'rate_limited', message: `Too many wrong tokens from this address: try again in ${s} s.`, retryAfter: s };
}
