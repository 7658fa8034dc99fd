import { randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AppError, httpStatus, type ErrorCode } from '../api/errors.js';
import { ARCHIVE_NAME } from '../data/archive-format.js';

/**
 * Where uploads land and which folder downloads come from (null: the route answers "not configured");
 * with backups, also the only folders data.export / data.inspect / data.import may name over HTTP.
 */
export interface DataRouteFolders {
  imports: string | null;
  exports: string | null;
  backups?: string | null;
}

/** Uploads above this are refused (a big company compresses to far less). */
export const MAX_UPLOAD_BYTES = 8 * 1024 ** 3;

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}
function fail(res: ServerResponse, code: ErrorCode, message: string): void {
  send(res, httpStatus(code), { ok: false, error: { code, message } });
}

/**
 * The two file routes of the HTTP transport, for browsers (the desktop app
 * passes paths instead):
 * - PUT|POST /api/data/upload (application/octet-stream): the body is streamed
 *   to <imports>/<uploadId>.emtx; answers { uploadId, bytes } for data.inspect / data.import.
 * - GET /api/data/download/<name>: an archive from <exports>, by its bare file
 *   name only (the export pattern; no paths).
 * Returns false when the path is not one of them.
 */
export async function handleDataRoute(folders: DataRouteFolders | undefined, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
  if (pathname === '/api/data/upload') {
    if (req.method !== 'PUT' && req.method !== 'POST') return fail(res, 'invalid_input', 'Upload an archive with PUT or POST /api/data/upload.'), true;
    if (!folders?.imports) return fail(res, 'not_configured', 'This server keeps no uploads (it runs in memory).'), true;
    if (!(req.headers['content-type'] ?? '').startsWith('application/octet-stream')) {
      return fail(res, 'invalid_input', 'Send the archive as the raw body with "Content-Type: application/octet-stream".'), true;
    }
    const uploadId = randomUUID();
    await mkdir(folders.imports, { recursive: true });
    const file = path.join(folders.imports, `${uploadId}.emtx`);
    const partial = `${file}.partial`;
    let bytes = 0;
    const limit = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        if (bytes > MAX_UPLOAD_BYTES) cb(new AppError('invalid_input', `The upload is larger than ${MAX_UPLOAD_BYTES / 1024 ** 3} GB.`));
        else cb(null, chunk);
      },
    });
    try {
      await pipeline(req, limit, createWriteStream(partial, { mode: 0o600 }));
      await rename(partial, file);
    } catch (err) {
      await rm(partial, { force: true });
      if (err instanceof AppError) fail(res, err.code, err.message);
      else fail(res, 'invalid_input', 'The upload was cut off before it finished.');
      return true;
    }
    send(res, 200, { ok: true, value: { uploadId, bytes } });
    return true;
  }
  const m = /^\/api\/data\/download\/([^/]+)$/.exec(pathname);
  if (m) {
    if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 'invalid_input', 'Download with GET.'), true;
    if (!folders?.exports) return fail(res, 'not_configured', 'This server keeps no exports (it runs in memory).'), true;
    const name = decodeURIComponent(m[1] as string);
    if (!ARCHIVE_NAME.test(name)) return fail(res, 'invalid_input', 'Only exported archives (like 2026-12-02T10-00-00Z-export.emtx) can be downloaded.'), true;
    const file = path.join(folders.exports, name);
    const st = await stat(file).catch(() => null);
    if (!st?.isFile()) return fail(res, 'not_found', `There is no export called ${name}.`), true;
    res.writeHead(200, {
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(st.size),
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') return res.end(), true;
    await pipeline(createReadStream(file), res);
    return true;
  }
  return false;
}
