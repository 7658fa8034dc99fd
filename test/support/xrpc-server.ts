/**
 * A local stand-in for a Bluesky PDS (node:http on 127.0.0.1, a free port),
 * speaking just the XRPC calls posting uses, with the shapes of the atproto
 * lexicons:
 *
 *   POST /xrpc/com.atproto.server.createSession  {identifier, password}
 *        → 200 {accessJwt, refreshJwt, handle, did, didDoc, active: true}
 *        → 401 {error: 'AuthenticationRequired', message: 'Invalid identifier or password'}
 *   POST /xrpc/com.atproto.repo.createRecord     Bearer accessJwt; {repo, collection, record, rkey?, validate?}
 *        → 200 {uri: 'at://<did>/<collection>/<rkey>', cid, validationStatus: 'valid'}
 *        → 401 without a valid token; 400 InvalidRequest for another repo or an invalid post
 *          (no text / createdAt, or text over 300 graphemes or 3000 bytes)
 *   GET  /xrpc/app.bsky.feed.getPosts?uris=…     Bearer accessJwt → {posts: [postView …]} (for metrics)
 *
 * Anything else answers 404 {error: 'MethodNotImplemented'}. Every request is
 * in `requests`; every record created is in `records`; `engagement` sets the
 * counts getPosts reports. `fault({ method, status, body, times })` makes the
 * next calls of a method fail; status 0 drops the connection instead.
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface XrpcAccount {
  handle: string;
  did: string;
  password: string;
}

export interface CreatedRecord {
  repo: string;
  collection: string;
  rkey: string;
  uri: string;
  cid: string;
  record: Record<string, unknown>;
}

export interface XrpcFault {
  method: string;
  status: number;
  body?: unknown;
  times?: number;
}

export interface XrpcServer {
  url: string;
  account: XrpcAccount;
  requests: { method: string; nsid: string; headers: http.IncomingHttpHeaders; body: unknown }[];
  records: CreatedRecord[];
  engagement: Map<string, { likes?: number; reposts?: number; replies?: number; quotes?: number }>;
  fault(f: XrpcFault): void;
  close(): Promise<void>;
}

const B32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31];
  return out;
}

/** A CIDv1 (raw codec, sha2-256) of the record's JSON, in base32: a well-formed CID string. */
export function cidFor(value: unknown): string {
  const digest = createHash('sha256').update(JSON.stringify(value)).digest();
  return 'b' + base32(new Uint8Array([0x01, 0x55, 0x12, 0x20, ...digest]));
}

const S32 = '234567abcdefghijklmnopqrstuvwxyz';

/** A record key in the TID shape: 13 sortable base32 characters. */
function tid(n: number): string {
  let v = BigInt(Date.UTC(2026, 2, 2)) * 1000n + BigInt(n);
  v = (v << 10n) | 7n;
  let s = '';
  for (let i = 0; i < 13; i++) {
    s = S32[Number(v & 31n)] + s;
    v >>= 5n;
  }
  return s;
}

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

function invalidPost(record: Record<string, unknown>): string | null {
  if (record.$type !== 'app.bsky.feed.post') return 'Record/$type must be app.bsky.feed.post';
  if (typeof record.text !== 'string') return 'Record must have the property "text"';
  if (typeof record.createdAt !== 'string' || Number.isNaN(Date.parse(record.createdAt))) return 'Record/createdAt must be a valid datetime';
  if ([...segmenter.segment(record.text)].length > 300) return 'Record/text must not be longer than 300 graphemes';
  if (Buffer.byteLength(record.text) > 3000) return 'Record/text must not be longer than 3000 characters';
  return null;
}

export async function startXrpcServer(opts: Partial<XrpcAccount> = {}): Promise<XrpcServer> {
  const account: XrpcAccount = {
    handle: opts.handle ?? 'emtesseract.test',
    did: opts.did ?? 'did:plc:emt7esseract2agents5run',
    password: opts.password ?? 'abcd-efgh-ijkl-mnop',
  };
  const sockets = new Set<Socket>();
  const tokens = new Set<string>();
  const faults: XrpcFault[] = [];
  let issued = 0;
  const srv: XrpcServer = {
    url: '',
    account,
    requests: [],
    records: [],
    engagement: new Map(),
    fault: (f) => faults.push({ times: 1, ...f }),
    close: async () => {},
  };

  const server = http.createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    const nsid = u.pathname.replace(/^\/xrpc\//, '');
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: unknown;
    try {
      body = raw ? JSON.parse(raw) : undefined;
    } catch {
      body = raw;
    }
    srv.requests.push({ method: req.method ?? 'GET', nsid, headers: req.headers, body });
    const send = (status: number, value: unknown): void => {
      const text = JSON.stringify(value);
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
      res.end(text);
    };
    const error = (status: number, name: string, message: string): void => send(status, { error: name, message });

    const fault = faults.find((f) => f.method === nsid && (f.times ?? 1) > 0);
    if (fault) {
      fault.times = (fault.times ?? 1) - 1;
      if (fault.status === 0) {
        req.socket.destroy();
        return;
      }
      return send(fault.status, fault.body ?? { error: 'InternalServerError', message: 'Internal Server Error' });
    }
    const authed = (): boolean => {
      const m = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
      return !!m && tokens.has(m[1] as string);
    };

    if (nsid === 'com.atproto.server.createSession' && req.method === 'POST') {
      const b = (body ?? {}) as { identifier?: unknown; password?: unknown };
      if (typeof b.identifier !== 'string' || typeof b.password !== 'string') {
        return error(400, 'InvalidRequest', 'Input must have the properties "identifier" and "password"');
      }
      const who = b.identifier.toLowerCase().replace(/^@/, '');
      if ((who !== account.handle && who !== account.did) || b.password !== account.password) {
        return error(401, 'AuthenticationRequired', 'Invalid identifier or password');
      }
      issued++;
      const accessJwt = `eyJhbGciOiJIUzI1NiJ9.access-${issued}.sig`;
      tokens.add(accessJwt);
      return send(200, {
        accessJwt,
        refreshJwt: `eyJhbGciOiJIUzI1NiJ9.refresh-${issued}.sig`,
        handle: account.handle,
        did: account.did,
        didDoc: {
          '@context': ['https://www.w3.org/ns/did/v1'],
          id: account.did,
          alsoKnownAs: [`at://${account.handle}`],
          service: [{ id: '#atproto_pds', type: 'AtprotoPersonalDataServer', serviceEndpoint: srv.url }],
        },
        active: true,
      });
    }

    if (nsid === 'com.atproto.repo.createRecord' && req.method === 'POST') {
      if (!authed()) return error(401, 'AuthenticationRequired', 'Authentication Required');
      const b = (body ?? {}) as { repo?: unknown; collection?: unknown; record?: unknown; rkey?: unknown };
      if (typeof b.repo !== 'string' || typeof b.collection !== 'string' || !b.record || typeof b.record !== 'object') {
        return error(400, 'InvalidRequest', 'Input must have the properties "repo", "collection", and "record"');
      }
      if (b.repo !== account.did && b.repo !== account.handle) return error(400, 'InvalidRequest', `Could not find repo: ${b.repo}`);
      const record = b.record as Record<string, unknown>;
      if (b.collection === 'app.bsky.feed.post') {
        const why = invalidPost(record);
        if (why) return error(400, 'InvalidRequest', `Invalid app.bsky.feed.post record: ${why}`);
      }
      const rkey = typeof b.rkey === 'string' ? b.rkey : tid(srv.records.length + 1);
      const uri = `at://${account.did}/${b.collection}/${rkey}`;
      const cid = cidFor(record);
      srv.records.push({ repo: b.repo, collection: b.collection, rkey, uri, cid, record });
      return send(200, { uri, cid, commit: { cid: cidFor({ commit: uri }), rev: tid(srv.records.length + 100) }, validationStatus: 'valid' });
    }

    if (nsid === 'app.bsky.feed.getPosts' && req.method === 'GET') {
      if (!authed()) return error(401, 'AuthenticationRequired', 'Authentication Required');
      const uris = u.searchParams.getAll('uris');
      const posts = srv.records
        .filter((r) => uris.includes(r.uri))
        .map((r) => {
          const e = srv.engagement.get(r.uri) ?? {};
          return {
            uri: r.uri,
            cid: r.cid,
            author: { did: account.did, handle: account.handle },
            record: r.record,
            indexedAt: r.record.createdAt,
            likeCount: e.likes ?? 0,
            repostCount: e.reposts ?? 0,
            replyCount: e.replies ?? 0,
            quoteCount: e.quotes ?? 0,
          };
        });
      return send(200, { posts });
    }

    error(404, 'MethodNotImplemented', `Method Not Implemented: ${nsid}`);
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  srv.url = `http://127.0.0.1:${port}`;
  srv.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return srv;
}
