/**
 * A local web server for crawl tests (node:http on 127.0.0.1, a free port).
 *
 *   GET /article          an HTML article (title, byline, paragraphs, nav and script noise)
 *   GET /plain            a text/plain page
 *   GET /bare             HTML with almost no text, where Readability finds no article
 *   GET /latin1           an ISO-8859-1 page that says so only in a <meta charset>
 *   GET /huge?bytes=N     N bytes of HTML (default 5 MB), streamed in 16 KiB chunks as the client reads
 *   GET /redirect/N       302 → /redirect/N-1 … → /article
 *   GET /redirect-to?url= 302 → the given URL (e.g. a private address)
 *   GET /binary           application/octet-stream bytes
 *   GET /image            image/png bytes
 *   GET /slow             headers after `slowMs` (default: never)
 *   GET /stall            headers and a first chunk, then silence
 *   GET /status/N         answers status N
 *
 * Everything received is in `requests`; `hugeBytesSent` says how much of /huge went out, `hugeClosed`
 * whether its connection has closed (the client hung up, or it was all sent).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface WebServer {
  url: string;
  /** host:port, as crawl_policy.allowed_hosts lists it. */
  host: string;
  requests: { method: string; path: string; headers: http.IncomingHttpHeaders }[];
  hugeBytesSent: number;
  hugeClosed: boolean;
  slowMs: number;
  close(): Promise<void>;
}

export const ARTICLE_TITLE = 'How the Lighthouse Keeper Counted Ships';
export const ARTICLE_SENTENCE = 'Every evening the keeper climbed the hundred and twelve steps and wrote the number of passing ships in a green ledger.';

const para = (n: number): string =>
  `<p>${ARTICLE_SENTENCE} This is paragraph ${n}; it goes on about the tides, the weather over the point and the slow work of trimming wicks, so that a reader has something substantial to read.</p>`;

export const articleHtml = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${ARTICLE_TITLE} | Harbour Notes</title>
  <meta name="author" content="Ada Quill">
  <meta property="og:site_name" content="Harbour Notes">
  <script>window.tracking = "do not read me";</script>
  <style>body { color: red }</style>
</head>
<body>
  <nav><a href="/">Home</a> <a href="/about">About</a> <a href="/shop">Shop</a></nav>
  <article>
    <h1>${ARTICLE_TITLE}</h1>
    <p class="byline">By Ada Quill</p>
    ${[1, 2, 3, 4, 5, 6].map(para).join('\n    ')}
  </article>
  <footer>© Harbour Notes. <a href="/privacy">Privacy</a></footer>
</body>
</html>`;

export const plainText = 'Tide table for March\n\nHigh water 06:12, low water 12:30.\nHigh water 18:40.';

export async function startWebServer(opts: { slowMs?: number } = {}): Promise<WebServer> {
  const sockets = new Set<Socket>();
  const srv: WebServer = {
    url: '',
    host: '',
    requests: [],
    hugeBytesSent: 0,
    hugeClosed: false,
    slowMs: opts.slowMs ?? Infinity,
    close: async () => {},
  };
  const server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    srv.requests.push({ method: req.method ?? 'GET', path: u.pathname + u.search, headers: req.headers });
    const send = (status: number, type: string, body: string | Buffer, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': type, 'content-length': String(Buffer.byteLength(body)), ...headers });
      res.end(body);
    };
    const p = u.pathname;
    if (p === '/article') return send(200, 'text/html; charset=utf-8', articleHtml);
    if (p === '/plain') return send(200, 'text/plain; charset=utf-8', plainText);
    if (p === '/bare') return send(200, 'text/html', '<html><head><title>Bare page</title></head><body><div>Just a few words.</div></body></html>');
    if (p === '/latin1') {
      const html = '<html><head><meta charset="iso-8859-1"><title>Caf\u00e9 cr\u00e8me</title></head><body><p>Cr\u00e8me br\u00fbl\u00e9e for everyone.</p></body></html>';
      return send(200, 'text/html', Buffer.from(html, 'latin1'));
    }
    if (p === '/huge') {
      const total = Number(u.searchParams.get('bytes') ?? 5_000_000);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      const chunk = Buffer.from(`<p>${'All work and no play makes a dull page. '.repeat(400)}</p>\n`).subarray(0, 16 * 1024);
      let sent = 0;
      let gone = false;
      srv.hugeClosed = false;
      res.on('close', () => {
        gone = true;
        srv.hugeClosed = true;
      });
      const pump = (): void => {
        while (sent < total && !gone) {
          const piece = chunk.subarray(0, Math.min(chunk.length, total - sent));
          sent += piece.length;
          srv.hugeBytesSent = sent;
          if (!res.write(piece)) {
            res.once('drain', pump);
            return;
          }
        }
        res.end();
      };
      res.write('<html><head><title>Huge</title></head><body>');
      pump();
      return;
    }
    const hops = /^\/redirect\/(\d+)$/.exec(p);
    if (hops) {
      const n = Number(hops[1]);
      return send(302, 'text/plain', 'moved', { location: n <= 1 ? '/article' : `/redirect/${n - 1}` });
    }
    if (p === '/redirect-to') return send(302, 'text/plain', 'moved', { location: u.searchParams.get('url') ?? '/article' });
    if (p === '/binary') return send(200, 'application/octet-stream', Buffer.from([0, 1, 2, 3, 255, 254, 253]));
    if (p === '/image') return send(200, 'image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    if (p === '/slow') {
      if (Number.isFinite(srv.slowMs)) setTimeout(() => send(200, 'text/html', articleHtml), srv.slowMs);
      return;
    }
    if (p === '/stall') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.write('<html><head><title>Stalled</title></head><body><p>The first words');
      return;
    }
    const status = /^\/status\/(\d{3})$/.exec(p);
    if (status) return send(Number(status[1]), 'text/plain', `status ${status[1]}`);
    send(404, 'text/plain', 'not found');
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  srv.url = `http://127.0.0.1:${port}`;
  srv.host = `127.0.0.1:${port}`;
  srv.close = async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return srv;
}
