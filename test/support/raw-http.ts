/**
 * Raw HTTP requests for server tests: node:http sends the path and headers
 * exactly as given (fetch would normalise the path and refuses to set Host,
 * Origin or Sec-Fetch-Site).
 */
import http from 'node:http';

export interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  /** Bind the client to this local address (e.g. 127.0.0.2, to look like another machine). */
  localAddress?: string;
  /** For the stream: resolve once the headers arrive and then close the connection. */
  headersOnly?: boolean;
  /** Reuse connections through this agent (default: a fresh connection per request). */
  agent?: http.Agent;
}

export function rawRequest(baseUrl: string, r: RawRequest): Promise<RawReply> {
  const base = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: base.hostname.replace(/^\[|\]$/g, ''),
        port: base.port,
        method: r.method ?? 'GET',
        path: r.path,
        headers: r.headers ?? {},
        agent: r.agent ?? false,
        ...(r.localAddress ? { localAddress: r.localAddress } : {}),
      },
      (res) => {
        if (r.headersOnly) {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
          res.destroy();
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', (err) => reject(req.reusedSocket ? new Error(`${err.message} (on a reused connection)`, { cause: err }) : err));
    req.end(r.body);
  });
}

/** POST /api/<call> with a JSON body. */
export function rawCall(baseUrl: string, call: string, input: unknown, headers: Record<string, string> = {}, localAddress?: string): Promise<RawReply> {
  return rawRequest(baseUrl, {
    method: 'POST',
    path: `/api/${call}`,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(input),
    ...(localAddress ? { localAddress } : {}),
  });
}
