/**
 * The renderer built once and reused: Vite writes it into a folder named for
 * a hash of everything the build reads (renderer/, core/api/, the lock file),
 * so every harness of a run — and the next run, while no source changed —
 * serves the same files instead of building its own copy. The global setup
 * builds it before any test file starts, so two workers never build at once.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, utimes } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** What the bundle is made of: the renderer, the contract it imports, and the exact dependency versions. */
const SOURCES = ['renderer', 'core/api', 'package-lock.json'];
const PREFIX = 'emt-renderer-';
/** Builds older than this (left by earlier source versions) are removed when a new one is made. */
const STALE_MS = 24 * 3600_000;

async function files(rel: string): Promise<string[]> {
  const abs = path.join(root, rel);
  if (!(await stat(abs)).isDirectory()) return [rel];
  const out: string[] = [];
  for (const entry of await readdir(abs, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const child = path.join(rel, entry.name);
    out.push(...(entry.isDirectory() ? await files(child) : [child]));
  }
  return out;
}

/** A hash of every source file's path and bytes, in a fixed order. */
export async function rendererSourceHash(): Promise<string> {
  const h = createHash('sha256');
  // the flavour of the build: a production bundle, as users get (see builtRenderer)
  h.update('production\0');
  const all = (await Promise.all(SOURCES.map(files))).flat().sort();
  for (const rel of all) {
    h.update(rel.split(path.sep).join('/') + '\0');
    h.update(await readFile(path.join(root, rel)));
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}

async function removeStale(keep: string): Promise<void> {
  const tmp = os.tmpdir();
  for (const name of await readdir(tmp)) {
    if (!/^emt-renderer-[0-9a-f]{16}$/.test(name) || name === keep) continue;
    const dir = path.join(tmp, name);
    const s = await stat(dir).catch(() => null);
    if (s && Date.now() - s.mtimeMs > STALE_MS) await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The folder holding the built renderer for the sources as they are now:
 * built on the first call, the same folder afterwards. Never delete it from a
 * test: other files of the run (and other runs) serve it.
 */
export async function builtRenderer(): Promise<{ dir: string; built: boolean; ms: number }> {
  const t0 = performance.now();
  const name = PREFIX + (await rendererSourceHash());
  const dir = path.join(os.tmpdir(), name);
  if (existsSync(path.join(dir, 'index.html'))) {
    // Marked as in use, so no other run takes it for a stale one.
    await utimes(dir, new Date(), new Date()).catch(() => {});
    return { dir, built: false, ms: performance.now() - t0 };
  }
  // Built beside it and renamed into place: a reader never sees half a build.
  const partial = `${dir}.partial-${process.pid}-${Math.round(performance.now())}`;
  await mkdir(partial, { recursive: true });
  try {
    // Imported only to build: loading Vite costs seconds in every test process that merely serves the result.
    const { build } = await import('vite');
    // Vite keeps a NODE_ENV it finds set, and vitest sets it to "test": React's development build
    // (every element made through jsxDEV, with owner stacks) would be what the tests and the
    // benchmarks measure. Users get the production build (`vite build` with NODE_ENV unset).
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({ configFile: path.join(root, 'renderer/vite.config.ts'), mode: 'production', logLevel: 'warn', build: { outDir: partial, emptyOutDir: true } });
    } finally {
      if (nodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = nodeEnv;
    }
    try {
      await rename(partial, dir);
    } catch (err) {
      // Another process finished the same build first: its folder is as good as ours.
      if (!existsSync(path.join(dir, 'index.html'))) throw err;
    }
  } finally {
    await rm(partial, { recursive: true, force: true });
  }
  await removeStale(name).catch(() => {});
  return { dir, built: true, ms: performance.now() - t0 };
}
