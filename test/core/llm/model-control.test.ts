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

describe('OllamaModelControl: replies of the wrong shape', () => {
  async function failure(p: Promise<unknown>): Promise<AppError> {
    const err = await p.then(
      () => {
        throw new Error('expected the call to fail');
      },
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }

  it('version: a number for the version is refused, naming the host and the field; health says so', async () => {
    srv.fault({ kind: 'malformed' }, { path: '/api/version', times: 2 });
    const err = await failure(control.version(srv.url));
    expect(err.code).toBe('llm_invalid_output');
    expect(err.message).toBe(
      `Ollama at ${srv.url} sent a reply to the version check call that is not in Ollama's format (version: Invalid input: expected string, received number).`,
    );
    expect(await control.health(srv.url)).toEqual({ host: srv.url, ok: false, error: { code: 'llm_invalid_output', message: err.message } });
    // the next, well-formed reply parses again, extra fields and all
    srv.fault({ kind: 'raw_reply', body: JSON.stringify({ version: '0.13.1', commit: 'abc123', extra: { any: 1 } }) }, { path: '/api/version' });
    expect(await control.version(srv.url)).toBe('0.13.1');
    expect(await control.version(srv.url)).toBe('0.12.6');
  });

  it('list: a size given as text is refused, not read as 0', async () => {
    srv.fault({ kind: 'malformed' }, { path: '/api/tags' });
    const err = await failure(control.listModels(srv.url));
    expect(err.code).toBe('llm_invalid_output');
    expect(err.message).toMatch(new RegExp(`^Ollama at ${srv.url} sent a reply to the list models call that is not in Ollama's format \\(models\\[0\\]\\.size: .*expected number, received string\\)\\.$`));
    expect(err.details).toMatchObject({ host: srv.url, field: 'models[0].size' });
    // an empty list (Ollama once sent null for it) and a list without the optional fields parse
    srv.fault({ kind: 'raw_reply', body: '{"models":null}' }, { path: '/api/tags' });
    expect(await control.listModels(srv.url)).toEqual([]);
    srv.fault({ kind: 'raw_reply', body: JSON.stringify({ models: [{ name: 'tiny:1b', modified_at: '2025-02-03T04:05:06Z', size: 12, whatever: true }] }) }, { path: '/api/tags' });
    expect(await control.listModels(srv.url)).toEqual([{ name: 'tiny:1b', size: 12, family: '', quantization: '', parameterSize: '', modifiedAt: '2025-02-03T04:05:06Z' }]);
    // a list without the names Ollama always sends is refused
    srv.fault({ kind: 'raw_reply', body: JSON.stringify({ models: [{ size: 12, modified_at: '2025-02-03T04:05:06Z' }] }) }, { path: '/api/tags' });
    expect((await failure(control.listModels(srv.url))).details).toMatchObject({ field: 'models[0].name' });
    srv.fault({ kind: 'raw_reply', body: '{"data":[]}' }, { path: '/api/tags' });
    expect((await failure(control.listModels(srv.url))).details).toMatchObject({ field: 'models' });
  });

  it('show: capabilities as text, or a context length that is not a number, are refused', async () => {
    srv.fault({ kind: 'malformed' }, { path: '/api/show' });
    const err = await failure(control.show(srv.url, 'qwen3'));
    expect(err.code).toBe('llm_invalid_output');
    expect(err.message).toBe(
      `Ollama at ${srv.url} sent a reply to the show model call (model qwen3) that is not in Ollama's format (capabilities: Invalid input: expected array, received string).`,
    );
    srv.fault({ kind: 'raw_reply', body: JSON.stringify({ model_info: { 'general.architecture': 'qwen3', 'qwen3.context_length': '40960' } }) }, { path: '/api/show' });
    const ctx = await failure(control.show(srv.url, 'qwen3'));
    expect(ctx.message).toContain(`(model_info["qwen3.context_length"]: expected a whole number of tokens above 0)`);
    // every field of /api/show is optional in Ollama
    srv.fault({ kind: 'raw_reply', body: '{}' }, { path: '/api/show' });
    expect(await control.show(srv.url, 'qwen3')).toEqual({ name: 'qwen3', family: '', families: [], quantization: '', parameterSize: '', capabilities: [] });
  });

  it('show before a chat: a window that is not a number fails the chat as invalid output, nothing is sent to /api/chat', async () => {
    srv.fault({ kind: 'raw_reply', body: JSON.stringify({ parameters: 7, license: 'x' }) }, { path: '/api/show' });
    const llm = new OllamaLlm({ host: srv.url, clock });
    const err = await failure(llm.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'hi' }] }));
    expect(err.code).toBe('llm_invalid_output');
    expect(err.message).toBe(
      `Ollama at ${srv.url} sent a reply to the show model call (model llama3.2:3b) that is not in Ollama's format (parameters: Invalid input: expected string, received number).`,
    );
    expect(srv.bodies('/api/chat')).toHaveLength(0);
    srv.fault({ kind: 'raw_reply', body: '<html>Gateway</html>', contentType: 'text/html' }, { path: '/api/show' });
    const page = await failure(llm.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'hi' }] }));
    expect(page.code).toBe('llm_invalid_output');
    expect(page.message).toMatch(/^Ollama at \S+ answered the show model call \(model llama3\.2:3b\) with something that is not JSON \(.+\)\.$/);
    expect(srv.bodies('/api/chat')).toHaveLength(0);
    // fields a chat does not read are not its business
    srv.fault({ kind: 'raw_reply', body: JSON.stringify({ capabilities: 'completion', model_info: { 'llama.context_length': 8192 } }) }, { path: '/api/show' });
    expect((await llm.chat({ model: 'llama3.2:3b', messages: [{ role: 'user', content: 'hi' }] })).text).toBe('You said: hi');
  });

  it('ps: a size in memory given as text is refused', async () => {
    srv.fault({ kind: 'malformed' }, { path: '/api/ps' });
    const err = await failure(control.running(srv.url));
    expect(err.code).toBe('llm_invalid_output');
    expect(err.message).toMatch(/^Ollama at \S+ sent a reply to the list running models call that is not in Ollama's format \(models\[0\]\.size_vram: .*expected number, received string\)\.$/);
    // an older Ollama without context_length
    srv.fault({ kind: 'raw_reply', body: JSON.stringify({ models: [{ name: 'a:1b', model: 'a:1b', size: 5, digest: 'd', expires_at: '2026-01-01T00:00:00Z', size_vram: 5 }] }) }, { path: '/api/ps' });
    expect(await control.running(srv.url)).toEqual([{ name: 'a:1b', size: 5, sizeVram: 5, expiresAt: '2026-01-01T00:00:00Z' }]);
  });

  it('pull: a progress line whose total is text stops the pull as invalid output after the good lines', async () => {
    srv.fault({ kind: 'malformed' }, { path: '/api/pull' });
    const seen: PullProgress[] = [];
    const err = await failure(control.pull(srv.url, 'gemma3:1b', (p) => seen.push(p)));
    expect(err.code).toBe('llm_invalid_output');
    expect(err.message).toMatch(/^Ollama at \S+ sent a reply to the pull call \(model gemma3:1b\) that is not in Ollama's format \(total: .*expected number, received string\)\.$/);
    expect(seen).toEqual([{ status: 'pulling manifest' }]);
    expect(srv.hasModel('gemma3:1b')).toBe(false);
  });

  it('delete: a web page instead of Ollama\'s empty answer is refused, not taken for a deletion', async () => {
    srv.fault({ kind: 'malformed' }, { path: '/api/delete' });
    const err = await failure(control.deleteModel(srv.url, 'qwen3'));
    expect(err.code).toBe('llm_invalid_output');
    expect(err.message).toMatch(/^Ollama at \S+ answered the delete model call \(model qwen3\) with something that is not JSON \(.+\)\.$/);
    expect(srv.hasModel('qwen3')).toBe(true);
    srv.fault({ kind: 'raw_reply', body: '{"status":404}' }, { path: '/api/delete' });
    expect((await failure(control.deleteModel(srv.url, 'qwen3'))).details).toMatchObject({ field: 'status' });
    await control.deleteModel(srv.url, 'qwen3'); // Ollama's own answer: 200 with an empty body
    expect(srv.hasModel('qwen3')).toBe(false);
  });

  it('a body that is not JSON at all (a proxy page) is invalid output too', async () => {
    srv.fault({ kind: 'raw_reply', body: '<html><body>Gateway</body></html>', contentType: 'text/html' }, { path: '/api/tags' });
    const err = await failure(control.listModels(srv.url));
    expect(err.code).toBe('llm_invalid_output');
    expect(err.message).toMatch(/^Ollama at \S+ answered the list models call with something that is not JSON \(.+\)\.$/);
  });
});
