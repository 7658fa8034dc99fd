/**
 * `npm start` (electron/launch.mjs) on a copy of the electron package, never
 * the shared node_modules/electron: with the binary missing and its download
 * forced to fail fast it ends with one sentence and a non-zero exit; with a
 * binary in place it launches it.
 */
import { spawn } from 'node:child_process';
import { chmod, cp, mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const launcher = path.join(root, 'electron', 'launch.mjs');

function runLauncher(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [launcher, '--', '--probe'], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('npm start (electron/launch.mjs)', () => {
  let dir = '';
  afterEach(async () => dir && rm(dir, { recursive: true, force: true }));

  /** A copy of the electron package, resolving its installer's dependencies from the shared node_modules. */
  async function electronCopy(): Promise<string> {
    dir = await mkdtemp(path.join(os.tmpdir(), 'emt-launch-'));
    const pkg = path.join(dir, 'electron');
    await cp(path.join(root, 'node_modules', 'electron'), pkg, { recursive: true, filter: (src) => !src.includes(`${path.sep}dist`) && !src.endsWith('path.txt') });
    await symlink(await realpath(path.join(root, 'node_modules')), path.join(dir, 'node_modules'));
    await mkdir(path.join(dir, 'cache'));
    return pkg;
  }

  it('ends with one sentence and a non-zero exit when the binary is missing and cannot be fetched', async () => {
    const pkg = await electronCopy();
    const out = await runLauncher({ EMT_ELECTRON_DIR: pkg, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: path.join(dir, 'cache') });
    expect(out.code).toBe(1);
    const lines = out.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^emtesseract cannot start: Electron \d+\.\d+\.\d+'s binary is not installed and downloading it from http:\/\/127\.0\.0\.1:9\/ failed \(.+\); check your network connection or proxy \(HTTPS_PROXY\), or set ELECTRON_MIRROR to a mirror you can reach, then run npm start again\.$/);
    expect(out.stderr).not.toMatch(/\n\s+at |Error:/);
  });

  it('says so in one sentence when the electron package itself is missing', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'emt-launch-'));
    const out = await runLauncher({ EMT_ELECTRON_DIR: path.join(dir, 'nothing-here') });
    expect(out.code).toBe(1);
    expect(out.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^emtesseract cannot start: the electron package is missing from .*; run npm ci in .* first\.$/)]);
  });

  it('launches the binary when it is in place, with the app folder and the arguments, and passes on its exit code', async () => {
    const pkg = await electronCopy();
    await mkdir(path.join(pkg, 'dist'));
    const fake = path.join(pkg, 'dist', 'electron');
    await writeFile(fake, '#!/bin/sh\necho "launched $PWD $*"\nexit 3\n');
    await chmod(fake, 0o755);
    await writeFile(path.join(pkg, 'path.txt'), 'electron');
    const out = await runLauncher({ EMT_ELECTRON_DIR: pkg, EMT_SKIP_BUILD: '1' });
    expect(out.stdout.trim()).toBe(`launched ${root} . --probe`);
    expect(out.code).toBe(3);
    expect(out.stderr).toBe('');
  });
});
