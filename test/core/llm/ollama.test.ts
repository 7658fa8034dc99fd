import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppError, type ErrorCode } from '../../../core/api/errors.js';
import { FakeClock, SystemClock } from '../../../core/ports/clock.js';
import { OllamaLlm } from '../../../core/llm/ollama.js';
import type { ChatRequest } from '../../../core/llm/port.js';
import { startOllamaServer, type FakeOllama } from '../../support/ollama-server.js';

const MODEL = 'llama3.2:3b';
let srv: FakeOllama;
let llm: OllamaLlm;
const clock = new SystemClock();

function req(extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model: MODEL, system: 'You are the CEO.', messages: [{ role: 'user', content: 'Plan the week.' }], ...extra };
}

async function codeOf(p: Promise<unknown>): Promise<ErrorCode> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    return (e as AppError).code;
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  srv = await startOllamaServer({
    models: [
      { name: MODEL, contextLength: 131072 },
      { name: 'small:1b', contextLength: 2048 },
      { name: 'dense:1b', contextLength: 8192, charsPerToken: 1 },
      { name: 'tuned:7b', contextLength: 32768, numCtx: 8192 },
    ],
  });
  llm = new OllamaLlm({ host: srv.url, clock });
});

afterEach(async () => {
  await srv.close();
});

describe('OllamaLlm chat', () => {
  it('streams a reply and reports tokens and duration', async () => {
    srv.script(MODEL, 'Monday: hire. Tuesday: ship.');
    const pieces: string[] = [];
    const result = await llm.chat(req({ temperature: 0.3, numCtx: 8192, keepAlive: '10m', onToken: (t) => pieces.push(t) }));
    expect(result.text).toBe('Monday: hire. Tuesday: ship.');
    expect(pieces.join('')).toBe(result.text);
    expect(pieces.length).toBeGreaterThan(1);
    expect(result.model).toBe(MODEL);
    expect(result.host).toBe(srv.url);
    expect(result.promptTokens).toBeGreaterThan(0);
    expect(result.completionTokens).toBe(pieces.length);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.doneReason).toBe('stop');

    const [body] = srv.bodies('/api/chat');
    expect(body?.stream).toBe(true);
    expect(body?.messages?.[0]).toEqual({ role: 'system', content: 'You are the CEO.' });
    expect(body?.messages?.[1]).toEqual({ role: 'user', content: 'Plan the week.' });
    expect(body?.options?.temperature).toBe(0.3);
    expect(body?.options?.num_ctx).toBe(8192);
    expect(body?.keep_alive).toBe('10m');
    expect(body?.format).toBeUndefined();
  });

  it('asks for at most maxTokens (options.num_predict) and reports a reply cut there', async () => {
    srv.script(MODEL, 'one two three four five six seven eight');
    const cut = await llm.chat(req({ maxTokens: 3 }));
    expect(srv.bodies('/api/chat')[0]?.options?.num_predict).toBe(3);
    expect(cut.text).toBe('one two three ');
    expect(cut.completionTokens).toBe(3);
    expect(cut.doneReason).toBe('length');
    srv.script(MODEL, 'one two');
    const whole = await llm.chat(req({}));
    expect(srv.bodies('/api/chat')[1]?.options?.num_predict).toBeUndefined();
    expect(whole.doneReason).toBe('stop');
  });

  it('sends format and keep_alive 0 as given, and no num_ctx when none is needed', async () => {
    const format = { type: 'object', properties: { a: { type: 'number' } } };
    await llm.chat(req({ format, keepAlive: 0 }));
    const [body] = srv.bodies('/api/chat');
    expect(body?.format).toEqual(format);
    expect(body?.keep_alive).toBe(0);
    expect(body?.options?.num_ctx).toBeUndefined();
    expect(srv.loaded()).not.toContain(MODEL);
  });

  it('asks /api/show once per model', async () => {
    await llm.chat(req());
    await llm.chat(req());
    expect(srv.bodies('/api/show')).toHaveLength(1);
  });

  it('measures duration with the clock it is given', async () => {
    const fake = new FakeClock();
    const timed = new OllamaLlm({ host: srv.url, clock: fake });
    const result = await timed.chat(req());
    expect(result.durationMs).toBe(0);
  });
});

describe('OllamaLlm failures', () => {
  it('unreachable host', async () => {
    await srv.refuse();
    expect(await codeOf(llm.chat(req()))).toBe('llm_unreachable');
  });

  it('unknown DNS name', async () => {
    const far = new OllamaLlm({ host: 'http://no-such-host.invalid:11434', clock });
    expect(await codeOf(far.chat(req()))).toBe('llm_unreachable');
  });

  it('model not found suggests pulling it', async () => {
    const err = await llm.chat(req({ model: 'missing:7b' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    const app = err as AppError;
    expect(app.code).toBe('llm_model_not_found');
    expect(app.message).toContain('ollama pull missing:7b');
    expect(app.details?.['model']).toBe('missing:7b');
  });

  it('404 from /api/chat itself', async () => {
    srv.fault({ kind: 'not_found' });
    expect(await codeOf(llm.chat(req()))).toBe('llm_model_not_found');
  });

  it('queue full (503)', async () => {
    srv.fault({ kind: 'busy' });
    expect(await codeOf(llm.chat(req()))).toBe('llm_queue_full');
  });

  it('an {"error"} line after a 200', async () => {
    srv.fault({ kind: 'stream_error', afterChunks: 2, message: 'llama runner process has terminated' });
    const err = (await llm.chat(req()).catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('llm_stream_error');
    expect(err.message).toContain('llama runner process has terminated');
  });

  it('a stream cut mid-way', async () => {
    srv.fault({ kind: 'cut', afterChunks: 1 });
    expect(await codeOf(llm.chat(req()))).toBe('llm_stream_error');
  });

  it('any other server error', async () => {
    srv.fault({ kind: 'http_error', status: 500, message: 'model requires more system memory' });
    const err = (await llm.chat(req()).catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('llm_error');
    expect(err.message).toContain('more system memory');
  });

  it('times out waiting for the first chunk', async () => {
    srv.fault({ kind: 'delay', ms: 2_000 });
    const started = performance.now();
    expect(await codeOf(llm.chat(req({ idleTimeoutMs: 150 })))).toBe('llm_timeout');
    expect(performance.now() - started).toBeLessThan(1_500);
  });

  it('times out when the stream stalls between chunks', async () => {
    srv.fault({ kind: 'stall', afterChunks: 2 });
    const pieces: string[] = [];
    const err = (await llm.chat(req({ idleTimeoutMs: 150, onToken: (t) => pieces.push(t) })).catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('llm_timeout');
    expect(pieces).toHaveLength(2);
    await expect.poll(() => srv.stats.streamsAbandoned).toBe(1);
  });

  it('idle timeout with a FakeClock', async () => {
    const fake = new FakeClock();
    const timed = new OllamaLlm({ host: srv.url, clock: fake, firstChunkTimeoutMs: 5_000 });
    srv.fault({ kind: 'stall', afterChunks: 1 });
    const pieces: string[] = [];
    const pending = timed.chat(req({ onToken: (t) => pieces.push(t) })).catch((e: unknown) => e);
    // the first chunk is in (the client re-arms its idle watchdog before it hands the token on)
    await expect.poll(() => pieces.length).toBe(1);
    await fake.advance(60_000);
    const err = (await pending) as AppError;
    expect(err.code).toBe('llm_timeout');
    expect(err.details?.['timeoutMs']).toBe(60_000);
  });

  it('abort before the first chunk', async () => {
    srv.fault({ kind: 'delay', ms: 2_000 });
    const ac = new AbortController();
    const pending = llm.chat(req({ signal: ac.signal }));
    setTimeout(() => ac.abort(), 50);
    expect(await codeOf(pending)).toBe('llm_aborted');
  });

  it('abort mid-stream closes the connection', async () => {
    srv.fault({ kind: 'stall', afterChunks: 1 });
    const ac = new AbortController();
    const pending = llm.chat(req({ signal: ac.signal, onToken: () => setTimeout(() => ac.abort(), 10) }));
    expect(await codeOf(pending)).toBe('llm_aborted');
    await expect.poll(() => srv.stats.streamsAbandoned).toBe(1);
  });

  it('an already-aborted signal sends nothing', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await codeOf(llm.chat(req({ signal: ac.signal })))).toBe('llm_aborted');
    expect(srv.requests).toHaveLength(0);
  });
});

describe('OllamaLlm context truncation', () => {
  const long = (chars: number): ChatRequest['messages'] => [{ role: 'user', content: 'x'.repeat(chars) }];

  it('refuses before sending when the prompt exceeds the requested num_ctx', async () => {
    const err = (await llm.chat(req({ numCtx: 256, messages: long(4_000) })).catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('llm_context_truncated');
    expect(err.details?.['window']).toBe(256);
    expect(srv.bodies('/api/chat')).toHaveLength(0);
  });

  it("refuses before sending when the prompt exceeds the model's trained length", async () => {
    const err = (await llm.chat(req({ model: 'small:1b', messages: long(20_000) })).catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('llm_context_truncated');
    expect(err.details?.['window']).toBe(2048);
    expect(srv.bodies('/api/chat')).toHaveLength(0);
  });

  it('raises num_ctx above the 4096 default when the caller set none and the model allows it', async () => {
    const result = await llm.chat(req({ messages: long(40_000) }));
    const [body] = srv.bodies('/api/chat');
    expect(body?.options?.num_ctx).toBe(11264);
    expect(result.promptTokens).toBeLessThan(11264);
  });

  it("starts from the Modelfile's num_ctx", async () => {
    await llm.chat(req({ model: 'tuned:7b', messages: long(20_000) }));
    expect(srv.bodies('/api/chat')[0]?.options?.num_ctx).toBeUndefined();
  });

  it('detects truncation reported after the reply (prompt_eval_count at the window)', async () => {
    // The server counts one token per character here: 4x the estimate.
    const err = (await llm.chat(req({ model: 'dense:1b', numCtx: 2048, messages: long(3_000) })).catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('llm_context_truncated');
    expect(err.details?.['promptEvalCount']).toBe(2048);
    expect(srv.bodies('/api/chat')).toHaveLength(1);
  });

  it('detects a truncate fault', async () => {
    srv.fault({ kind: 'truncate' });
    expect(await codeOf(llm.chat(req({ numCtx: 4096 })))).toBe('llm_context_truncated');
  });
});
