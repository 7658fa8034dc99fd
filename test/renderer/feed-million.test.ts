/**
 * The signal feed against a million events, in Chromium, served by a real
 * `serve` process on a PGlite folder seeded with SQL (kept between runs, a
 * fresh copy each time: feed-fixture.ts): the true total, the newest and the
 * oldest event reachable (jump and scroll), a date jump, at most 200 rows
 * mounted, memory bounded while scrolling through 50,000 rows, and live
 * arrivals that do not move what the reader is looking at.
 */
import { rm } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli, type ServeProcess } from '../support/serve-process.ts';
import { feedFolder } from './feed-fixture.ts';
import { builtRenderer } from './renderer-build.ts';
import { CHROMIUM, CHROMIUM_ARGS } from './stage-harness.ts';

/** A million by default; EMT_FEED_EVENTS=100000 gives a quicker look at the same behaviour on a busy machine. */
const EVENTS = Number(process.env.EMT_FEED_EVENTS ?? 1_000_000);
const fmt = (n: number) => n.toLocaleString('en');

describe('signal feed with a million events', () => {
  let dataDir = '';
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    // One INSERT … SELECT generate_series the first time (minutes on these machines), a copy of the kept folder after that.
    const [folder, ui] = await Promise.all([feedFolder(EVENTS), builtRenderer()]);
    dataDir = folder.dataDir;
    console.log(`feed fixture: ${fmt(EVENTS)} events, ${folder.seeded ? `seeded in ${(folder.seedMs / 1000).toFixed(1)} s, ` : ''}copied in ${(folder.copyMs / 1000).toFixed(1)} s`);
    serve = await startCli('serve', ['--port', '0', '--data-dir', dataDir, '--static', ui.dir, '--no-heartbeat', '--no-workers', '--log-level', 'warn']);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, timezoneId: 'UTC' });
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    await page.goto(serve.url);
  }, 900_000);

  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const feed = () => page.getByTestId('signal-feed');
  const mountedRows = () => page.getByTestId('feed-row').count();
  const firstTitle = () => page.locator('[data-testid=feed-row] .feed-title').first().innerText();
  const position = () => page.getByTestId('feed-position').innerText();
  /** No page is loading, and none is asked for a moment later (two frames). */
  const idle = () =>
    page.evaluate(async () => {
      const panel = document.querySelector('.feed-panel') as HTMLElement;
      const frame = () => new Promise((r) => requestAnimationFrame(r));
      await frame();
      await frame();
      return panel.dataset.busy === 'false';
    });
  /** The first row the reader sees at the top of the feed: its title and time. */
  const rowInView = () =>
    page.evaluate(() => {
      const el = document.querySelector('[data-testid=signal-feed]') as HTMLElement;
      const top = el.getBoundingClientRect().top;
      const rows = [...el.querySelectorAll('[data-testid=feed-row]')].filter((r) => r.getBoundingClientRect().bottom > top + 4);
      rows.sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top);
      const row = rows[0];
      return row ? { title: row.querySelector('.feed-title')?.textContent ?? '', at: row.querySelector('time')?.getAttribute('datetime') ?? '' } : null;
    });

  it('shows the true total and the newest event first, with few rows mounted', async () => {
    await expect.poll(() => page.locator('.feed-panel').getAttribute('data-total'), { timeout: 60_000 }).toBe(String(EVENTS));
    expect(await position()).toBe(`1 of ${EVENTS.toLocaleString('en')}`);
    expect(await firstTitle()).toMatch(new RegExp(`^Event ${EVENTS} about `));
    const n = await mountedRows();
    expect(n).toBeGreaterThan(5);
    expect(n).toBeLessThanOrEqual(200);
  });

  it('jumps to the oldest event, and scrolls up from it', async () => {
    await page.getByRole('button', { name: 'Oldest' }).click();
    await expect.poll(() => page.getByTestId('feed-end').innerText(), { timeout: 30_000 }).toBe('That is the first signal.');
    await expect.poll(() => page.locator('[data-testid=feed-row] .feed-title', { hasText: /^Event 1 about / }).count()).toBe(1);
    // Once the newer page the jump asked for has joined above, nothing more loads and the reader is still at the oldest.
    await expect.poll(() => page.locator('.feed-panel').getAttribute('data-start'), { timeout: 30_000 }).toBe(String(EVENTS - 400));
    await expect.poll(() => idle(), { timeout: 30_000 }).toBe(true);
    const oldestAt = Number((await position()).replace(/,/g, '').split(' ')[0]);
    expect(oldestAt).toBeGreaterThan(EVENTS - 20);
    expect(await position()).toMatch(new RegExp(` of ${fmt(EVENTS)}$`));
    // Scrolling up loads newer pages above without moving the rows in view.
    const before = await page.locator('[data-testid=feed-row] .feed-title').last().innerText();
    await feed().evaluate((el) => (el.scrollTop = 0));
    await expect.poll(() => page.locator('.feed-panel').getAttribute('data-start'), { timeout: 30_000 }).not.toBe(String(EVENTS - 100));
    expect(await page.locator('[data-testid=feed-row] .feed-title', { hasText: before }).count()).toBeLessThanOrEqual(1);
    expect(await mountedRows()).toBeLessThanOrEqual(200);
  });

  it('jumps to a date', async () => {
    // Half a year before the newest event (the kept folder's dates are those of the day it was seeded).
    await page.getByRole('button', { name: 'Newest' }).click();
    await expect.poll(() => position(), { timeout: 30_000 }).toBe(`1 of ${fmt(EVENTS)}`);
    const newest = Date.parse((await page.locator('[data-testid=feed-row] time').first().getAttribute('datetime')) ?? '');
    const day = new Date(newest - 180 * 86_400_000).toISOString().slice(0, 10);
    await page.getByLabel('Jump to date').fill(day);
    // The first row the reader sees is the last event of that day, and stays so while newer pages load above it.
    await expect.poll(() => rowInView().then((r) => r?.at.slice(0, 10)), { timeout: 30_000 }).toBe(day);
    await expect.poll(() => page.locator('.feed-panel').getAttribute('data-above').then(Number), { timeout: 30_000 }).toBeGreaterThan(0);
    await expect.poll(() => idle(), { timeout: 30_000 }).toBe(true);
    const seen = await rowInView();
    expect(seen?.at.slice(0, 10)).toBe(day);
    const start = Number(await page.locator('.feed-panel').getAttribute('data-start'));
    // About half a year back of a year of events.
    expect(start).toBeGreaterThan(EVENTS * 0.45);
    expect(start).toBeLessThan(EVENTS * 0.55);
    expect(Number((await position()).replace(/,/g, '').split(' ')[0])).toBeGreaterThan(start);
  });

  it('scrolls through 50,000 rows with at most 200 mounted and bounded memory', async () => {
    await page.getByRole('button', { name: 'Newest' }).click();
    await expect.poll(() => position(), { timeout: 30_000 }).toBe(`1 of ${fmt(EVENTS)}`);
    const cdp = await page.context().newCDPSession(page);
    const heap = async (): Promise<number> => {
      await cdp.send('HeapProfiler.collectGarbage');
      return ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize;
    };
    // Drag to the bottom of the window again and again, as fast as pages come: each time an older page
    // joins below and far pages leave above, and the reader stays where the older page begins.
    const scrollTo = (rows: number) =>
      page.evaluate(async (target) => {
        const el = document.querySelector('[data-testid=signal-feed]') as HTMLElement;
        const panel = document.querySelector('.feed-panel') as HTMLElement;
        const frame = () => new Promise((r) => requestAnimationFrame(r));
        let maxMounted = 0;
        let maxHeight = 0;
        let frames = 0;
        const t0 = performance.now();
        while (performance.now() - t0 < 150_000) {
          const start = Number(panel.dataset.start);
          const row = start + Math.floor(el.scrollTop / 96);
          if (row >= target) break;
          el.scrollTop = el.scrollHeight;
          await frame();
          frames++;
          maxMounted = Math.max(maxMounted, el.querySelectorAll('[data-testid=feed-row]').length);
          maxHeight = Math.max(maxHeight, el.scrollHeight);
        }
        return { maxMounted, maxHeight, frames, ms: performance.now() - t0 };
      }, rows);
    const early = await scrollTo(5_000);
    const heapEarly = await heap();
    const late = await scrollTo(50_000);
    const heapLate = await heap();
    console.log(`scrolled 45,000 rows in ${(late.ms / 1000).toFixed(1)} s (${late.frames} frames), at most ${Math.max(early.maxMounted, late.maxMounted)} rows mounted, heap ${((heapLate - heapEarly) / 1048576).toFixed(1)} MB apart`);
    expect(await position()).toMatch(new RegExp(`^5\\d,\\d{3} of ${fmt(EVENTS)}$`));
    expect(Math.max(early.maxMounted, late.maxMounted)).toBeLessThanOrEqual(200);
    // The scroll space is the window of pages: at most 600 rows tall, far below Chromium's limit.
    expect(late.maxHeight).toBeLessThanOrEqual(600 * 96 + 200);
    // 45,000 more rows seen, memory about where it was (a few MB of slack for the JIT and caches).
    expect(heapLate - heapEarly).toBeLessThan(8 * 1024 * 1024);
    // Every row in view is in order, newest first.
    const ids = await page.locator('[data-testid=feed-row] .feed-title').allInnerTexts();
    const nums = ids.map((t) => Number(/Event (\d+)/.exec(t)?.[1]));
    expect(nums).toEqual([...nums].sort((a, b) => b - a));
  }, 240_000);

  it('keeps what the reader sees in place when new events arrive, and counts them in a pill', async () => {
    await page.getByRole('button', { name: 'Newest' }).click();
    await expect.poll(() => position(), { timeout: 30_000 }).toBe(`1 of ${fmt(EVENTS)}`);
    await feed().evaluate((el) => (el.scrollTop = 96 * 20));
    await expect.poll(() => position(), { timeout: 10_000 }).toBe(`21 of ${fmt(EVENTS)}`);
    const reading = await page.evaluate(() => {
      const el = document.querySelector('[data-testid=signal-feed]') as HTMLElement;
      const top = el.getBoundingClientRect().top;
      const row = [...el.querySelectorAll('[data-testid=feed-row]')].find((r) => r.getBoundingClientRect().bottom > top + 4) as HTMLElement;
      return { title: row.querySelector('.feed-title')?.textContent, y: row.getBoundingClientRect().top };
    });
    const r = await serve.call('proposals.create', { agentId: 'brain', title: 'Look at the numbers', steps: [{ kind: 'wait', payload: { seconds: 1 } }] });
    expect(r.body.ok).toBe(true);
    await expect.poll(() => page.getByTestId('feed-new-pill').innerText(), { timeout: 15_000 }).toMatch(/^↑ \d+ new$/);
    const after = await page.evaluate((title) => {
      const row = [...document.querySelectorAll('[data-testid=feed-row]')].find((x) => x.querySelector('.feed-title')?.textContent === title) as HTMLElement;
      return row.getBoundingClientRect().top;
    }, reading.title);
    expect(Math.abs(after - reading.y)).toBeLessThan(2);
    expect(Number(await page.locator('.feed-panel').getAttribute('data-total'))).toBeGreaterThan(EVENTS);
    await page.getByTestId('feed-new-pill').click();
    await expect.poll(() => feed().evaluate((el) => el.scrollTop)).toBe(0);
    expect(await firstTitle()).not.toMatch(new RegExp(`^Event ${EVENTS} about `));
    expect(problems).toEqual([]);
  });
});
