import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

export interface ServeProcess {
  url: string;
  child: ChildProcess;
  output: () => string;
  call<T = unknown>(name: string, input?: unknown, token?: string): Promise<{ status: number; body: { ok: boolean; value?: T; error?: { code: string; message: string } } }>;
  stop(): Promise<number | null>;
}

let built: Promise<void> | null = null;

/** What `npm run serve` / `npm run worker` do first: core/cli/build.mjs compiles dist/cli/*.js (only when core/ changed). Once per test process. */
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

export interface CliOptions {
  /** Run the compiled dist/cli/<script>.js with node, as `npm run <script>` does (call buildCli() first), instead of the TypeScript under tsx. */
  compiled?: boolean;
}

/** Starts `core/cli/<script>.ts` as a real process; resolves once it prints `listening on <url>` (or `running`). */
export function startCli(script: 'serve' | 'worker', args: string[], env: NodeJS.ProcessEnv = {}, opts: CliOptions = {}): Promise<ServeProcess> {
  const [cmd, entry] = opts.compiled ? [process.execPath, path.join(root, 'dist', 'cli', `${script}.js`)] : [tsx, path.join(root, 'core', 'cli', `${script}.ts`)];
  const child = spawn(cmd, [entry, ...args], {
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
