import type { Handlers } from '../api/contract.js';
import { confinedArchiveSource, confinedExportTarget, type ArchiveFolders } from '../data/archive-paths.js';

/**
 * data.export, data.inspect and data.import as the HTTP transport offers them:
 * a path must name a file inside the data folder's exports/, backups/ or
 * imports/ (see archive-paths.ts), or the call is refused before it runs; the
 * handler then gets the file's real path. A server without those folders (in
 * memory) takes no paths at all. The desktop app's IPC keeps full paths.
 */
export function confineDataCalls(handlers: Handlers, folders: Partial<ArchiveFolders> | undefined): Handlers {
  const f: ArchiveFolders = { exports: folders?.exports ?? null, backups: folders?.backups ?? null, imports: folders?.imports ?? null };
  return {
    ...handlers,
    'data.export': async (input) => {
      const target = await confinedExportTarget(f, input.path);
      return handlers['data.export'](target ? { path: target } : {});
    },
    'data.inspect': async (input) => handlers['data.inspect']({ path: await confinedArchiveSource(f, input) }),
    'data.import': async (input) => handlers['data.import']({ path: await confinedArchiveSource(f, input) }),
  };
}
