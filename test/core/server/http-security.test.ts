import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeClock } from '../../../core/ports/clock.ts';
import { silentLog } from '../../../core/ports/log.ts';
import { startHttpServer, type RunningHttpServer } from '../../../core/server/http.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';
import { rawCall, rawRequest } from '../../support/raw-http.ts';

describe('HTTP server security', () => {
  let engine: TestEngine;
  let clock: FakeClock;
  let open: RunningHttpServer;
  let locked: RunningHttpServer;
  const TOKEN = 'correct-horse-battery';

  beforeAll(async () => {
    clock = new FakeClock('2026-03-02T09:00:00Z');
    engine = await testEngine('pglite', { clock, workers: false, heartbeat: false });
    const base = { handlers: engine.handlers, bus: engine.ctx.bus, clock, log: silentLog, port: 0 };
    open = await startHttpServer({ ...base, host: '127.0.0.1', allowedOrigins: ['http://ui.example:5173'] });
    locked = await startHttpServer({ ...base, host: '127.0.0.1', token: TOKEN, tokenFailures: { maxFailures: 3, windowMs: 60_000, lockMs: 30_000 } });
  });
  afterAll(async () => {
    await open?.close();
    await locked?.close();
    await engine?.close();
  });

  it('refuses a non-loopback bind without a token, in one sentence', async () => {
    const start = startHttpServer({ handlers: engine.handlers, bus: engine.ctx.bus, clock, log: silentLog, port: 0, host: '0.0.0.0' });
    await expect(start).rejects.toMatchObject({ code: 'forbidden', message: 'Refusing to listen on 0.0.0.0 without a token: pass --token (or listen on 127.0.0.1).' });
  });

  it('answers only requests addressed to loopback when it has no token (DNS rebinding)', async () => {
    const port = new URL(open.url).port;
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `app.localhost:${port}`]) {
      expect((await rawCall(open.url, 'runtime.status', {}, { host })).status, host).toBe(200);
    }
    for (const host of [`evil.example:${port}`, `127.0.0.1.evil.example:${port}`, `localhost.evil.example`]) {
      const r = await rawCall(open.url, 'runtime.status', {}, { host });
      expect(r.status, `host "${host}"`).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'This server only answers requests addressed to localhost.' } });
    }
  });

  it('refuses cross-origin browser requests to the calls and the stream', async () => {
    const own = new URL(open.url).origin;
    expect((await rawCall(open.url, 'agents.list', {}, { origin: own })).status).toBe(200);
    expect((await rawCall(open.url, 'agents.list', {}, { origin: 'http://ui.example:5173' })).status).toBe(200);
    for (const origin of ['http://evil.example', 'null', `${own}.evil.example`, 'http://127.0.0.1:1', 'file://']) {
      const call = await rawCall(open.url, 'agents.list', {}, { origin });
      expect(call.status, origin).toBe(403);
      expect(JSON.parse(call.body).error.message).toMatch(/^Requests from another site .* are refused\.$/);
      const stream = await rawRequest(open.url, { path: '/api/stream', headers: { origin }, headersOnly: true });
      expect(stream.status, origin).toBe(403);
    }
    // a no-cors request (an <img> or <script> pointing at the API) carries no Origin, but says it is cross-site
    const noCors = await rawRequest(open.url, { path: '/api/stream', headers: { 'sec-fetch-site': 'cross-site' }, headersOnly: true });
    expect(noCors.status).toBe(403);
    const sameOrigin = await rawRequest(open.url, { path: '/api/stream', headers: { 'sec-fetch-site': 'same-origin' }, headersOnly: true });
    expect(sameOrigin.status).toBe(200);
  });

  it('with a token, every call and the stream need it', async () => {
    // each refusal from its own address, so the lock-out (next test) does not start here
    const none = await rawCall(locked.url, 'runtime.status', {}, {}, '127.0.0.11');
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const stream = await rawRequest(locked.url, { path: '/api/stream', headersOnly: true, localAddress: '127.0.0.12' });
    expect(stream.status).toBe(401);
    const wrongStream = await rawRequest(locked.url, { path: '/api/stream?token=nope', headersOnly: true, localAddress: '127.0.0.13' });
    expect(wrongStream.status).toBe(401);
    const unknownCall = await rawCall(locked.url, 'no.such.call', {}, {}, '127.0.0.14');
    expect(unknownCall.status).toBe(401);
    const ok = await rawCall(locked.url, 'runtime.status', {}, { authorization: `Bearer ${TOKEN}` });
    expect(ok.status).toBe(200);
    const okStream = await rawRequest(locked.url, { path: `/api/stream?token=${TOKEN}`, headersOnly: true });
    expect(okStream.status).toBe(200);
    expect(okStream.headers['content-type']).toMatch(/text\/event-stream/);
  });

  it('locks out an address after repeated wrong tokens (429 + Retry-After on the injected clock), not other addresses', async () => {
    const other = '127.0.0.3';
    const me = '127.0.0.2';
    const wrong = { authorization: 'Bearer guess' };
    // no token at all is a page that has not asked for it yet (the token gate), not a guess: never locked out
    for (let i = 0; i < 5; i++) expect((await rawCall(locked.url, 'agents.list', {}, {}, me)).status).toBe(401);
    expect((await rawCall(locked.url, 'agents.list', {}, wrong, me)).status).toBe(401);
    expect((await rawCall(locked.url, 'agents.list', {}, wrong, me)).status).toBe(401);
    const third = await rawCall(locked.url, 'agents.list', {}, wrong, me);
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBe('30');
    expect(JSON.parse(third.body)).toMatchObject({ ok: false, error: { code: 'rate_limited', message: 'Too many wrong tokens from this address: try again in 30 s.' } });
    // locked out: even the right token waits
    const right = { authorization: `Bearer ${TOKEN}` };
    expect((await rawCall(locked.url, 'agents.list', {}, right, me)).status).toBe(429);
    expect((await rawRequest(locked.url, { path: `/api/stream?token=${TOKEN}`, localAddress: me, headersOnly: true })).status).toBe(429);
    // another address is not affected
    expect((await rawCall(locked.url, 'agents.list', {}, right, other)).status).toBe(200);
    await clock.advance(20_000);
    const later = await rawCall(locked.url, 'agents.list', {}, right, me);
    expect(later.status).toBe(429);
    expect(later.headers['retry-after']).toBe('10');
    await clock.advance(10_000);
    expect((await rawCall(locked.url, 'agents.list', {}, right, me)).status).toBe(200);
  });
});
