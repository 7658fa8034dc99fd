import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
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
});
