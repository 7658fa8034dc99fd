import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OllamaModelControl } from '../../../core/llm/model-control.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import { createSettingsHandlers } from '../../../core/settings/probe-host.ts';
import { startOllamaServer, type FakeOllama } from '../../support/ollama-server.ts';

describe('ollama.probe', () => {
  let srv: FakeOllama;
  const clock = new SystemClock();
  const h = createSettingsHandlers((hosts) => new OllamaModelControl({ clock, hosts, healthTimeoutMs: 1000 }));
  beforeAll(async () => {
    srv = await startOllamaServer({ models: [{ name: 'qwen2.5:0.5b' }, { name: 'llama3.2:3b' }] });
  });
  afterAll(() => srv?.close());

  it('reports a host that answers with its version and models', async () => {
    const out = await h['ollama.probe']({ host: srv.url });
    expect(out.ok).toBe(true);
    expect(out.version).toMatch(/\d+\.\d+/);
    expect(out.models.sort()).toEqual(['llama3.2:3b', 'qwen2.5:0.5b']);
  });

  it('reports a host that does not answer as an answer, with the reason', async () => {
    const out = await h['ollama.probe']({ host: 'http://127.0.0.1:9' });
    expect(out.ok).toBe(false);
    expect(out.models).toEqual([]);
    expect(out.error?.message).toBeTruthy();
  });

  it('refuses to try without an LLM', async () => {
    await expect(createSettingsHandlers(null)['ollama.probe']({ host: srv.url })).rejects.toMatchObject({ code: 'not_configured' });
  });
});
