import type { ChildProcess, SpawnOptions } from 'node:child_process';
import path from 'node:path';
import { AppError } from '../api/errors.js';
import type { Clock } from '../ports/clock.js';
import { silentLog, type Log } from '../ports/log.js';

/**
 * Running a local `ollama serve` for the user: find the binary on PATH, start
 * it, know whether it is up, stop it.
 *
 * Ready means: `probe()` answers true (give it a health check of the host), or,
 * without a probe, the server printed its "Listening on" line. When a probe
 * already answers before spawning, an Ollama someone else started is running:
 * the state says `external: true` and stop() leaves it alone.
 */
export type SpawnFn = (command: string, args: readonly string[], options: SpawnOptions) => ChildProcess;

export type LocalOllamaStatus = 'not_installed' | 'stopped' | 'starting' | 'running' | 'exited';

export interface LocalOllamaState {
  status: LocalOllamaStatus;
  binary: string | null;
  /** The OLLAMA_HOST the server was told to listen on. */
  host: string;
  pid?: number;
  /** True when the server was already running and not started here. */
  external?: boolean;
  exitCode?: number | null;
  signal?: string | null;
  /** The last lines the server wrote (Ollama logs to stderr). */
  lastLines: string[];
}

export interface LocalOllamaOptions {
  /** Path of the ollama executable, or null when not installed (see detectOllamaBinary). */
  binary: string | null;
  spawn: SpawnFn;
  clock: Clock;
  /** OLLAMA_HOST for the server (default 127.0.0.1:11434). */
  host?: string;
  /** Base environment (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Arguments (default ["serve"]). */
  args?: string[];
  /** Answers true once the server takes requests. */
  probe?: () => Promise<boolean>;
  /** How long start() waits for ready (default 30 s). */
  readyTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL (default 5 s). */
  stopTimeoutMs?: number;
  /** Interval between probes while starting (default 250 ms). */
  probeIntervalMs?: number;
  log?: Log;
}

const KEEP_LINES = 20;
const READY_LINE = /Listening on/i;

/** The `ollama` executable on PATH, or null. */
export function detectOllamaBinary(
  pathEnv: string | undefined,
  exists: (file: string) => boolean,
  platform: NodeJS.Platform = process.platform,
): string | null {
  if (!pathEnv) return null;
  const win = platform === 'win32';
  const sep = win ? ';' : ':';
  const names = win ? ['ollama.exe', 'ollama.cmd', 'ollama'] : ['ollama'];
  const join = win ? path.win32.join : path.posix.join;
  for (const dir of pathEnv.split(sep)) {
    if (!dir) continue;
    for (const name of names) {
      const file = join(dir.replace(/^"(.*)"$/, '$1'), name);
      if (exists(file)) return file;
    }
  }
  return null;
}

export class LocalOllama {
  private status: LocalOllamaStatus;
  private child: ChildProcess | null = null;
  private lines: string[] = [];
  private partial = '';
  private exitInfo: { code: number | null; signal: string | null } | null = null;
  private external = false;
  private stopping = false;
  private readyLineSeen = false;
  private exitWaiters: (() => void)[] = [];
  private readonly log: Log;
  readonly host: string;

  constructor(private readonly opts: LocalOllamaOptions) {
    this.status = opts.binary ? 'stopped' : 'not_installed';
    this.host = opts.host ?? '127.0.0.1:11434';
    this.log = opts.log ?? silentLog;
  }

  state(): LocalOllamaState {
    const s: LocalOllamaState = { status: this.status, binary: this.opts.binary, host: this.host, lastLines: [...this.lines] };
    if (this.child?.pid !== undefined && (this.status === 'starting' || this.status === 'running')) s.pid = this.child.pid;
    if (this.external) s.external = true;
    if (this.exitInfo) {
      s.exitCode = this.exitInfo.code;
      s.signal = this.exitInfo.signal;
    }
    return s;
  }

  /** Starts `ollama serve` and resolves once it is ready. */
  async start(): Promise<LocalOllamaState> {
    const binary = this.opts.binary;
    if (!binary) throw new AppError('not_configured', 'Ollama is not installed: no "ollama" program was found on PATH.');
    if (this.status === 'running' || this.status === 'starting') return this.state();
    if (this.opts.probe && (await this.safeProbe())) {
      this.external = true;
      this.status = 'running';
      return this.state();
    }
    this.external = false;
    this.lines = [];
    this.partial = '';
    this.exitInfo = null;
    this.readyLineSeen = false;
    this.stopping = false;
    this.status = 'starting';
    let child: ChildProcess;
    try {
      child = this.opts.spawn(binary, this.opts.args ?? ['serve'], {
        env: { ...(this.opts.env ?? process.env), OLLAMA_HOST: this.host },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (e) {
      this.status = 'exited';
      throw new AppError('llm_unreachable', `Could not start ${binary}: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => this.child === child && this.take(d));
    child.stderr?.on('data', (d: Buffer) => this.child === child && this.take(d));
    child.on('error', (e) => {
      if (this.child !== child) return;
      this.remember(`spawn error: ${e.message}`);
      this.onExit(child, null, null);
    });
    // 'close' comes after the output pipes drained, so the last lines are in;
    // if a grandchild holds the pipes open, 'exit' plus a short grace will do.
    child.on('close', (code, signal) => this.onExit(child, code, signal));
    child.on('exit', (code, signal) => {
      this.opts.clock.setTimer(500, () => this.onExit(child, code, signal));
    });
    await this.waitReady(child);
    return this.state();
  }

  /** Stops the server started here (SIGTERM, then SIGKILL after stopTimeoutMs). */
  async stop(): Promise<void> {
    if (this.external) {
      this.external = false;
      this.status = this.opts.binary ? 'stopped' : 'not_installed';
      return;
    }
    const child = this.child;
    if (!child || this.status === 'exited' || this.status === 'stopped' || this.status === 'not_installed') return;
    this.stopping = true;
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve));
    child.kill('SIGTERM');
    const cancel = this.opts.clock.setTimer(this.opts.stopTimeoutMs ?? 5_000, () => {
      if (this.child === child && (this.status === 'running' || this.status === 'starting')) child.kill('SIGKILL');
    });
    await exited;
    cancel();
  }

  private async waitReady(child: ChildProcess): Promise<void> {
    const clock = this.opts.clock;
    const deadline = clock.perf() + (this.opts.readyTimeoutMs ?? 30_000);
    const interval = this.opts.probeIntervalMs ?? 250;
    while (this.child === child && this.status === 'starting') {
      const ready = this.opts.probe ? await this.safeProbe() : this.readyLineSeen;
      if (this.child !== child || this.status !== 'starting') break;
      if (ready) {
        this.status = 'running';
        this.log.info('ollama: local server running', { pid: child.pid, host: this.host });
        return;
      }
      if (clock.perf() >= deadline) {
        child.kill('SIGKILL');
        throw new AppError('llm_timeout', `ollama serve did not become ready in time. ${this.tail()}`.trim(), { lastLines: [...this.lines] });
      }
      await clock.sleep(interval);
    }
    if (this.status === 'exited') {
      const code = this.exitInfo?.code;
      throw new AppError('llm_unreachable', `ollama serve exited (code ${code ?? 'none'}) while starting. ${this.tail()}`.trim(), {
        exitCode: code,
        lastLines: [...this.lines],
      });
    }
  }

  private async safeProbe(): Promise<boolean> {
    try {
      return (await this.opts.probe?.()) ?? false;
    } catch {
      return false;
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: string | null): void {
    if (this.child !== child || this.exitInfo) return;
    if (this.partial) this.remember(this.partial);
    this.partial = '';
    this.exitInfo = { code, signal };
    this.status = this.stopping ? 'stopped' : 'exited';
    if (!this.stopping) this.log.warn('ollama: local server exited', { code, signal, lastLines: this.lines.slice(-3) });
    for (const w of this.exitWaiters.splice(0)) w();
  }

  private take(data: Buffer): void {
    const text = this.partial + data.toString('utf8');
    const parts = text.split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    for (const line of parts) if (line.trim()) this.remember(line);
  }

  private remember(line: string): void {
    if (READY_LINE.test(line)) this.readyLineSeen = true;
    this.lines.push(line);
    if (this.lines.length > KEEP_LINES) this.lines.splice(0, this.lines.length - KEEP_LINES);
  }

  private tail(): string {
    return this.lines.slice(-3).join(' | ');
  }
}
