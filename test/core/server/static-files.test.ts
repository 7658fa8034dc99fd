import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Bus } from '../../../core/ops/bus.ts';
import { FakeClock } from '../../../core/ports/clock.ts';
import { silentLog } from '../../../core/ports/log.ts';
import type { Handlers } from '../../../core/api/contract.ts';
import { startHttpServer, type RunningHttpServer } from '../../../core/server/http.ts';
import { isInside, resolveStaticPath } from '../../../core/server/static-files.ts';
import { rawRequest } from '../../support/raw-http.ts';

const SECRET = 'TOP-SECRET-OUTSIDE-THE-UI';
const INDEX = '<!doctype html><title>emtesseract</title>';

describe('static UI files', () => {
  let dir: string;
  let ui: string;
  let server: RunningHttpServer;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'emt-static-'));
    ui = path.join(dir, 'renderer');
    await mkdir(path.join(ui, 'assets'), { recursive: true });
    await writeFile(path.join(ui, 'index.html'), INDEX);
    await writeFile(path.join(ui, 'assets', 'app.js'), 'console.log(1)');
    // a sibling whose name starts with the UI root's, and a file beside the root
    await mkdir(path.join(dir, 'renderer-old'));
    await writeFile(path.join(dir, 'renderer-old', 'secret.txt'), SECRET);
    await writeFile(path.join(dir, 'secret.txt'), SECRET);
    await symlink(path.join(dir, 'secret.txt'), path.join(ui, 'link.txt'));
    // no call is ever reached here: the static side needs no engine
    server = await startHttpServer({ handlers: {} as Handlers, bus: new Bus(), clock: new FakeClock(0), log: silentLog, host: '127.0.0.1', port: 0, staticDir: ui });
  });
  afterAll(async () => {
    await server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('serves the UI and falls back to index.html for app paths', async () => {
    const js = await rawRequest(server.url, { path: '/assets/app.js' });
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    const deep = await rawRequest(server.url, { path: '/missions/12' });
    expect(deep.status).toBe(200);
    expect(deep.body).toBe(INDEX);
    expect(deep.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
  });

  const hostile = [
    '/%', '/%zz', '/%E0%A4%A', '/%c0%ae%c0%ae/secret.txt', '/assets/%',
    '/..%2fsecret.txt', '/%2e%2e%2fsecret.txt', '/%2e%2e/secret.txt', '/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    '/..%2frenderer-old/secret.txt', '/%2e%2e%2frenderer-old%2fsecret.txt', '/../renderer-old/secret.txt', '/../../secret.txt',
    '/%5c..%5csecret.txt', '/..%5c..%5csecret.txt', '/%00', '/index.html%00.js', '/assets/app.js%00',
    '//etc/passwd', '/link.txt', '/./../secret.txt', '/assets/..%2f..%2fsecret.txt',
  ];

  it.each(hostile)('%s → a 4xx or the app, never a 500 or a file outside the UI root', async (p) => {
    const r = await rawRequest(server.url, { path: p });
    expect(r.status === 200 || (r.status >= 400 && r.status < 500), `status ${r.status}`).toBe(true);
    expect(r.body).not.toContain(SECRET);
    expect(r.body).not.toMatch(/root:x:0:0/);
    if (r.status === 200) expect(r.body).toBe(INDEX);
  });

  it('answers the worst of them with the right 4xx', async () => {
    expect((await rawRequest(server.url, { path: '/%zz' })).status).toBe(400);
    expect((await rawRequest(server.url, { path: '/%00' })).status).toBe(400);
    expect((await rawRequest(server.url, { path: '/%5c..%5csecret.txt' })).status).toBe(400);
    expect((await rawRequest(server.url, { path: '/%2e%2e%2frenderer-old%2fsecret.txt' })).status).toBe(403);
    expect((await rawRequest(server.url, { path: '/link.txt' })).status).toBe(403);
    // a malformed call name and a target that is not a URL path
    const call = await rawRequest(server.url, { method: 'POST', path: '/api/%zz', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(call.status).toBe(400);
    expect(JSON.parse(call.body)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const target = await rawRequest(server.url, { path: 'http://[' });
    expect(target.status).toBe(400);
  });

  it('compares against the root plus a separator, so a sibling with the same prefix is outside', () => {
    expect(isInside('/srv/ui', '/srv/ui')).toBe(true);
    expect(isInside('/srv/ui', '/srv/ui/a.js')).toBe(true);
    expect(isInside('/srv/ui', '/srv/ui-old/a.js')).toBe(false);
    expect(resolveStaticPath('/srv/ui', '/%2e%2e/ui-old/a.js')).toEqual({ ok: false, status: 403, message: 'That path is outside the UI folder.' });
    expect(resolveStaticPath('/srv/ui', '/a%2fb.js')).toEqual({ ok: true, file: '/srv/ui/a/b.js' });
  });
});
