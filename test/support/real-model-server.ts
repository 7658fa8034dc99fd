/**
 * An Ollama-compatible HTTP server backed by a real (tiny) language model:
 * `stories260K.gguf` (see test/fixtures/models/README.md) run through node-llama-cpp
 * with one thread. Same wire format as the scripted server (ollama-wire.ts):
 *
 *   POST /api/chat, POST /api/generate (NDJSON streams, or one object with
 *   stream:false; `format` "json" or a JSON schema becomes a grammar),
 *   GET /api/tags, POST /api/show, GET /api/version, GET /api/ps, GET /.
 *
 * Its output is real and unscripted (children's-story English), which is the
 * point: the app must survive it. Requests run one at a time.
 *
 *   if (realModelAvailable()) {
 *     const srv = await startRealModelServer();
 *     const llm = new OllamaLlm({ host: srv.url, clock });   // model: srv.modelName
 *     ...
 *     await srv.close();
 *   }
 *
 * The model file is `test/fixtures/models/stories260K.gguf` in the repo (its
 * checksum is checked before it loads), or the path in env EMT_TEST_MODEL.
 *
 * Grammar from a JSON schema: node-llama-cpp's JSON-schema grammar understands
 * a subset of JSON schema and the tiny model only finishes the JSON reliably
 * when arrays are bounded and strings short, so the schema is rewritten first:
 * anyOf becomes oneOf, unknown keywords go, arrays get minItems 1 (unless they
 * say otherwise) and at most 2 items, strings at most 40 characters. The model
 * writes up to every bound it is given, so a schema's own larger bounds (a
 * distillation's 16 memories of 300 characters) would never finish in its
 * 2,048-token window; tighter bounds keep every reply valid for the schema.
 * Numeric bounds cannot be expressed in the grammar: out-of-range numbers come
 * back as the model wrote them.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GbnfJsonSchema, Llama, LlamaCompletion, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import type { RecordedRequest } from './ollama-server.js';
import {
  chatChunk,
  chatFinal,
  FAKE_VERSION,
  fullName,
  generateChunk,
  generateFinal,
  notFoundChat,
  notFoundShow,
  readBody,
  sendError,
  sendJson,
  showBody,
  startNdjson,
  tagEntry,
  details,
  writeLine,
  type ModelEntry,
  type OllamaRequestBody,
  type Stats,
} from './ollama-wire.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The test model that ships in the repo, and its sha256 (test/fixtures/models/README.md). */
const bundledModel = path.resolve(repoRoot, 'test', 'fixtures', 'models', 'stories260K.gguf');
const bundledModelSha256 = '270cba1bd5109f42d03350f60406024560464db173c0e387d91f0426d3bd256d';

/** Where the test model is: env EMT_TEST_MODEL, else the one in test/fixtures/models. */
export function realModelPath(): string {
  return process.env['EMT_TEST_MODEL'] || bundledModel;
}

/** Refuses a bundled model whose bytes are not the ones the tests were written against (e.g. a Git LFS pointer). */
function checkBundledModel(file: string): void {
  if (file !== bundledModel) return;
  const sum = createHash('sha256').update(readFileSync(file)).digest('hex');
  if (sum !== bundledModelSha256) throw new Error(`The test model ${file} has sha256 ${sum}, expected ${bundledModelSha256}.`);
}

export function realModelAvailable(): boolean {
  return existsSync(realModelPath());
}

export interface RealModelServerOptions {
  modelPath?: string;
  /** The name the server serves the model under (default "stories260k:latest"). */
  modelName?: string;
  /** Context size of the llama.cpp context (default: the model's trained size, at most 2048). */
  contextSize?: number;
  /** Default reply length when the request sets no options.num_predict (default 128; 384 with a format). */
  maxTokens?: number;
}

export interface RealModelServer {
  readonly url: string;
  readonly modelName: string;
  readonly contextSize: number;
  readonly requests: RecordedRequest[];
  close(): Promise<void>;
}

type Json = Record<string, unknown>;

function isRecord(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Longest array and string the grammar lets the tiny model write (it fills every bound it is given). */
const MAX_ITEMS = 2;
const MAX_STRING = 40;

/** Rewrites a JSON schema into the subset node-llama-cpp's grammar handles, with bounds the tiny model can finish. */
export function grammarSchema(schema: unknown): Json {
  if (!isRecord(schema)) return { type: 'string', maxLength: 40 };
  const out: Json = {};
  const copy = (k: string): void => {
    if (schema[k] !== undefined) out[k] = schema[k];
  };
  ['type', 'description', 'enum', 'const', 'required', '$ref'].forEach(copy);
  const branches = schema['oneOf'] ?? schema['anyOf'];
  if (Array.isArray(branches)) out['oneOf'] = branches.map(grammarSchema);
  if (isRecord(schema['$defs'])) {
    out['$defs'] = Object.fromEntries(Object.entries(schema['$defs']).map(([k, v]) => [k, grammarSchema(v)]));
  }
  if (isRecord(schema['properties'])) {
    out['properties'] = Object.fromEntries(Object.entries(schema['properties']).map(([k, v]) => [k, grammarSchema(v)]));
  }
  if (schema['additionalProperties'] === false || schema['additionalProperties'] === true) out['additionalProperties'] = schema['additionalProperties'];
  else if (isRecord(schema['additionalProperties'])) out['additionalProperties'] = grammarSchema(schema['additionalProperties']);
  const types = Array.isArray(schema['type']) ? schema['type'] : [schema['type']];
  if (types.includes('array')) {
    if (schema['items'] !== undefined) out['items'] = grammarSchema(schema['items']);
    if (Array.isArray(schema['prefixItems'])) out['prefixItems'] = schema['prefixItems'].map(grammarSchema);
    const min = typeof schema['minItems'] === 'number' ? schema['minItems'] : 1;
    const max = Math.max(min, Math.min(typeof schema['maxItems'] === 'number' ? schema['maxItems'] : MAX_ITEMS, MAX_ITEMS));
    out['minItems'] = min;
    out['maxItems'] = max;
  }
  if (types.includes('string') && schema['enum'] === undefined && schema['const'] === undefined) {
    const format = schema['format'];
    if (format === 'date-time' || format === 'date' || format === 'time') out['format'] = format;
    else {
      if (typeof schema['minLength'] === 'number') out['minLength'] = schema['minLength'];
      out['maxLength'] = Math.min(typeof schema['maxLength'] === 'number' ? schema['maxLength'] : MAX_STRING, MAX_STRING);
    }
  }
  return out;
}

/** A plain-text transcript the story model can continue. */
function promptOf(body: OllamaRequestBody, endpoint: 'chat' | 'generate'): string {
  if (endpoint === 'generate') return `${body.system ? body.system + '\n\n' : ''}${body.prompt ?? ''}`;
  const lines: string[] = [];
  for (const m of body.messages ?? []) {
    if (m.role === 'system') lines.push(m.content, '');
    else lines.push(`${m.role === 'user' ? 'User' : 'Assistant'}: ${m.content}`);
  }
  lines.push('Assistant:');
  return lines.join('\n');
}

class RealModel implements RealModelServer {
  readonly requests: RecordedRequest[] = [];
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly grammars = new Map<string, Promise<LlamaGrammar>>();
  private queue: Promise<unknown> = Promise.resolve();
  private port = 0;
  private loadedAt = Date.now();

  constructor(
    readonly modelName: string,
    readonly contextSize: number,
    private readonly llama: Llama,
    private readonly model: LlamaModel,
    private readonly completion: LlamaCompletion,
    private readonly clearHistory: () => Promise<void>,
    private readonly defaultMaxTokens: number | undefined,
    private readonly dispose: () => Promise<void>,
  ) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) sendError(res, 500, e instanceof Error ? e.message : String(e));
        else res.destroy();
      });
    });
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private get entry(): ModelEntry {
    return {
      name: this.modelName,
      family: 'llama',
      parameterSize: '260K',
      quantization: 'F32',
      size: 1_185_376,
      contextLength: this.contextSize,
    };
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', () => resolve()));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
    await this.queue.catch(() => undefined);
    await this.dispose();
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const urlPath = new URL(req.url ?? '/', 'http://x').pathname;
    const method = req.method ?? 'GET';
    const body = method === 'GET' || method === 'HEAD' ? {} : await readBody(req);
    this.requests.push({ method, path: urlPath, body });
    const name = fullName(body.model ?? body.name ?? '');
    const known = name === this.modelName;
    switch (`${method} ${urlPath}`) {
      case 'GET /':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        return void res.end('Ollama is running');
      case 'GET /api/version':
        return sendJson(res, 200, { version: FAKE_VERSION });
      case 'GET /api/tags':
        return sendJson(res, 200, { models: [tagEntry(this.entry)] });
      case 'GET /api/ps':
        return sendJson(res, 200, {
          models: [
            {
              ...tagEntry(this.entry),
              details: details(this.entry),
              expires_at: new Date(this.loadedAt + 3_600_000).toISOString(),
              size_vram: 0,
              context_length: this.contextSize,
            },
          ],
        });
      case 'POST /api/show':
        return known ? sendJson(res, 200, showBody(this.entry)) : sendError(res, 404, notFoundShow(body.model ?? ''));
      case 'POST /api/chat':
      case 'POST /api/generate': {
        if (!known) return sendError(res, 404, notFoundChat(body.model ?? ''));
        const endpoint = urlPath === '/api/chat' ? 'chat' : 'generate';
        const run = this.queue.then(() => this.generate(endpoint, body, res));
        this.queue = run.catch(() => undefined);
        return run;
      }
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return void res.end('404 page not found');
    }
  }

  private grammarFor(format: OllamaRequestBody['format']): Promise<LlamaGrammar> | undefined {
    if (format === undefined || format === '') return undefined;
    const key = typeof format === 'string' ? format : JSON.stringify(format);
    let g = this.grammars.get(key);
    if (!g) {
      g = isRecord(format)
        ? this.llama.createGrammarForJsonSchema<GbnfJsonSchema>(grammarSchema(format) as GbnfJsonSchema)
        : this.llama.getGrammarFor('json');
      this.grammars.set(key, g);
    }
    return g;
  }

  private async generate(endpoint: 'chat' | 'generate', body: OllamaRequestBody, res: http.ServerResponse): Promise<void> {
    const model = this.modelName;
    const empty = endpoint === 'chat' ? (body.messages ?? []).length === 0 : !body.prompt;
    if (empty) {
      const stats: Stats = { promptEvalCount: 0, evalCount: 0, totalNs: 1, doneReason: body.keep_alive === 0 || body.keep_alive === '0' ? 'unload' : 'load' };
      return sendJson(res, 200, endpoint === 'chat' ? chatFinal(model, stats) : generateFinal(model, stats));
    }
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const grammar = await this.grammarFor(body.format);
    const window = Math.min(body.options?.num_ctx ?? this.contextSize, this.contextSize);
    const maxTokens = body.options?.num_predict ?? this.defaultMaxTokens ?? (grammar ? 384 : 128);
    let tokens = this.model.tokenize(promptOf(body, endpoint));
    const promptTokens = tokens.length;
    const room = Math.max(16, window - Math.min(maxTokens, Math.floor(window / 2)));
    if (tokens.length > room) tokens = tokens.slice(tokens.length - room);
    const stream = body.stream !== false;
    if (stream) startNdjson(res);
    const started = process.hrtime.bigint();
    let evalCount = 0;
    await this.clearHistory();
    const out = await this.completion.generateCompletionWithMeta(tokens, {
      maxTokens,
      temperature: body.options?.temperature ?? 0.8,
      ...(typeof body.options?.seed === 'number' ? { seed: body.options.seed } : {}),
      ...(grammar ? { grammar } : {}),
      signal: controller.signal,
      stopOnAbortSignal: true,
      onToken: (t) => {
        evalCount += t.length;
      },
      onTextChunk: (text) => {
        if (stream && text) writeLine(res, endpoint === 'chat' ? chatChunk(model, text) : generateChunk(model, text));
      },
    });
    if (controller.signal.aborted) return;
    const stats: Stats = {
      promptEvalCount: promptTokens > room ? window : promptTokens,
      evalCount,
      totalNs: Number(process.hrtime.bigint() - started),
      doneReason: out.metadata.stopReason === 'maxTokens' ? 'length' : 'stop',
    };
    if (!stream) return sendJson(res, 200, endpoint === 'chat' ? chatFinal(model, stats, out.response) : generateFinal(model, stats, out.response));
    writeLine(res, endpoint === 'chat' ? chatFinal(model, stats) : generateFinal(model, stats));
    res.end();
  }
}

export async function startRealModelServer(opts: RealModelServerOptions = {}): Promise<RealModelServer> {
  const { getLlama, LlamaCompletion, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({ maxThreads: 1, gpu: false, build: 'never', logLevel: LlamaLogLevel.error });
  const modelPath = opts.modelPath ?? realModelPath();
  checkBundledModel(modelPath);
  const model = await llama.loadModel({ modelPath });
  const contextSize = opts.contextSize ?? Math.min(2048, model.trainContextSize);
  const context = await model.createContext({ contextSize, threads: 1, sequences: 1 });
  const sequence = context.getSequence();
  const completion = new LlamaCompletion({ contextSequence: sequence });
  const srv = new RealModel(
    fullName(opts.modelName ?? 'stories260k'),
    contextSize,
    llama,
    model,
    completion,
    () => sequence.clearHistory(),
    opts.maxTokens,
    async () => {
      completion.dispose();
      await context.dispose();
      await model.dispose();
    },
  );
  await srv.listen();
  return srv;
}
