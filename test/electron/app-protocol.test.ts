import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../../core/api/csp.js';
import { APP_SCHEME_PRIVILEGES, appRequestHandler, installAppProtocol, registerAppScheme } from '../../electron/app-protocol.js';

describe('the app:// protocol', () => {
  let base: string;
  let root: string;
  let handle: (r: Request) => Promise<Response>;
  const get = (url: string, method = 'GET'): Promise<Response> => handle(new Request(url, { method }));

  beforeAll(async () => {
    base = await mkdtemp(path.join(os.tmpdir(), 'emt-protocol-'));
    root = path.join(base, 'renderer');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>emt</title>');
    await writeFile(path.join(root, 'assets', 'index-abc.js'), 'console.log(1)');
    await writeFile(path.join(root, 'assets', 'index-abc.css'), 'body{}');
    await writeFile(path.join(root, 'assets', 'logo.svg'), '<svg/>');
    await writeFile(path.join(root, 'assets', 'a b.json'), '{}');
    // Outside the renderer folder: a secret, and a sibling folder whose name starts with the root's.
    await writeFile(path.join(base, 'secret.txt'), 'secret');
    await mkdir(path.join(base, 'renderer-evil'));
    await writeFile(path.join(base, 'renderer-evil', 'x.js'), 'evil');
    await symlink(path.join(base, 'secret.txt'), path.join(root, 'assets', 'link.txt'));
    handle = appRequestHandler(root);
  });

  afterAll(async () => rm(base, { recursive: true, force: true }));

  it('serves index.html and the assets with their types, and the CSP on every response', async () => {
    const cases: [string, string, string][] = [
      ['app://emtesseract/index.html', 'text/html; charset=utf-8', '<!doctype html><title>emt</title>'],
      ['app://emtesseract/', 'text/html; charset=utf-8', '<!doctype html><title>emt</title>'],
      ['app://emtesseract/index.html#/stage?x=1', 'text/html; charset=utf-8', '<!doctype html><title>emt</title>'],
      ['app://emtesseract/assets/index-abc.js', 'text/javascript; charset=utf-8', 'console.log(1)'],
      ['app://emtesseract/assets/index-abc.css', 'text/css; charset=utf-8', 'body{}'],
      ['app://emtesseract/assets/logo.svg', 'image/svg+xml', '<svg/>'],
      ['app://emtesseract/assets/a%20b.json', 'application/json', '{}'],
    ];
    for (const [url, type, body] of cases) {
      const res = await get(url);
      expect(res.status, url).toBe(200);
      expect(res.headers.get('content-type'), url).toBe(type);
      expect(res.headers.get('content-security-policy'), url).toBe(CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text(), url).toBe(body);
    }
    const head = await get('app://emtesseract/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('refuses traversal, encoded separators, links and files outside the renderer folder, still with the CSP', async () => {
    const refused = [
      'app://emtesseract/%2e%2e/secret.txt',
      'app://emtesseract/..%2fsecret.txt',
      'app://emtesseract/assets/..%2f..%2fsecret.txt',
      'app://emtesseract/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://emtesseract/..%5csecret.txt',
      'app://emtesseract/%2e%2e/renderer-evil/x.js',
      'app://emtesseract/assets/link.txt',
      'app://emtesseract/%00index.html',
      'app://emtesseract/%',
      'app://emtesseract/%E0%A4%A',
      'app://emtesseract/missing.js',
      'app://emtesseract/assets',
      'app://other-host/index.html',
    ];
    for (const url of refused) {
      const res = await get(url);
      expect([400, 403, 404], url).toContain(res.status);
      expect(res.headers.get('content-security-policy'), url).toBe(CSP);
      const body = await res.text();
      expect(body, url).not.toContain('secret');
      expect(body, url).not.toContain('evil');
    }
    expect((await get('app://emtesseract/index.html', 'POST')).status).toBe(405);
  });

  it('registers a standard, secure scheme that widens nothing, and handles it', () => {
    const registered: unknown[] = [];
    const handlers = new Map<string, unknown>();
    const protocol = { registerSchemesAsPrivileged: (s: unknown[]) => registered.push(...s), handle: (scheme: string, fn: unknown) => handlers.set(scheme, fn) };
    registerAppScheme(protocol);
    installAppProtocol(protocol, root);
    expect(registered).toEqual([{ scheme: 'app', privileges: APP_SCHEME_PRIVILEGES }]);
    expect(APP_SCHEME_PRIVILEGES).toMatchObject({ standard: true, secure: true, supportFetchAPI: true, bypassCSP: false, corsEnabled: false, allowServiceWorkers: false });
    expect(typeof handlers.get('app')).toBe('function');
  });
});
