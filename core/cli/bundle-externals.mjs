// What esbuild leaves to node_modules when it bundles an entry point (dist/cli, the Electron main):
// every package in package.json, with its subpaths, but those named in `bundled`. PGlite must stay
// external (it finds its .wasm beside its own module); zod is bundled, since its ~100 ESM files
// cost ~55 ms of start when node resolves and loads them one by one.
import { readFileSync } from 'node:fs';
import path from 'node:path';

export function bundleExternals(root, bundled = ['zod'], extra = []) {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const names = [...extra, ...Object.keys({ ...pkg.dependencies, ...pkg.devDependencies })];
  return names.filter((n) => !bundled.includes(n)).flatMap((n) => [n, `${n}/*`]);
}
