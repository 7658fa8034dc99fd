// Bundles the Electron main process (ESM) and the preload (CommonJS: sandboxed
// preloads cannot be ES modules) into dist-electron/.
// - main: packages stay external but zod (core/cli/bundle-externals.mjs).
// - preload: self-contained (a sandboxed preload may require only "electron").
//   It needs nothing of the contract at run time but the list of call names,
//   so the contract module is swapped for that list, read from the contract
//   itself at build time; zod stays out of the preload.
import { build } from 'esbuild';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundleExternals } from '../core/cli/bundle-externals.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node22',
  sourcemap: true,
  logLevel: 'info',
  legalComments: 'none',
};

async function contractCallNames() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'emt-contract-'));
  const outfile = path.join(dir, 'contract.mjs');
  try {
    await build({ ...common, sourcemap: false, logLevel: 'warning', entryPoints: ['core/api/contract.ts'], outfile, format: 'esm' });
    const { callNames } = await import(pathToFileURL(outfile).href);
    return callNames;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Replaces core/api/contract in the preload with `isCallName` over the contract's own list of names. */
function callNamesOnly(names) {
  return {
    name: 'emt-call-names-only',
    setup(b) {
      b.onResolve({ filter: /core\/api\/contract(\.js)?$/ }, () => ({ path: 'contract-call-names', namespace: 'emt' }));
      b.onLoad({ filter: /.*/, namespace: 'emt' }, () => ({
        contents: `const names = new Set(${JSON.stringify(names)});\nexport function isCallName(name) { return names.has(name); }\n`,
        loader: 'js',
      }));
    },
  };
}

const names = await contractCallNames();
await Promise.all([
  build({
    ...common,
    entryPoints: ['electron/main.ts'],
    outfile: 'dist-electron/main.js',
    format: 'esm',
    external: bundleExternals(root, ['zod'], ['electron']),
  }),
  build({
    ...common,
    entryPoints: ['electron/preload.ts'],
    outfile: 'dist-electron/preload.cjs',
    format: 'cjs',
    external: ['electron'],
    plugins: [callNamesOnly(names)],
  }),
]);
