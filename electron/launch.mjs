#!/usr/bin/env node
// `npm start` and `npm run dist`. Install scripts are off (.npmrc ignore-scripts=true), so
// Electron's own installer never ran: this runs it explicitly when the binary is missing, and
// when it cannot fetch the binary says so in one sentence (why, and what to do) instead of a
// stack trace. Then it builds the renderer and the Electron bundles and launches the app
// (or, with --dist, packages it with electron-builder from that same binary).
//
//   node electron/launch.mjs [--dist] [-- electron args]
//   EMT_ELECTRON_DIR  the electron package folder (default node_modules/electron; tests point it at a copy)
//   EMT_SKIP_BUILD=1  launch what is already built
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const electronDir = path.resolve(process.env.EMT_ELECTRON_DIR || path.join(root, 'node_modules', 'electron'));
const args = process.argv.slice(2);
const dist = args.includes('--dist');
const passThrough = args.includes('--') ? args.slice(args.indexOf('--') + 1) : [];

/** Prints one sentence on stderr and exits non-zero. */
function fail(sentence) {
  process.stderr.write(`${sentence}\n`);
  process.exit(1);
}

function electronVersion() {
  try {
    return JSON.parse(readFileSync(path.join(electronDir, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** The binary, when Electron's installer has put it in place (path.txt names it inside dist/). */
function binaryPath() {
  try {
    const rel = readFileSync(path.join(electronDir, 'path.txt'), 'utf8').trim();
    const file = path.join(electronDir, 'dist', rel);
    return rel && existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

/** Runs a command; resolves with its exit code and what it wrote on stderr (kept, not shown, unless asked). */
function run(cmd, cmdArgs, { quiet = false, env = process.env } = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, cmdArgs, { cwd: root, env, stdio: ['ignore', quiet ? 'ignore' : 'inherit', quiet ? 'pipe' : 'inherit'] });
    let stderr = '';
    child.stderr?.on('data', (d) => (stderr += d));
    child.on('error', (err) => resolve({ code: 127, stderr: String(err.message) }));
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), stderr }));
  });
}

/** A few words on why the download failed, from the installer's output (never its stack). */
function downloadFailure(stderr) {
  const known = stderr.match(/\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EACCES|EPERM|ENOSPC|CERT_[A-Z_]+|SELF_SIGNED_CERT_IN_CHAIN)\b/);
  if (known) return known[1];
  const http = stderr.match(/HTTPError[^\n]*?(\d{3})/) || stderr.match(/status(?: code)? (\d{3})/i);
  if (http) return `HTTP ${http[1]}`;
  if (/checksum/i.test(stderr)) return 'the checksum did not match';
  const first = stderr.split('\n').map((l) => l.trim()).find((l) => l && !l.startsWith('at '));
  return first ? first.replace(/^\w*Error:\s*/, '').slice(0, 120) : 'no reason given';
}

async function ensureBinary() {
  const version = electronVersion();
  if (!version) fail(`emtesseract cannot start: the electron package is missing from ${electronDir}; run npm ci in ${root} first.`);
  const existing = binaryPath();
  if (existing) return existing;
  process.stdout.write(`Fetching Electron ${version} (install scripts are off, so this runs once, here)…\n`);
  const installer = await run(process.execPath, [path.join(electronDir, 'install.js')], { quiet: true });
  const installed = binaryPath();
  if (installer.code === 0 && installed) return installed;
  const mirror = process.env.ELECTRON_MIRROR || process.env.npm_config_electron_mirror || 'https://github.com/electron/electron/releases/download/';
  fail(
    `emtesseract cannot start: Electron ${version}'s binary is not installed and downloading it from ${mirror} failed (${downloadFailure(installer.stderr)}); ` +
      'check your network connection or proxy (HTTPS_PROXY), or set ELECTRON_MIRROR to a mirror you can reach, then run npm start again.',
  );
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

async function build() {
  if (process.env.EMT_SKIP_BUILD === '1') return;
  const out = await run(npm, ['run', 'build']);
  if (out.code !== 0) fail('emtesseract cannot start: the build failed (its errors are above); fix them and run npm start again.');
}

const binary = await ensureBinary();
await build();
if (dist) {
  // Package from the binary already here, so electron-builder does not download Electron a second time.
  const out = await run(npm, ['exec', '--', 'electron-builder', '--config', 'electron-builder.yml', `-c.electronDist=${path.join(electronDir, 'dist')}`, ...passThrough]);
  if (out.code !== 0) fail('Packaging failed (electron-builder\'s errors are above); the app itself is built in dist/ and dist-electron/.');
} else {
  const app = spawn(binary, ['.', ...passThrough], { cwd: root, stdio: 'inherit' });
  app.on('error', (err) => fail(`emtesseract cannot start: Electron did not launch (${err.message}).`));
  app.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}
