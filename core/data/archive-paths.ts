import { lstat, mkdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import { ARCHIVE_EXT } from './archive-format.js';

/**
 * Which files an archive call may touch when the caller is not trusted with
 * the machine's file system (the HTTP transport: any local process can reach
 * a loopback server): only files inside the data folder's exports/, backups/
 * and imports/ folders, named by their bare file name or by an absolute path
 * that really is inside one of them (symbolic links followed, so a link out
 * of the folder is refused). The desktop app passes paths from the system's
 * file dialogs and is not confined.
 */
export interface ArchiveFolders {
  exports: string | null;
  backups: string | null;
  imports: string | null;
}

const READ_FROM = "Over HTTP, archives are read only from this server's data folder (an upload, or a file in its imports/, exports/ or backups/ folder, named by its file name)";
const WRITE_TO = "Over HTTP, exports are written only into this server's data folder (its exports/ folder, named by file name, like company.emtx)";

function outside(rule: string, p: string, nothing: 'read' | 'written'): AppError {
  return new AppError('invalid_input', `${rule}; "${p}" is outside it, so it was refused and nothing was ${nothing}.`, { problem: 'outside_data_folder' });
}

/** A file name and nothing else: no separator, not "." or "..", no control characters. */
function bareName(p: string): boolean {
  // eslint-disable-next-line no-control-regex
  return !/[/\\\u0000-\u001f]/.test(p) && p !== '.' && p !== '..';
}

/** `child` is `dir` itself or below it (compared as resolved paths, with a separator: /data/exports2 is not inside /data/exports). */
function within(child: string, dir: string): boolean {
  const rel = path.relative(dir, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function realOrNull(p: string): Promise<string | null> {
  return realpath(p).catch(() => null);
}

/** The real path of an archive to read, refused unless it is really inside one of `folders`. */
async function confinedFile(candidate: string, folders: string[], refuse: () => AppError, missing: string): Promise<string> {
  if (!folders.some((d) => within(candidate, d))) throw refuse();
  const real = await realOrNull(candidate);
  if (!real) throw new AppError('not_found', missing);
  for (const d of folders) {
    const realDir = await realOrNull(d);
    if (realDir && within(real, realDir) && real !== realDir) return real;
  }
  throw refuse();
}

/** data.inspect / data.import over HTTP: an upload id, or an archive in imports/, exports/ or backups/. */
export async function confinedArchiveSource(f: ArchiveFolders, src: { path: string } | { uploadId: string }): Promise<string> {
  const dirs = [f.imports, f.exports, f.backups].filter((d): d is string => d !== null).map((d) => path.resolve(d));
  if ('uploadId' in src) {
    if (!f.imports) throw new AppError('not_configured', 'This server keeps no uploads (it runs in memory).');
    const imports = path.resolve(f.imports);
    return confinedFile(path.join(imports, `${src.uploadId}${ARCHIVE_EXT}`), [imports], () => outside(READ_FROM, src.uploadId, 'read'), `There is no upload ${src.uploadId}; upload the archive again.`);
  }
  const p = src.path;
  if (!dirs.length) throw new AppError('not_configured', 'This server keeps no archive folders (it runs in memory), so it reads no archive by name.');
  const refuse = (): AppError => outside(READ_FROM, p, 'read');
  if (bareName(p)) {
    const missing = `There is no archive called ${p} in the imports/, exports/ or backups/ folder.`;
    for (const d of dirs) {
      if (await lstat(path.join(d, p)).catch(() => null)) return confinedFile(path.join(d, p), dirs, refuse, missing);
    }
    throw new AppError('not_found', missing);
  }
  if (!path.isAbsolute(p)) throw refuse();
  return confinedFile(path.resolve(p), dirs, refuse, `There is no archive at ${p}.`);
}

/** data.export over HTTP: undefined (a new name in exports/), or a file name (or absolute path) directly in exports/, ending in .emtx. */
export async function confinedExportTarget(f: ArchiveFolders, p: string | undefined): Promise<string | undefined> {
  if (!f.exports) throw new AppError('not_configured', 'This server keeps no exports folder (it runs in memory), so it writes no archive.');
  if (p === undefined) return undefined;
  const exportsDir = path.resolve(f.exports);
  const refuse = (): AppError => outside(WRITE_TO, p, 'written');
  const target = bareName(p) ? path.join(exportsDir, p) : path.isAbsolute(p) ? path.resolve(p) : null;
  if (!target || path.dirname(target) !== exportsDir) throw refuse();
  if (!target.endsWith(ARCHIVE_EXT)) throw new AppError('invalid_input', `An export's file name ends in ${ARCHIVE_EXT}, like company${ARCHIVE_EXT}.`);
  await mkdir(exportsDir, { recursive: true });
  const realDir = await realOrNull(exportsDir);
  if (!realDir) throw refuse();
  const existing = await lstat(target).catch(() => null);
  if (existing && !existing.isFile()) throw refuse(); // a link, a folder: never written through
  return path.join(realDir, path.basename(target));
}
