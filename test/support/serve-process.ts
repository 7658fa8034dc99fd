import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  call<T = unknown>(name: string, input?: unknown, token?: string): Promise<{ status: number; body: { ok: boolean; value?: T; error?: { code: string; message: string } } }>;
  stop(): Promise<number | null>;
}

let built: Promise<void> | null = null;

/**
 * What `npm run serve` / `npm run worker` do first: core/cli/build.mjs compiles dist/cli/*.js (only when
 * core/ changed). The global setup runs it before any test; here it is once per test process again, which
 * then finds it up to date (so a file run on its own still gets a fresh build).
 */
export function buildCli(): Promise<void> {
  built ??= new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'core', 'cli', 'build.mjs'), '--cli-only'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`core/cli/build.mjs exited with ${code}:\n${out}`))));
  });
  return built;
}

/**
 * Starts the compiled dist/cli/<script>.js with node, as `npm run <script>` does, as a real process;
 * resolves once it prints `listening on <url>` (or `running`).
 */
export async function startCli(script: 'serve' | 'worker', args: string[], env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  await buildCli();
  const child = spawn(process.execPath, [path.join(root, 'dist', 'cli', `${script}.js`), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start in time:\n${out}`)), 60_000);
    const onData = (d: Buffer): void => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out) ?? (/emtesseract worker .* running/.exec(out) ? ['', ''] : null);
      if (!m) return;
      clearTimeout(timer);
      const url = m[1] ?? '';
      resolve({
        url,
        child,
        output: () => out,
        async call(name, input = {}, token) {
          const res = await fetch(`${url}/api/${name}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
            body: JSON.stringify(input),
          });
          return { status: res.status, body: (await res.json()) as never };
        },
        stop: () =>
          new Promise((r) => {
            if (child.exitCode !== null) return r(child.exitCode);
            child.once('exit', (code) => r(code));
            child.kill('SIGTERM');
          }),
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with ${code}:\n${out}`));
    });
  });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the compiled dist/cli/<script>.js to its end, as `npm run <script>` does, as a real process. */
export async function runCli(script: 'export' | 'import' | 'sim', args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 120_000): Promise<CliRun> {
  await buildCli();
  const child = spawn(process.execPath, [path.join(root, 'dist', 'cli', `${script}.js`), ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} did not finish in ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    // 'close': the process ended and its output is all read
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
