// The checks `npm test` runs before the tests: the three type-checks (`npm run typecheck` runs the
// same one after the other) and lint, side by side (each is one process on one core), every
// output shown in full once its command ends.
// Exits non-zero if any of them fails.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bin = (name) => path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', name);
const checks = [
  ['typecheck (everything)', bin('tsc'), ['-p', 'tsconfig.json', '--noEmit']],
  ['typecheck (core/, alone)', bin('tsc'), ['-p', 'core/tsconfig.json', '--noEmit']],
  ['typecheck (electron/, against Electron’s types)', bin('tsc'), ['-p', 'electron/tsconfig.json', '--noEmit']],
  ['lint', bin('eslint'), ['.']],
];

const results = await Promise.all(
  checks.map(
    ([name, cmd, args]) =>
      new Promise((resolve) => {
        const t0 = performance.now();
        const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.stderr.on('data', (d) => (out += d));
        child.on('close', (code) => {
          const s = ((performance.now() - t0) / 1000).toFixed(1);
          process.stdout.write(`${code === 0 ? '✓' : '✗'} ${name} (${s} s)\n${out}`);
          resolve(code === 0);
        });
      }),
  ),
);
process.exit(results.every(Boolean) ? 0 : 1);
