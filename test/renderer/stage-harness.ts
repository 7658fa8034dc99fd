/**
 * What the stage test runs against: the renderer built by Vite (once per run, see renderer-build), served
 * by the real HTTP transport in front of a real engine on in-memory PGlite, in
 * Debian's Chromium, with every console error and page error collected.
 */
import { chromium, type Browser, type Page } from 'playwright-core';
import { createEngine, type Engine, type EngineOptions } from '../../core/engine.js';
import type { Clock } from '../../core/ports/clock.js';
import { silentLog } from '../../core/ports/log.js';
import { SeededRandom } from '../../core/ports/random.js';
import { startHttpServer, type RunningHttpServer } from '../../core/server/http.js';
import { ShiftedClock } from '../support/shifted-clock.js';
import { openEmptyPglite } from '../support/pglite-template.js';
import { builtRenderer } from './renderer-build.js';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * When every end-to-end run starts, on the engine's clock and on the page's: a fixed instant, so no
 * result depends on the hour the suite runs at (06:05 UTC: the morning standup's slot, which always runs).
 */
export const STAGE_START = '2026-03-02T06:05:00Z';

export interface StageHarness {
  page: Page;
  engine: Engine;
  /** The engine's clock: real time flowing from `startAt`. */
  clock: Clock;
  url(): string;
  /** Console errors and uncaught page errors, other than the expected ones below. */
  problems: string[];
  /** Chromium logs every 4xx reply as a failed resource: the API calls that were refused. */
  refusedCalls: string[];
  /** Stops the HTTP server (refused connections are expected until restart); returns its port. */
  stopServer(): Promise<number>;
  restartServer(port: number): Promise<void>;
  /** A second server in front of the same engine that wants `token`, and fresh pages to visit it (their consoles are not collected). */
  openTokenServer(token: string): Promise<{ url: string; newPage(): Promise<Page> }>;
  close(): Promise<void>;
}

/**
 * What a test may add to the engine: an LLM wiring (or a function of the harness's clock that makes one,
 * so LLM calls are dated on the same clock), first policy values, and the instant time starts from.
 */
export interface StageEngineOptions extends Partial<Pick<EngineOptions, 'initialPolicy' | 'turnGapMs'>> {
  llm?: EngineOptions['llm'] | ((clock: Clock) => EngineOptions['llm']);
  startAt?: string;
  /** The clock itself, when something outside the engine (a test server) must share it; overrides `startAt`. */
  clock?: Clock;
}

export async function openStage(engineOptions: StageEngineOptions = {}): Promise<StageHarness> {
  const { dir: outDir } = await builtRenderer();
  const db = await openEmptyPglite();
  const { llm, startAt = STAGE_START, clock = new ShiftedClock(startAt), ...rest } = engineOptions;
  const wiring = typeof llm === 'function' ? llm(clock) : llm;
  const engine = await createEngine({ db, clock, random: new SeededRandom(42), log: silentLog, location: 'memory', ...rest, ...(wiring ? { llm: wiring } : {}) });
  const serve = (port: number, token?: string): Promise<RunningHttpServer> =>
    startHttpServer({ handlers: engine.handlers, bus: engine.ctx.bus, clock, log: silentLog, host: '127.0.0.1', port, staticDir: outDir, ...(token ? { token } : {}) });
  const extraServers: RunningHttpServer[] = [];
  let server: RunningHttpServer | null = await serve(0);
  await engine.start();

  let browser: Browser | null = null;
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  } catch (err) {
    throw new Error(`Chromium did not start (${CHROMIUM}); install it with: apt-get install -y --no-install-recommends chromium`, { cause: err });
  }
  // The page's time zone is the timezone policy's default (UTC), so "local" hours are the same everywhere.
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'UTC' });
  // The page's clock starts at the same instant and flows in real time; a test may move it (page.clock.setSystemTime).
  await page.clock.install({ time: clock.now() });
  const problems: string[] = [];
  const refusedCalls: string[] = [];
  let serverDown = false;
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = m.location().url;
    if (serverDown && m.text().includes('net::ERR_CONNECTION_REFUSED')) return;
    if (m.text().startsWith('Failed to load resource: the server responded with a status of 4') && url.includes('/api/')) {
      refusedCalls.push(new URL(url).pathname);
    } else {
      problems.push(`console: ${m.text()} (${url})`);
    }
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  await page.goto(server.url);

  return {
    page,
    engine,
    clock,
    problems,
    refusedCalls,
    url: () => server?.url ?? '',
    async stopServer() {
      const port = server?.port ?? 0;
      serverDown = true;
      await server?.close();
      return port;
    },
    async restartServer(port) {
      server = await serve(port);
      // Whatever was refused while it was down has been logged by the time the stream is back.
      setTimeout(() => (serverDown = false), 2000);
    },
    async openTokenServer(token) {
      const extra = await serve(0, token);
      extraServers.push(extra);
      return { url: extra.url, newPage: () => (browser as Browser).newPage({ viewport: { width: 1280, height: 800 } }) };
    },
    async close() {
      await browser?.close();
      for (const s of extraServers) await s.close();
      await server?.close();
      server = null;
      await engine.stop();
      await db.close();
    },
  };
}
