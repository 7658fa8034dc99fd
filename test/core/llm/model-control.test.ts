import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../core/api/errors.js';
import { SystemClock } from '../../../core/ports/clock.js';
import { OllamaModelControl, type PullProgress } from '../../../core/llm/model-control.js';
import { OllamaLlm } from '../../../core/llm/ollama.js';
import { startOllamaServer, type FakeOllama } from '../../support/ollama-server.js';

let srv: FakeOllama;
let control: OllamaModelControl;
const clock = new SystemClock();

beforeEach(async () => {
  srv = await startOllamaServer({
    version: '0.12.6',
    models: [
      { name: 'llama3.2:3b', size: 2_019_393_189, family: 'llama', parameterSize: '3.2B', quantization: 'Q4_K_M', contextLength: 131072 },
      { name: 'qwen3', family: 'qwen3', parameterSize: '8.2B', quantization: 'Q4_K_M', contextLength: 40960, numCtx: 8192 },
    ],
    remote: [{ name: 'gemma3:1b', size: 815_319_791, family: 'gemma3', contextLength: 32768 }],
    pullSteps: 5,
    pullStepMs: 30,
  });
  control = new OllamaModelControl({ clock, hosts: [srv.url] });
});

afterEach(async () => {
  await srv.close();
});

describe('OllamaModelControl', () => {
  it('defaults to the local host', () => {
    expect(new OllamaModelControl({ clock }).hosts).toEqual(['http://127.0.0.1:11434']);
  });

  it('health and version', async () => {
    expect(await control.health(srv.url)).toEqual({ host: srv.url, ok: true, version: '0.12.6' });
    expect(await control.version(srv.url)).toBe('0.12.6');
    await srv.refuse();
    const down = await control.health(srv.url);
    expect(down.ok).toBe(false);
    expect(down.error?.code).toBe('llm_unreachable');
  });

  it('lists models with their context length', async () => {
    const models = await control.listModels(srv.url);
    expect(models).toHaveLength(2);
    expect(models[0]).toEqual({
      name: 'llama3.2:3b',
      size: 2_019_393_189,
      family: 'llama',
      quantization: 'Q4_K_M',
      parameterSize: '3.2B',
      contextLength: 131072,
      modifiedAt: '2025-01-01T00:00:00.000000000Z',
    });
    expect(models[1]?.name).toBe('qwen3:latest');
    expect(models[1]?.contextLength).toBe(40960);
  });

  it('shows a model', async () => {
    const d = await control.show(srv.url, 'qwen3');
    expect(d).toMatchObject({ name: 'qwen3', family: 'qwen3', parameterSize: '8.2B', contextLength: 40960, defaultNumCtx: 8192, capabilities: ['completion'] });
    const err = (await control.show(srv.url, 'nope:1b').catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('llm_model_not_found');
  });

  it('pulls with streamed progress', async () => {
    const seen: PullProgress[] = [];
    await control.pull(srv.url, 'gemma3:1b', (p) => seen.push(p));
    expect(seen[0]?.status).toBe('pulling manifest');
    const downloads = seen.filter((p) => p.total !== undefined);
    expect(downloads.length).toBeGreaterThanOrEqual(5);
    expect(downloads.at(-1)).toMatchObject({ total: 815_319_791, completed: 815_319_791, percent: 100 });
    expect(downloads.some((p) => (p.percent ?? 0) > 0 && (p.percent ?? 0) < 100)).toBe(true);
    expect(seen.at(-1)?.status).toBe('success');
    expect((await control.listModels(srv.url)).map((m) => m.name)).toContain('gemma3:1b');
    expect(srv.bodies('/api/pull')[0]).toMatchObject({ name: 'gemma3:1b', stream: true });
  });

  it('cancels a pull', async () => {
    const ac = new AbortController();
    const seen: PullProgress[] = [];
    const pending = control.pull(srv.url, 'gemma3:1b', (p) => {
      seen.push(p);
      if (seen.length === 3) ac.abort();
    }, ac.signal);
    const err = (await pending.catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('llm_aborted');
    await expect.poll(() => srv.stats.pullsCancelled).toBe(1);
    expect(srv.hasModel('gemma3:1b')).toBe(false);
  });

  it('a pull of an unknown model', async () => {
    const err = (await control.pull(srv.url, 'nonexistent:9b').catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('llm_model_not_found');
  });

  it('deletes a model', async () => {
    await control.deleteModel(srv.url, 'qwen3');
    expect(srv.hasModel('qwen3')).toBe(false);
    expect(srv.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/delete' });
    const err = (await control.deleteModel(srv.url, 'qwen3').catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('llm_model_not_found');
  });

  it('lists running models and unloads one', async () => {
    expect(await control.running(srv.url)).toEqual([]);
    const llm = new OllamaLlm({ host: srv.url, clock });
    await llm.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'hi' }], keepAlive: '10m' });
    const running = await control.running(srv.url);
    expect(running).toHaveLength(1);
    expect(running[0]?.name).toBe('llama3.2:3b');
    expect(running[0]?.sizeVram).toBe(2_019_393_189);
    const expires = Date.parse(running[0]?.expiresAt ?? '');
    expect(expires - Date.now()).toBeGreaterThan(9 * 60_000);

    await control.unload(srv.url, 'llama3.2:3b');
    expect(await control.running(srv.url)).toEqual([]);
    const body = srv.bodies('/api/chat').at(-1);
    expect(body).toMatchObject({ model: 'llama3.2:3b', messages: [], keep_alive: 0 });
  });

  it('maps errors of control calls', async () => {
    srv.fault({ kind: 'busy' }, { path: '/api/tags' });
    expect(((await control.listModels(srv.url).catch((e: unknown) => e)) as AppError).code).toBe('llm_queue_full');
    srv.fault({ kind: 'delay', ms: 1_000 }, { path: '/api/ps' });
    const slow = new OllamaModelControl({ clock, hosts: [srv.url], requestTimeoutMs: 100 });
    expect(((await slow.running(srv.url).catch((e: unknown) => e)) as AppError).code).toBe('llm_timeout');
    await srv.refuse();
    expect(((await control.running(srv.url).catch((e: unknown) => e)) as AppError).code).toBe('llm_unreachable');
  });
});
