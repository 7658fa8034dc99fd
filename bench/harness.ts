/**
 * What every benchmark shares: the --quick flag, a throwaway PostgreSQL
 * cluster (started on first use), temp folders and child processes — all
 * removed by cleanup(), which run.ts calls even when a benchmark fails or the
 * run is interrupted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createDatabase, startPostgresCluster, type PostgresCluster } from '../test/support/postgres.ts';

export const repoRoot = path.resolve(import.meta.dirname, '..');
export const tsxBin = path.join(repoRoot, 'node_modules', '.bin', 'tsx');

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * CLOCK_MONOTONIC in milliseconds: one clock for every process on the machine,
 * so timestamps taken in two processes can be subtracted.
 */
export const monoNow = (): number => Number(process.hrtime.bigint()) / 1e6;

/** The node flags an npm script runs its compiled entry point with (`node <flags> dist/cli/<entry>.js`). */
export function scriptNodeFlags(script: string, entry: string): string[] {
  const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const m = new RegExp(`node ((?:--\\S+ )*)dist/cli/${entry}\\.js`).exec(pkg.scripts[script] ?? '');
  if (!m) throw new Error(`package.json scripts.${script} does not run dist/cli/${entry}.js`);
  return m[1]!.trim().split(/\s+/).filter(Boolean);
}

export const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;

/** A child process started by a benchmark: its stdout lines, and a stop that ends its whole process group. */
export interface Child {
  readonly name: string;
  readonly proc: ChildProcess;
  /** Resolves with the first stdout line (already seen or to come) matching `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Every stdout line so far. */
  lines(): readonly string[];
  /** Resolves with the next stdout line from now on matching `re`. */
  next(re: RegExp, timeoutMs?: number): Promise<string>;
  /** Writes one line to the child's stdin. */
  send(line: string): void;
  /** Ends the child: SIGTERM to its process group, SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

export class BenchEnv {
  private cluster: Promise<PostgresCluster> | null = null;
  private readonly children = new Set<Child>();
  private readonly root: string;
  private readonly shared = new Map<string, Promise<unknown>>();
  private cleaned = false;

  constructor(readonly quick: boolean) {
    this.root = mkdtempSync(path.join(os.tmpdir(), 'emt-bench-'));
    // Last resort if the process dies without cleanup(): kill what is left of the
    // children's process groups and remove the temp root (the cluster has its own exit hook).
    process.once('exit', () => {
      for (const c of this.children) {
        try {
          if (c.proc.pid !== undefined && c.proc.exitCode === null) process.kill(-c.proc.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
      rmSync(this.root, { recursive: true, force: true });
    });
  }

  /** The run's PostgreSQL cluster, started on first use. */
  postgres(): Promise<PostgresCluster> {
    this.cluster ??= startPostgresCluster();
    return this.cluster;
  }

  /** A fresh, empty database on the run's cluster. */
  async freshPostgresUrl(): Promise<string> {
    return createDatabase((await this.postgres()).url);
  }

  /** A new folder under the run's temp root (removed at cleanup). */
  tempDir(prefix: string): Promise<string> {
    return mkdtemp(path.join(this.root, prefix));
  }

  /** Builds a fixture once per run and hands the same one to every benchmark that asks. */
  once<T>(key: string, build: () => Promise<T>): Promise<T> {
    let p = this.shared.get(key) as Promise<T> | undefined;
    if (!p) {
      p = build();
      this.shared.set(key, p);
    }
    return p;
  }

  /** Runs `tsx script args…` from the repository root in its own process group. */
  spawnTsx(name: string, script: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Child {
    return this.spawnCommand(name, tsxBin, [script, ...args], opts);
  }

  /** Runs `command args…` from the repository root in its own process group. */
  spawnCommand(name: string, command: string, args: string[], opts: { env?: NodeJS.ProcessEnv } = {}): Child {
    const proc = spawn(command, args, {
      cwd: repoRoot,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, ...opts.env },
    });
    const children = this.children;
    const lines: string[] = [];
    const waiters: { re: RegExp; resolve: (l: string) => void }[] = [];
    let stderr = '';
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    const exitWaiters: (() => void)[] = [];
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      lines.push(line);
      for (const w of [...waiters]) {
        if (w.re.test(line)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(line);
        }
      }
    });
    proc.stderr!.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString()).slice(-4000);
    });
    proc.stdin!.on('error', () => {});
    proc.on('exit', (code, signal) => {
      exited = { code, signal };
      for (const w of exitWaiters.splice(0)) w();
    });
    const child: Child = {
      name,
      proc,
      lines: () => lines,
      waitFor(re, timeoutMs = 60_000) {
        const seen = lines.find((l) => re.test(l));
        if (seen !== undefined) return Promise.resolve(seen);
        return this.next(re, timeoutMs);
      },
      next(re, timeoutMs = 60_000) {
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            reject(new Error(`${name}: no line matching ${re} within ${timeoutMs} ms${exited ? ` (exited ${exited.code ?? exited.signal})` : ''}\n${stderr}`));
          }, timeoutMs);
          const onExit = (): void => {
            clearTimeout(timer);
            reject(new Error(`${name} exited (${exited?.code ?? exited?.signal}) before printing ${re}\n${stderr}`));
          };
          if (exited) return onExit();
          exitWaiters.push(onExit);
          waiters.push({
            re,
            resolve: (l) => {
              clearTimeout(timer);
              exitWaiters.splice(exitWaiters.indexOf(onExit), 1);
              resolve(l);
            },
          });
        });
      },
      send(line) {
        proc.stdin!.write(line + '\n');
      },
      async stop(graceMs = 5000) {
        children.delete(child);
        if (exited || proc.pid === undefined) return;
        const gone = new Promise<void>((r) => exitWaiters.push(r));
        const signal = (s: NodeJS.Signals): void => {
          try {
            process.kill(-proc.pid!, s); // the group: tsx and the node process it runs
          } catch {
            // already gone
          }
        };
        signal('SIGTERM');
        const timer = setTimeout(() => signal('SIGKILL'), graceMs);
        await gone;
        clearTimeout(timer);
        signal('SIGKILL'); // anything of the group still around
      },
    };
    this.children.add(child);
    return child;
  }

  /** Stops every child, the PostgreSQL cluster, and removes the temp root. Safe to call twice. */
  async cleanup(): Promise<void> {
    if (this.cleaned) return;
    this.cleaned = true;
    await Promise.allSettled([...this.children].map((c) => c.stop(2000)));
    if (this.cluster) {
      const cluster = await this.cluster.catch(() => null);
      await cluster?.stop().catch((e: unknown) => console.error('could not stop the PostgreSQL cluster:', e));
    }
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** mulberry32, for repeatable jitter. */
export function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Polls `fn` every `everyMs` until it returns true; throws after `timeoutMs`. */
export async function until(what: string, fn: () => Promise<boolean>, timeoutMs = 120_000, everyMs = 20): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}
