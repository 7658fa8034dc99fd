/**
 * The crawler's connection: an HTTP(S) GET that connects only to the address
 * the crawler vetted. The request keeps the URL's host name (Host header, TLS
 * SNI and certificate check), but the socket's name lookup is answered with
 * the pinned address alone, so a name that resolves differently between the
 * check and the connect (DNS rebinding) cannot redirect it.
 */
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable } from 'node:stream';

/** The address a hop was vetted for, and must connect to. */
export interface Pin {
  address: string;
  family: 4 | 6;
}

/** A lookup that answers every name with `pin`, in both of the shapes net.connect may ask for. */
export function pinnedLookup(pin: Pin): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: pin.address, family: pin.family }]);
    else callback(null, pin.address, pin.family);
  }) as unknown as LookupFunction;
}

const nullBodyStatus = new Set([101, 204, 205, 304]);

/** GET `url` over a socket to `pin`; resolves with a fetch Response once the headers arrive. */
export function pinnedFetch(url: string | URL, init: RequestInit, pin: Pin): Promise<Response> {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((v, k) => (headers[k] = v));
  return new Promise<Response>((resolve, reject) => {
    const req = mod.request(
      u,
      {
        method: init.method ?? 'GET',
        headers,
        lookup: pinnedLookup(pin),
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status < 200 || status > 599) {
          res.destroy();
          reject(new Error(`the server answered with HTTP status ${status}`));
          return;
        }
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (v === undefined) continue;
          for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
        }
        const body = nullBodyStatus.has(status) ? null : (Readable.toWeb(res) as unknown as ReadableStream<Uint8Array>);
        if (!body) res.resume();
        resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers: h }));
      },
    );
    const signal = init.signal;
    const onAbort = (): void => {
      const err = new Error('The operation was aborted');
      err.name = 'AbortError';
      req.destroy(err);
      reject(err);
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    req.on('error', reject);
    // a request torn down before its answer (whatever the reason) still settles
    req.on('close', () => {
      signal?.removeEventListener('abort', onAbort);
      reject(new Error('the connection closed before an answer arrived'));
    });
    req.end();
  });
}
