/**
 * Scrolling the signal feed in Chromium over the million-event folder, with
 * the office animating beside it: a real `serve` process, the built UI, and a
 * page that scrolls a fixed distance every animation frame while older pages
 * load and far ones leave. Records the frame times (p50, p95), the most rows
 * mounted at once and how far it got.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { build } from 'vite';
import { repoRoot, type BenchEnv } from './harness.ts';
import { percentile, type Figure } from './lib.ts';
import { millionEvents } from './million-events.ts';

const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

interface ScrollRun {
  frames: number[];
  maxMounted: number;
  rowsScrolled: number;
  officeDrawn: number;
}

export async function feedScroll(env: BenchEnv, emit: (f: Figure) => void): Promise<void> {
  const fixture = await millionEvents(env);
  const outDir = await mkdtemp(path.join(os.tmpdir(), 'emt-bench-ui-'));
  try {
    await build({ configFile: path.join(repoRoot, 'renderer/vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    const serve = env.spawnTsx('serve', 'core/cli/serve.ts', ['--port', '0', '--data-dir', fixture.dataDir, '--static', outDir, '--no-heartbeat', '--no-workers', '--log-level', 'warn']);
    const url = /listening on (http:\/\/\S+)/.exec(await serve.waitFor(/listening on http/, 180_000))?.[1];
    if (!url) throw new Error('serve did not say where it listens');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      await page.goto(url);
      await page.waitForFunction((n) => document.querySelector('.feed-panel')?.getAttribute('data-total') === String(n), fixture.events, { timeout: 120_000 });
      await page.waitForFunction(() => document.querySelector('[data-testid=office-canvas]')?.getAttribute('data-drawn') === '6', null, { timeout: 60_000 });
      const frames = env.quick ? 300 : 1200;
      const run = (await page.evaluate(async (count) => {
        const el = document.querySelector('[data-testid=signal-feed]') as HTMLElement;
        const panel = document.querySelector('.feed-panel') as HTMLElement;
        const canvas = document.querySelector('[data-testid=office-canvas]') as HTMLElement;
        const times: number[] = [];
        let maxMounted = 0;
        // About 3,800 px a second: a brisk flick of the wheel, sustained.
        await new Promise<void>((done) => {
          const tick = (t: number): void => {
            times.push(t);
            el.scrollTop += 64;
            maxMounted = Math.max(maxMounted, el.querySelectorAll('[data-testid=feed-row]').length);
            if (times.length > count) done();
            else requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        });
        const frames = times.slice(1).map((t, i) => t - (times[i] as number));
        const rowsScrolled = Number(panel.dataset.start) + Math.floor(el.scrollTop / 96);
        return { frames, maxMounted, rowsScrolled, officeDrawn: Number(canvas.dataset.drawn) };
      }, frames)) as ScrollRun;
      const sorted = [...run.frames].sort((a, b) => a - b);
      const notes = `${run.frames.length} frames scrolling 64 px each over ${fixture.events.toLocaleString('en')} events, the office drawing ${run.officeDrawn} agents at 15 fps beside it; ${run.rowsScrolled.toLocaleString('en')} rows scrolled`;
      emit({ name: 'feed scroll frame time p50 (Chromium, office animating)', value: percentile(sorted, 50), unit: 'ms', target: '≤ 16.7 ms at p95', notes });
      emit({ name: 'feed scroll frame time p95 (Chromium, office animating)', value: percentile(sorted, 95), unit: 'ms', target: '≤ 16.7 ms', notes });
      emit({ name: 'feed rows mounted at most while scrolling', value: run.maxMounted, unit: 'rows', target: '≤ 200', notes });
      emit({ name: 'feed rows scrolled through in the run', value: run.rowsScrolled, unit: 'rows', notes });
    } finally {
      await browser.close();
      await serve.stop(30_000);
    }
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}
