import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { SystemClock } from '../../../core/ports/clock.js';
import { OllamaModelControl } from '../../../core/llm/model-control.js';
import { OllamaLlm } from '../../../core/llm/ollama.js';
import { chatStructured } from '../../../core/llm/structured.js';
import { realModelAvailable, realModelPath, startRealModelServer, type RealModelServer } from '../../support/real-model-server.js';

describe('OllamaLlm against a real model', () => {
  let srv: RealModelServer;
  let llm: OllamaLlm;
  const clock = new SystemClock();

  beforeAll(async () => {
    // The tiny model ships in test/fixtures/models; its absence is a failure, not a skip.
    if (!realModelAvailable()) throw new Error(`The test model is missing: ${realModelPath()} (set EMT_TEST_MODEL)`);
    srv = await startRealModelServer();
    llm = new OllamaLlm({ host: srv.url, clock });
  });

  afterAll(async () => {
    await srv?.close();
  });

  it('chats and returns real text', async () => {
    const pieces: string[] = [];
    const result = await llm.chat({
      model: srv.modelName,
      system: 'You tell short stories.',
      messages: [{ role: 'user', content: 'Once upon a time there was a cat.' }],
      temperature: 0,
      onToken: (t) => pieces.push(t),
    });
    expect(result.text.trim().length).toBeGreaterThan(10);
    expect(pieces.join('')).toBe(result.text);
    expect(result.promptTokens).toBeGreaterThan(5);
    expect(result.completionTokens).toBeGreaterThan(5);
  }, 20_000);

  it('returns a value that validates from chatStructured', async () => {
    const Story = z.object({
      hero: z.string().max(30),
      mood: z.enum(['happy', 'sad']),
      stars: z.number().min(0).max(5),
    });
    const out = await chatStructured(
      llm,
      { model: srv.modelName, messages: [{ role: 'user', content: 'Tell me about the little dog as JSON.' }], temperature: 0.2 },
      Story,
    );
    expect(Story.safeParse(out.value).success).toBe(true);
    expect(out.value.stars).toBeGreaterThanOrEqual(0);
    expect(out.value.stars).toBeLessThanOrEqual(5);
    expect(srv.requests.find((r) => r.path === '/api/chat' && r.body.format)).toBeDefined();
  }, 20_000);

  it('answers the control endpoints', async () => {
    const control = new OllamaModelControl({ clock, hosts: [srv.url] });
    expect((await control.health(srv.url)).ok).toBe(true);
    const models = await control.listModels(srv.url);
    expect(models[0]).toMatchObject({ name: srv.modelName, family: 'llama', contextLength: srv.contextSize });
    expect((await control.running(srv.url))[0]?.name).toBe(srv.modelName);
  });
});
