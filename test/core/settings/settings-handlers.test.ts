import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OllamaModelControl } from '../../../core/llm/model-control.ts';
import { SystemClock } from '../../../core/ports/clock.ts';
import { createSettingsHandlers } from '../../../core/settings/settings-handlers.ts';
import { ExecutorRegistry } from '../../../core/workers/executor.ts';
import { testEngine } from '../../support/engine.ts';
import { startOllamaServer, type FakeOllama } from '../../support/ollama-server.ts';

describe('ollama.probe', () => {
  let srv: FakeOllama;
  const clock = new SystemClock();
  const modelControl = (hosts: string[]) => new OllamaModelControl({ clock, hosts, healthTimeoutMs: 1000 });
  const h = createSettingsHandlers({ ctx: null as never, registry: new ExecutorRegistry(), modelControl });
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
    await expect(createSettingsHandlers({ ctx: null as never, registry: new ExecutorRegistry(), modelControl: null })['ollama.probe']({ host: srv.url })).rejects.toMatchObject({ code: 'not_configured' });
  });
});

describe('steps.kinds', () => {
  it('offers every step kind the engine runs, with its payload schema and whether it is approved at once', async () => {
    const e = await testEngine('pglite');
    try {
      const kinds = await e.handlers['steps.kinds']({});
      expect(kinds.map((k) => k.kind)).toEqual(e.registry.kinds());
      expect(kinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['crawl', 'post_bluesky', 'post_tweet', 'roundtable', 'wait']));
      const crawl = kinds.find((k) => k.kind === 'crawl');
      expect(crawl?.schema).toMatchObject({ type: 'object', properties: { url: { type: 'string', minLength: 1, maxLength: 2048 } }, required: ['url'] });
      expect(crawl?.autoApproved).toBe(true);
      expect(kinds.find((k) => k.kind === 'post_tweet')?.autoApproved).toBe(false);
    } finally {
      await e.close();
    }
  });
});
