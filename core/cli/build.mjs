// Builds what `npm run serve`, `worker`, `sim`, `export` and `import` run, only when its sources changed:
// - the UI (Vite → dist/renderer) when renderer/ or core/api/ changed;
// - the headless entry points (esbuild → dist/cli/*.js, packages external), so
//   they run compiled JavaScript instead of compiling TypeScript at start.
// A stamp (a hash of every source's path, size and mtime) beside each output says
// what it was built from. Flags: --cli-only (skip the UI), --force.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleExternals } from './bundle-externals.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const force = process.argv.includes('--force');
const cliOnly = process.argv.includes('--cli-only');

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(p);
    else yield p;
  }
}

function stampOf(sources) {
  const h = createHash('sha256');
  for (const src of sources) {
    const abs = path.join(root, src);
    if (!existsSync(abs)) continue;
    const list = statSync(abs).isDirectory() ? [...files(abs)].sort() : [abs];
    for (const f of list) {
      const st = statSync(f);
      h.update(`${path.relative(root, f)}\0${st.size}\0${st.mtimeMs}\n`);
    }
  }
  return h.digest('hex');
}

function upToDate(stampFile, stamp, outputs) {
  if (force) return false;
  if (!outputs.every((o) => existsSync(path.join(root, o)))) return false;
  try {
    return readFileSync(path.join(root, stampFile), 'utf8').trim() === stamp;
  } catch {
    return false;
  }
}

// The UI
if (!cliOnly) {
  const stamp = stampOf(['renderer', 'core/api', 'package-lock.json']);
  const stampFile = 'dist/renderer/.build-stamp';
  if (!upToDate(stampFile, stamp, ['dist/renderer/index.html'])) {
    const vite = path.join(root, 'node_modules', '.bin', 'vite');
    const r = spawnSync(vite, ['build', '--config', 'renderer/vite.config.ts', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) process.exit(r.status ?? 1);
    writeFileSync(path.join(root, stampFile), stamp + '\n');
  }
}

// The headless entry points. dist/cli/ is two levels below the root, as core/cli/ is,
// so the paths they resolve from their own file (migrations/, dist/renderer/) still hold.
{
  const entries = {
    serve: 'core/cli/serve.ts',
    worker: 'core/cli/worker.ts',
    sim: 'core/cli/sim.ts',
    export: 'core/cli/export.ts',
    import: 'core/cli/import.ts',
    'preview-worker': 'core/sim/preview-worker.ts',
  };
  const stamp = stampOf(['core', 'package-lock.json']);
  const stampFile = 'dist/cli/.build-stamp';
  const outputs = Object.keys(entries).map((n) => `dist/cli/${n}.js`);
  if (!upToDate(stampFile, stamp, outputs)) {
    await build({
      absWorkingDir: root,
      entryPoints: entries,
      outdir: 'dist/cli',
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      external: bundleExternals(root),
      sourcemap: true,
      logLevel: 'warning',
      legalComments: 'none',
    });
    writeFileSync(path.join(root, stampFile), stamp + '\n');
  }
}
