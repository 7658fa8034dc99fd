import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../core/api/errors.js';
import { SystemClock } from '../../../core/ports/clock.js';
import { detectOllamaBinary, LocalOllama, type SpawnFn } from '../../../core/llm/local-ollama.js';

/** A stand-in for `ollama serve`: prints Ollama's "Listening on" log line and stays up until SIGTERM. */
const standIn = `#!${process.execPath}
const mode = process.env.FAKE_OLLAMA_MODE || 'serve';
// before announcing itself, so a stop right after "Listening on" always exits cleanly
process.on('SIGTERM', () => { console.error('shutting down'); process.exit(0); });
if (mode === 'busy') {
  console.error('Error: listen tcp ' + process.env.OLLAMA_HOST + ': bind: address already in use');
  process.exit(1);
}
if (mode !== 'silent') {
  console.error('time=2025-01-01T00:00:00Z level=INFO source=routes.go msg="Listening on ' + process.env.OLLAMA_HOST + ' (version 0.0.0-test)"');
}
if (mode === 'crash') setTimeout(() => { console.error('panic: runner died'); process.exit(2); }, 300);
setInterval(() => {}, 1000);
`;

let dir: string;
let binary: string;
const clock = new SystemClock();
const started: LocalOllama[] = [];

function local(mode: string, extra: Partial<ConstructorParameters<typeof LocalOllama>[0]> = {}): LocalOllama {
  const l = new LocalOllama({
    binary,
    spawn,
    clock,
    host: '127.0.0.1:11999',
    env: { ...process.env, FAKE_OLLAMA_MODE: mode },
    readyTimeoutMs: 5_000,
    probeIntervalMs: 20,
    ...extra,
  });
  started.push(l);
  return l;
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'emt-ollama-'));
  binary = path.join(dir, 'ollama');
  writeFileSync(binary, standIn);
  chmodSync(binary, 0o755);
});

afterEach(async () => {
  for (const l of started.splice(0)) await l.stop();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('detectOllamaBinary', () => {
  it('finds ollama on PATH', () => {
    expect(detectOllamaBinary(`/nonexistent:${dir}:/usr/bin`, existsSync, 'linux')).toBe(binary);
    expect(detectOllamaBinary('/nonexistent', existsSync, 'linux')).toBeNull();
    expect(detectOllamaBinary(undefined, existsSync, 'linux')).toBeNull();
  });

  it('knows Windows paths', () => {
    const seen: string[] = [];
    const found = detectOllamaBinary('C:\\Windows;"C:\\Users\\me\\AppData\\Local\\Programs\\Ollama"', (f) => {
      seen.push(f);
      return f.endsWith('Ollama\\ollama.exe');
    }, 'win32');
    expect(found).toBe('C:\\Users\\me\\AppData\\Local\\Programs\\Ollama\\ollama.exe');
    expect(seen[0]).toBe('C:\\Windows\\ollama.exe');
  });
});

describe('LocalOllama', () => {
  it('is not_installed without a binary', async () => {
    const l = new LocalOllama({ binary: null, spawn, clock });
    expect(l.state().status).toBe('not_installed');
    const err = (await l.start().catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('not_configured');
  });

  it('starts, runs and stops a server', async () => {
    const l = local('serve');
    expect(l.state().status).toBe('stopped');
    const state = await l.start();
    expect(state.status).toBe('running');
    expect(state.pid).toBeGreaterThan(0);
    expect(state.lastLines.join('\n')).toContain('Listening on 127.0.0.1:11999');
    await l.stop();
    expect(l.state().status).toBe('stopped');
    expect(l.state().exitCode).toBe(0);
    expect(l.state().pid).toBeUndefined();
  });

  it('reports a server that exits while starting', async () => {
    const l = local('busy');
    const err = (await l.start().catch((e: unknown) => e)) as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('llm_unreachable');
    expect(err.message).toContain('address already in use');
    const s = l.state();
    expect(s.status).toBe('exited');
    expect(s.exitCode).toBe(1);
  });

  it('notices a crash after start', async () => {
    const l = local('crash');
    await l.start();
    await expect.poll(() => l.state().status, { timeout: 3_000 }).toBe('exited');
    expect(l.state().exitCode).toBe(2);
    expect(l.state().lastLines.at(-1)).toContain('panic: runner died');
  });

  it('waits for the probe when one is given', async () => {
    let calls = 0;
    const l = local('silent', { probe: async () => ++calls >= 4 });
    const s = await l.start();
    expect(s.status).toBe('running');
    expect(s.external).toBeUndefined();
    expect(calls).toBe(4);
  });

  it('times out when the server never becomes ready', async () => {
    const l = local('silent', { readyTimeoutMs: 200 });
    const err = (await l.start().catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('llm_timeout');
    await expect.poll(() => l.state().status).toBe('exited');
  });

  it('uses an Ollama that is already running instead of spawning', async () => {
    const noSpawn: SpawnFn = () => {
      throw new Error('must not spawn');
    };
    const l = new LocalOllama({ binary, spawn: noSpawn, clock, probe: async () => true });
    const s = await l.start();
    expect(s).toMatchObject({ status: 'running', external: true });
    await l.stop();
    expect(l.state().status).toBe('stopped');
  });
});
