import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type ServeProcess } from '../../support/serve-process.ts';

let dir: string;
let serve: ServeProcess;
const TOKEN = 'data-routes-token';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'emt-http-data-'));
  serve = await startCli('serve', ['--port', '0', '--data-dir', path.join(dir, 'data'), '--log-level', 'warn', '--no-workers', '--no-heartbeat', '--token', TOKEN]);
}, 120_000);
afterAll(async () => {
  await serve?.stop();
  await rm(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${TOKEN}` };

async function upload(body: Buffer): Promise<{ status: number; json: { ok: boolean; value?: { uploadId: string; bytes: number }; error?: { message: string } } }> {
  const res = await fetch(`${serve.url}/api/data/upload`, { method: 'PUT', headers: { ...auth, 'content-type': 'application/octet-stream' }, body: new Uint8Array(body) });
  return { status: res.status, json: (await res.json()) as never };
}

describe('data over HTTP (a real serve)', () => {
  it('exports, downloads, uploads and imports the archive back; junk is refused and the server keeps answering', async () => {
    const before = await serve.call<{ length: number }>('events.page', { limit: 5 }, TOKEN);
    expect(before.status).toBe(200);
    const exp = await serve.call<{ file: string; bytes: number; manifest: { tables: { name: string; rows: number; sha256: string }[] } }>('data.export', {}, TOKEN);
    expect(exp.status).toBe(200);
    const name = path.basename(exp.body.value!.file);

    // the download route serves exports by bare name only, with the token
    expect((await fetch(`${serve.url}/api/data/download/${name}`)).status).toBe(401);
    const dl = await fetch(`${serve.url}/api/data/download/${name}`, { headers: auth });
    expect(dl.status).toBe(200);
    const bytes = Buffer.from(await dl.arrayBuffer());
    expect(bytes.equals(readFileSync(exp.body.value!.file))).toBe(true);
    expect((await fetch(`${serve.url}/api/data/download/..%2Fdb.lock`, { headers: auth })).status).toBe(400);

    const up = await upload(bytes);
    expect(up.status).toBe(200);
    expect(up.json.value!.bytes).toBe(bytes.length);
    const inspect = await serve.call<{ manifest: { tables: unknown[] }; compatible: boolean }>('data.inspect', { uploadId: up.json.value!.uploadId }, TOKEN);
    expect(inspect.body.value?.compatible).toBe(true);
    expect(inspect.body.value?.manifest.tables).toEqual(exp.body.value!.manifest.tables);
    const imp = await serve.call<{ manifest: { tables: unknown[] }; backup: { reason: string } }>('data.import', { uploadId: up.json.value!.uploadId }, TOKEN);
    expect(imp.status, JSON.stringify(imp.body)).toBe(200);
    expect(imp.body.value!.manifest.tables).toEqual(exp.body.value!.manifest.tables);
    expect(imp.body.value!.backup.reason).toBe('before_import');
    // after the import the database exports again with the same rows
    const again = await serve.call<{ manifest: { tables: unknown[] } }>('data.export', {}, TOKEN);
    expect(again.body.value!.manifest.tables).toEqual(exp.body.value!.manifest.tables);
    // (a refused call below is recorded as an event, so it comes after this comparison)

    const junk = await upload(randomBytes(10_000));
    const refused = await serve.call('data.import', { uploadId: junk.json.value!.uploadId }, TOKEN);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/not an emtesseract archive/) });
    const status = await serve.call<{ database: { kind: string } }>('runtime.status', {}, TOKEN);
    expect(status.status).toBe(200);
    expect(status.body.value?.database.kind).toBe('pglite');
  }, 180_000);

  it('reads and writes archives only inside the data folder: other paths, ../ tricks and links out are refused, recorded, and nothing is read or written', async () => {
    const data = path.join(dir, 'data');
    const exports = path.join(data, 'exports');
    const outside = path.join(dir, 'outside');
    await mkdir(outside, { recursive: true });
    // a real archive outside the data folder (a copy of an export): readable if the confinement failed
    const exp = await serve.call<{ file: string }>('data.export', {}, TOKEN);
    expect(exp.status).toBe(200);
    const stray = path.join(outside, 'stray.emtx');
    await copyFile(exp.body.value!.file, stray);
    const victim = path.join(outside, 'victim.emtx');
    await writeFile(victim, 'not yours to overwrite');
    await mkdir(path.join(data, 'imports'), { recursive: true });
    await symlink(stray, path.join(data, 'imports', 'link.emtx'));
    await symlink(stray, path.join(data, 'imports', 'linked-upload.emtx'));
    await symlink(outside, path.join(exports, 'elsewhere'));
    await symlink(victim, path.join(exports, 'victim-link.emtx'));
    const before = await serve.call<{ items: { kind: string }[] }>('events.page', { limit: 500, kind: 'input_rejected' }, TOKEN);
    const rejectedBefore = before.body.value!.items.length;

    const refusedReads: unknown[] = [
      { path: '/etc/passwd' },
      { path: stray },
      { path: '../outside/stray.emtx' },
      { path: `${exports}/../../outside/stray.emtx` },
      { path: 'link.emtx' },
      { path: path.join(data, 'imports', 'link.emtx') },
      { path: path.join(exports, 'elsewhere', 'stray.emtx') },
      { uploadId: 'linked-upload' },
    ];
    for (const input of refusedReads) {
      for (const call of ['data.inspect', 'data.import']) {
        const r = await serve.call(call, input, TOKEN);
        expect(r.status, `${call} ${JSON.stringify(input)}`).toBe(400);
        expect(r.body.error?.message, `${call} ${JSON.stringify(input)}`).toMatch(
          /^Over HTTP, archives are read only from this server's data folder \(an upload, or a file in its imports\/, exports\/ or backups\/ folder, named by its file name\); ".*" is outside it, so it was refused and nothing was read\.$/,
        );
      }
    }
    const refusedWrites = [victim, path.join(outside, 'new.emtx'), '../outside/new.emtx', `${exports}/../../outside/new.emtx`, path.join(exports, 'elsewhere', 'new.emtx'), 'victim-link.emtx'];
    for (const target of refusedWrites) {
      const r = await serve.call('data.export', { path: target }, TOKEN);
      expect(r.status, target).toBe(400);
      expect(r.body.error?.message, target).toMatch(/^Over HTTP, exports are written only into this server's data folder \(its exports\/ folder, named by file name, like company\.emtx\); ".*" is outside it, so it was refused and nothing was written\.$/);
    }
    expect(readFileSync(victim, 'utf8')).toBe('not yours to overwrite');
    expect(readdirSync(outside).sort()).toEqual(['stray.emtx', 'victim.emtx']);

    // each refusal is an input_rejected event with its sentence
    const after = await serve.call<{ items: { kind: string; summary: string; payload: { call: string } }[] }>('events.page', { limit: 500, kind: 'input_rejected' }, TOKEN);
    const fresh = after.body.value!.items.slice(0, after.body.value!.items.length - rejectedBefore);
    expect(fresh.filter((e) => e.payload.call === 'data.export').length).toBeGreaterThanOrEqual(refusedWrites.length);
    expect(fresh.some((e) => e.payload.call === 'data.inspect' && e.summary.includes('/etc/passwd'))).toBe(true);

    // what stays allowed: a name in exports/ (read by name or by its path) and a new export by name
    const name = path.basename(exp.body.value!.file);
    expect((await serve.call('data.inspect', { path: name }, TOKEN)).status).toBe(200);
    expect((await serve.call('data.inspect', { path: exp.body.value!.file }, TOKEN)).status).toBe(200);
    const named = await serve.call<{ file: string }>('data.export', { path: 'quarter-close.emtx' }, TOKEN);
    expect(named.status).toBe(200);
    expect(named.body.value!.file).toBe(path.join(exports, 'quarter-close.emtx'));
    expect(statSync(named.body.value!.file).size).toBeGreaterThan(100);
    expect(existsSync(path.join(outside, 'quarter-close.emtx'))).toBe(false);
  }, 180_000);
});
