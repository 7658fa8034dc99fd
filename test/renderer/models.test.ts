/**
 * The Models view end to end: Chromium, the built renderer, a real engine on
 * in-memory PGlite, and the engine's real Ollama client talking to the
 * scripted Ollama-compatible server.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../core/engine.js';
import { ollamaWiring } from '../../core/llm/ollama-wiring.js';
import { silentLog } from '../../core/ports/log.js';
import { dispatchCall } from '../../core/server/dispatch.js';
import { fullModelName, formatBytes, formatContext, pullPercent, sameModel } from '../../renderer/views/models/model-format.js';
import { startOllamaServer, type FakeOllama } from '../support/ollama-server.js';
import { ShiftedClock } from '../support/shifted-clock.js';
import { openStage, STAGE_START, type StageHarness } from './stage-harness.js';

const SCREENSHOT = '/tmp/models.png';
const SCREENSHOT_DOWN = '/tmp/models-unreachable.png';

describe('model formatting', () => {
  it('writes sizes, windows and names the way Ollama does', () => {
    expect(formatBytes(2_019_393_189)).toBe('2.0 GB');
    expect(formatBytes(397_821_319)).toBe('398 MB');
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(Number.NaN)).toBe('—');
    expect(formatContext(131_072)).toBe('128K');
    expect(formatContext(5000)).toBe('5,000');
    expect(formatContext(undefined)).toBe('—');
    expect(fullModelName('llama3.2')).toBe('llama3.2:latest');
    expect(fullModelName('registry.example:5000/team/model')).toBe('registry.example:5000/team/model:latest');
    expect(sameModel('llama3.2', 'llama3.2:latest')).toBe(true);
    expect(sameModel('llama3.2:3b', 'llama3.2:latest')).toBe(false);
    expect(pullPercent({ completed: 50, total: 200 })).toBe(25);
    expect(pullPercent({ percent: 140 })).toBe(100);
    expect(pullPercent({})).toBeNull();
  });
});

describe('models view in Chromium', () => {
  let srv: FakeOllama;
  let stage: StageHarness;
  let page: Page;
  let engine: Engine;

  beforeAll(async () => {
    // Ollama and the app share one wall clock, as on a user's machine.
    const clock = new ShiftedClock(STAGE_START);
    srv = await startOllamaServer({
      now: () => clock.now(),
      models: [
        { name: 'llama3.2:3b', contextLength: 131_072, size: 2_019_393_189 },
        { name: 'qwen2.5:0.5b', contextLength: 32_768, size: 397_821_319, family: 'qwen2', parameterSize: '494.03M' },
        { name: 'phi3:mini', contextLength: 4096, size: 2_176_178_913, family: 'phi3', parameterSize: '3.8B', quantization: 'Q4_0' },
      ],
      // Slow enough to watch and to cancel: about 6 s per pull.
      pullSteps: 30,
      pullStepMs: 200,
    });
    stage = await openStage({
      clock,
      // No PATH: whether this machine has ollama installed must not change the test.
      llm: (clock) => ollamaWiring({ clock, log: silentLog, env: { PATH: '' } }),
      initialPolicy: {
        llm_policy: {
          hosts: [srv.url],
          default_model: 'llama3.2:3b',
          fallback_model: null,
          per_agent: {},
          per_step_kind: {},
          keep_alive: '5m',
          num_ctx: null,
          health_check_seconds: 1,
        },
      },
    });
    ({ page, engine } = stage);
    await page.goto(`${stage.url()}/#/models`);
  });

  afterAll(async () => {
    await stage?.close();
    await srv?.close();
  });

  const modelRow = (name: string) => page.locator(`[data-testid=model-row][data-model="${name}"]`);
  const pullRow = (name: string) => page.locator(`[data-testid=pull-row][data-model="${name}"]`);
  const toasts = () => page.locator('.toast').allInnerTexts();

  async function startPull(name: string): Promise<void> {
    await page.getByLabel('Model to pull').fill(name);
    await page.getByRole('button', { name: 'Pull', exact: true }).click();
  }

  async function progressOf(name: string): Promise<number> {
    return Number((await pullRow(name).getByRole('progressbar').getAttribute('aria-valuenow')) ?? -1);
  }

  it('lists the installed models with their context length, and the host in use', async () => {
    await expect.poll(() => page.locator('.tab.is-active').innerText()).toBe('Models');
    await expect.poll(() => page.getByTestId('model-row').count()).toBe(3);
    expect(await page.getByTestId('model-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-model')))).toEqual([
      'llama3.2:3b',
      'phi3:mini',
      'qwen2.5:0.5b',
    ]);
    expect(await modelRow('llama3.2:3b').getByTestId('model-context').innerText()).toBe('128K');
    expect(await modelRow('qwen2.5:0.5b').getByTestId('model-context').innerText()).toBe('32K');
    expect(await modelRow('phi3:mini').getByTestId('model-context').innerText()).toBe('4K');
    expect(await modelRow('llama3.2:3b').innerText()).toContain('2.0 GB');
    expect(await modelRow('qwen2.5:0.5b').innerText()).toMatch(/qwen2[\s\S]*494\.03M/);
    // The default model is marked, and cannot be made default again.
    expect(await modelRow('llama3.2:3b').getAttribute('data-default')).toBe('true');
    expect(await modelRow('llama3.2:3b').innerText()).toMatch(/default/i);
    expect(await modelRow('llama3.2:3b').getByRole('button', { name: 'Make default' }).count()).toBe(0);

    const host = page.getByTestId('host-row');
    await expect.poll(() => host.getAttribute('data-ok')).toBe('true');
    expect(await host.getAttribute('data-host')).toBe(srv.url);
    expect(await host.innerText()).toMatch(/in use[\s\S]*Reachable · Ollama \d/i);
    expect(await page.getByTestId('llm-banner').count()).toBe(0);

    // The engine can run `ollama serve` here, but there is none installed.
    await expect.poll(() => page.getByTestId('local-ollama').getAttribute('data-status')).toBe('not_installed');
    expect(await page.getByTestId('local-ollama').innerText()).toMatch(/not installed/i);
    expect(await page.getByTestId('local-ollama').getByRole('button', { name: 'Start' }).count()).toBe(0);
  });

  it('shows the model in memory and the usage per day and agent after an LLM call', async () => {
    const llm = engine.llm;
    if (!llm) throw new Error('the engine has no LLM');
    // The team may already be talking (roundtables): count Brain's calls from the engine itself.
    const brainCalls = async (): Promise<number> => {
      const r = (await dispatchCall(engine.handlers, 'llm.usage', { days: 7 })) as { ok: true; value: { agentId: string | null; calls: number }[] };
      return r.value.filter((u) => u.agentId === 'brain').reduce((n, u) => n + u.calls, 0);
    };
    const before = await brainCalls();
    await llm.chat({ agentId: 'brain', purpose: 'chat' }, { messages: [{ role: 'user', content: 'Say something about the quarter.' }] });
    const after = await brainCalls();
    expect(after).toBe(before + 1);

    const running = page.locator('[data-testid=running-row][data-model="llama3.2:3b"]');
    await expect.poll(() => running.count(), { timeout: 15_000 }).toBe(1);
    expect(await running.innerText()).toContain('2.0 GB');
    // keep_alive 5m: it leaves memory in about five minutes.
    expect(await running.getByTestId('running-expires').innerText()).toMatch(/^in [45] ?m/);

    const usage = page.locator('[data-testid=usage-row][data-agent=brain]');
    // Others may call meanwhile: the page catches up with whatever the engine counts by now.
    await expect
      .poll(async () => Number((await usage.locator('td').allInnerTexts())[2]) - (await brainCalls()), { timeout: 15_000 })
      .toBe(0);
    const cells = await usage.locator('td').allInnerTexts();
    expect(cells[1]).toBe('Brain');
    expect(cells[3]).toBe('0');
    expect(Number(cells[4]?.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(Number(cells[5]?.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(await page.getByTestId('llm-usage').innerText()).toMatch(/Total/);
  });

  it('pulls a model with live progress, and Cancel stops it', async () => {
    await startPull('mistral:7b');
    const row = pullRow('mistral:7b');
    await expect.poll(() => row.count()).toBe(1);
    await expect.poll(() => progressOf('mistral:7b'), { timeout: 10_000 }).toBeGreaterThan(0);
    expect(await row.getAttribute('data-status')).toBe('running');
    expect(await row.innerText()).toMatch(/\d+% · [\d.]+ [KMG]?B of 2\.0 GB/);

    await row.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => row.getAttribute('data-status')).toBe('cancelled');
    expect(await row.getByTestId('pull-status').innerText()).toBe('Cancelled');
    await expect.poll(() => srv.stats.pullsCancelled).toBe(1);
    expect(srv.hasModel('mistral:7b')).toBe(false);
    await expect.poll(toasts).toContainEqual(expect.stringContaining('Pull of mistral:7b cancelled'));
    expect(await modelRow('mistral:7b').count()).toBe(0);

    await row.getByRole('button', { name: 'Dismiss mistral:7b' }).click();
    expect(await row.count()).toBe(0);
  });

  it('pulls a model to the end and lists it', async () => {
    await startPull('gemma2:2b');
    const row = pullRow('gemma2:2b');
    await expect.poll(() => progressOf('gemma2:2b'), { timeout: 10_000 }).toBeGreaterThan(30);
    expect(await row.getAttribute('data-status')).toBe('running');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    await expect.poll(() => row.getAttribute('data-status'), { timeout: 20_000 }).toBe('success');
    expect(await row.getByTestId('pull-status').innerText()).toBe('Pulled');
    expect(await progressOf('gemma2:2b')).toBe(100);
    await expect.poll(() => modelRow('gemma2:2b').count()).toBe(1);
    expect(srv.stats.pullsCompleted).toBe(1);
    await expect.poll(toasts).toContainEqual(expect.stringContaining('Pulled gemma2:2b'));
  });

  it("refuses a malformed name with the engine's own sentence", async () => {
    await startPull('not a model!');
    await expect.poll(toasts).toContainEqual(expect.stringMatching(/Could not pull not a model![\s\S]*a model name looks like "llama3.2:3b"/));
    expect(stage.refusedCalls).toContain('/api/ollama.pull');
    expect(await pullRow('not a model!').count()).toBe(0);
    // What was typed stays, to be fixed.
    expect(await page.getByLabel('Model to pull').inputValue()).toBe('not a model!');
    await page.getByLabel('Model to pull').fill('');
  });

  it('makes another model the default in llm_policy', async () => {
    await modelRow('qwen2.5:0.5b').getByRole('button', { name: 'Make default' }).click();
    await expect.poll(() => modelRow('qwen2.5:0.5b').getAttribute('data-default')).toBe('true');
    expect(await modelRow('llama3.2:3b').getAttribute('data-default')).toBe('false');
    const saved = (await dispatchCall(engine.handlers, 'policy.get', { key: 'llm_policy' })) as { ok: true; value: { value: Record<string, unknown> } };
    expect(saved.value.value).toMatchObject({ default_model: 'qwen2.5:0.5b', hosts: [srv.url], keep_alive: '5m', health_check_seconds: 1 });
  });

  it('deletes a model after asking', async () => {
    await modelRow('phi3:mini').getByRole('button', { name: 'Delete phi3:mini' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete model' });
    expect(await dialog.innerText()).toContain('2.2 GB');
    // Keeping it changes nothing.
    await dialog.getByRole('button', { name: 'Keep it' }).click();
    expect(await dialog.count()).toBe(0);
    expect(srv.hasModel('phi3:mini')).toBe(true);

    await modelRow('phi3:mini').getByRole('button', { name: 'Delete phi3:mini' }).click();
    await dialog.getByRole('button', { name: 'Delete phi3:mini' }).click();
    await expect.poll(() => modelRow('phi3:mini').count()).toBe(0);
    expect(await dialog.count()).toBe(0);
    expect(srv.hasModel('phi3:mini')).toBe(false);
    await expect.poll(toasts).toContainEqual(expect.stringContaining('Deleted phi3:mini'));
  });

  it('unloads a running model', async () => {
    const running = page.locator('[data-testid=running-row][data-model="llama3.2:3b"]');
    expect(srv.loaded()).toContain('llama3.2:3b');
    await running.getByRole('button', { name: 'Unload' }).click();
    await expect.poll(() => running.count()).toBe(0);
    expect(srv.loaded()).not.toContain('llama3.2:3b');
    // What else is loaded (the team may be talking on the new default) is what the page lists.
    const listed = () => page.getByTestId('running-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-model')).sort());
    await expect.poll(async () => JSON.stringify(await listed()) === JSON.stringify(srv.loaded().sort()), { timeout: 10_000 }).toBe(true);
  });

  it('says prominently why LLM work is paused when no host answers, and recovers', async () => {
    await srv.refuse();
    const banner = page.getByTestId('llm-banner');
    await expect.poll(() => banner.count(), { timeout: 15_000 }).toBe(1);
    const text = await banner.innerText();
    expect(text).toMatch(/^LLM workers are paused: No Ollama host answers \(/);
    expect(text).toContain(srv.url);
    expect(await banner.getByRole('link', { name: 'Edit hosts in Settings' }).getAttribute('href')).toBe('#/settings/hosts');
    const host = page.getByTestId('host-row');
    await expect.poll(() => host.getAttribute('data-ok')).toBe('false');
    expect(await host.locator('.host-error').innerText()).not.toBe('');
    expect(await page.getByTestId('installed-models').innerText()).toMatch(/Models are listed when a host answers/);
    expect(await page.getByRole('button', { name: 'Pull', exact: true }).isDisabled()).toBe(true);
    // The banner says it; no toast repeats it for each list that could not be read.
    expect(await toasts()).not.toContainEqual(expect.stringContaining('Could not list'));
    await page.screenshot({ path: SCREENSHOT_DOWN, fullPage: true });

    await srv.accept();
    await expect.poll(() => banner.count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => host.getAttribute('data-ok')).toBe('true');
    await expect.poll(() => page.getByTestId('model-row').count(), { timeout: 10_000 }).toBe(3);
  });

  it('explains what Ollama is while no host answers, and its Test button finds a host once it accepts', async () => {
    // A second Ollama for the panel to find, not answering yet.
    const other = await startOllamaServer({ models: [{ name: 'tinyllama:1.1b', size: 637_700_138 }] });
    try {
      await other.refuse();
      await srv.refuse();
      await page.goto(`${stage.url()}/#/models`);
      const panel = page.getByTestId('first-run');
      await expect.poll(() => panel.count(), { timeout: 20_000 }).toBe(1);
      const text = await panel.innerText();
      expect(text).toMatch(/^No Ollama host answers yet/);
      expect(text).toContain('a free program that runs models on your own computer');
      expect(text).toContain('nothing is lost or failed');
      expect(text).toContain('OLLAMA_HOST=0.0.0.0 ollama serve');
      expect(text).toContain('http://192.168.1.20:11434');

      const address = panel.getByLabel('Ollama address');
      const test = panel.getByRole('button', { name: 'Test', exact: true });
      const use = panel.getByRole('button', { name: 'Use this host' });
      // not an address: said in the panel, nothing asked
      await address.fill('http://');
      await test.click();
      await expect.poll(() => panel.locator('.field-error').innerText()).toMatch(/not an address|Write the address/);
      // the host refuses: why, and no way to use it
      await address.fill(other.url.replace(/^http:\/\//, ''));
      await test.click();
      await expect.poll(() => panel.locator('.first-run-result .field-error').count(), { timeout: 15_000 }).toBe(1);
      expect(await panel.locator('.first-run-result').innerText()).toMatch(/ECONNREFUSED|reach/i);
      expect(await use.isDisabled()).toBe(true);
      // it accepts: the same Test says so, and the host can be used
      await other.accept();
      await test.click();
      await expect.poll(() => panel.locator('.text-ok').count(), { timeout: 15_000 }).toBe(1);
      expect(await panel.locator('.text-ok').innerText()).toMatch(/^Ollama [\d.]+ answers, with 1 model\.$/);
      await use.click();
      // the engine tries it first now; LLM work resumes and the panel goes
      await expect.poll(async () => ((await dispatchCall(engine.handlers, 'policy.get', { key: 'llm_policy' })) as { ok: true; value: { value: { hosts: string[] } } }).value.value.hosts).toEqual([other.url, srv.url]);
      await expect.poll(() => panel.count(), { timeout: 20_000 }).toBe(0);
      await expect.poll(() => page.getByTestId('llm-banner').count(), { timeout: 20_000 }).toBe(0);
    } finally {
      await srv.accept();
      await other.close();
    }
  });

  it('logged no errors in the page', () => {
    // Listing calls in flight when the host went away answer 503 (llm_unreachable): Chromium logs those.
    const expected = /status of 503 .*\/api\/ollama\.(models|running)\)$/;
    expect(stage.problems.filter((p) => !expected.test(p))).toEqual([]);
  });
});
