/**
 * A scripted Ollama-compatible HTTP server for tests (node:http on 127.0.0.1,
 * a free port). It speaks Ollama's REST API (see ollama-wire.ts):
 *
 *   GET /api/version · GET /api/tags · POST /api/show · POST /api/pull (streamed
 *   progress) · DELETE /api/delete · GET /api/ps · POST /api/chat · POST
 *   /api/generate (NDJSON streams by default, one JSON object with stream:false),
 *   GET / ("Ollama is running").
 *
 * Usage:
 *
 *   const srv = await startOllamaServer({ models: [{ name: 'llama3.2:3b', contextLength: 131072 }] });
 *   srv.script('llama3.2:3b', 'Hello there.', { json: { score: 0.4 } }); // queued replies
 *   srv.fault({ kind: 'busy' });                  // the next chat answers 503
 *   const llm = new OllamaLlm({ host: srv.url, clock });
 *   ... srv.bodies('/api/chat')[0].options?.temperature ...
 *   await srv.close();
 *
 * Replies: each model has a queue (`script(model, ...)`, model "*" for any);
 * an item is a string, `{ json }` (sent as JSON text), `{ fenced }` (JSON in a
 * ```json fence), `{ raw }` (exact text), or a function of the call returning
 * one. With an empty queue, `responder` answers (default: "You said: <last
 * user message>"). Text streams in word-sized chunks, `chunkDelayMs` apart.
 *
 * Faults (`fault(f, { times, model, path })`, `times` default 1, Infinity for
 * all; they apply to /api/chat and /api/generate unless `path` says otherwise):
 *   delay          wait `ms` before the status line and first chunk
 *   stall          send `afterChunks` chunks (default 1), then go silent with the socket open
 *   cut            send `afterChunks` chunks, then destroy the socket
 *   stream_error   send `afterChunks` chunks, then an {"error": message} line (status was 200)
 *   bad_part       send `afterChunks` chunks, then a part whose message content is a number, not text
 *   busy           503 {"error": "server busy, please try again.  maximum pending requests exceeded"}
 *   not_found      404 {"error": "model \"x\" not found, try pulling it first"}
 *   http_error     any status and message
 *   fenced         wrap the reply in ```json fences
 *   invalid_json   break the reply's JSON (drop the closing brace, add a dangling comma)
 *   truncate       report prompt_eval_count = the window (num_ctx)
 *   refuse         stop listening now and drop open connections (clients get ECONNREFUSED); accept() undoes it
 *
 * Replies of the wrong shape, for the model-control paths (give `path`):
 *   malformed      200 with one field of the wrong type: /api/version a number as version; /api/tags
 *                  each model's size as text; /api/show capabilities as text, not a list; /api/ps a
 *                  loaded model whose size_vram is text; /api/pull a progress line whose total is
 *                  text, after "pulling manifest"; /api/delete a web page (a proxy's), nothing deleted
 *   raw_reply      200 with exactly `body` (application/json unless `contentType` says otherwise), any path
 *
 * Truncation without a fault: prompt tokens are counted as characters /
 * `charsPerToken` (per model, default 4); a prompt longer than the window
 * (options.num_ctx, else the model's Modelfile num_ctx, else 4096, capped at
 * contextLength) reports prompt_eval_count equal to the window, as Ollama does
 * after cutting it.
 *
 * Everything received is in `requests` (method, path, parsed body).
 */
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  BUSY,
  chatChunk,
  chatFinal,
  digestOf,
  FAKE_VERSION,
  fullName,
  generateChunk,
  generateFinal,
  keepAliveMs,
  notFoundChat,
  notFoundShow,
  piecesOf,
  readBody,
  sendError,
  sendJson,
  showBody,
  startNdjson,
  tagEntry,
  details,
  windowFor,
  writeLine,
  type ModelEntry,
  type OllamaRequestBody,
  type Stats,
} from './ollama-wire.js';

export type { ModelEntry, OllamaRequestBody } from './ollama-wire.js';

export type Reply = string | { json: unknown } | { fenced: unknown } | { raw: string };

export interface ChatCall {
  endpoint: 'chat' | 'generate';
  model: string;
  body: OllamaRequestBody;
  /** The last user message (chat) or the prompt (generate). */
  lastUser: string;
}

export type Responder = (call: ChatCall) => Reply | Promise<Reply>;

export type Fault =
  | { kind: 'delay'; ms: number }
  | { kind: 'stall'; afterChunks?: number }
  | { kind: 'cut'; afterChunks?: number }
  | { kind: 'stream_error'; afterChunks?: number; message?: string }
  | { kind: 'bad_part'; afterChunks?: number }
  | { kind: 'busy' }
  | { kind: 'not_found' }
  | { kind: 'http_error'; status: number; message: string }
  | { kind: 'fenced' }
  | { kind: 'invalid_json' }
  | { kind: 'truncate' }
  | { kind: 'refuse' }
  | { kind: 'malformed' }
  | { kind: 'raw_reply'; body: string; contentType?: string };

export interface FaultOptions {
  /** How many matching requests it hits (default 1). */
  times?: number;
  /** Only requests for this model. */
  model?: string;
  /** Only these paths (default /api/chat and /api/generate). */
  path?: string | string[];
}

export interface RecordedRequest {
  method: string;
  path: string;
  body: OllamaRequestBody;
}

export interface OllamaServerOptions {
  /** Installed models (default: llama3.2:3b with a 131072-token context). */
  models?: ModelEntry[];
  /** Models /api/pull can fetch (default: any name). */
  remote?: ModelEntry[];
  version?: string;
  /** Pause between streamed chunks (default 0). */
  chunkDelayMs?: number;
  /** Pull progress: number of progress lines and the pause between them (default 5 × 20 ms). */
  pullSteps?: number;
  pullStepMs?: number;
  responder?: Responder;
  /** The server's wall clock (default Date.now): an end-to-end run shares the engine's shifted clock with it. */
  now?: () => number;
}

export interface FakeOllama {
  /** Base URL, e.g. http://127.0.0.1:41234 */
  readonly url: string;
  readonly port: number;
  readonly requests: RecordedRequest[];
  /** Bodies of requests to `path`, in order. */
  bodies(path: string): OllamaRequestBody[];
  script(model: string, ...replies: (Reply | Responder)[]): void;
  setResponder(fn: Responder): void;
  fault(f: Fault, opts?: FaultOptions): void;
  clearFaults(): void;
  /** Drops every scripted reply not yet used. */
  clearScripts(): void;
  addModel(m: ModelEntry): void;
  removeModel(name: string): void;
  hasModel(name: string): boolean;
  /** Names of models loaded in memory (as /api/ps lists them). */
  loaded(): string[];
  /** Streams the client abandoned, pulls cancelled. */
  readonly stats: { streamsAbandoned: number; pullsCancelled: number; pullsCompleted: number };
  /** Stop listening and drop connections (ECONNREFUSED from now on). */
  refuse(): Promise<void>;
  /** Listen again on the same port. */
  accept(): Promise<void>;
  close(): Promise<void>;
}

interface Rule {
  fault: Fault;
  left: number;
  model?: string;
  paths: string[];
}

interface Loaded {
  entry: ModelEntry;
  expiresAt: number | null;
  window: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** True once the client went away before the response finished. */
function watchGone(res: http.ServerResponse): () => boolean {
  let gone = false;
  res.on('close', () => {
    if (!res.writableFinished) gone = true;
  });
  return () => gone || res.destroyed;
}

function replyText(r: Reply): string {
  if (typeof r === 'string') return r;
  if ('json' in r) return JSON.stringify(r.json);
  if ('fenced' in r) return '```json\n' + JSON.stringify(r.fenced, null, 2) + '\n```';
  return r.raw;
}

function breakJson(text: string): string {
  const cut = text.replace(/\}\s*$/, '');
  return (cut === text ? text.slice(0, Math.max(1, text.length - 1)) : cut) + ',';
}

class ScriptedOllama implements FakeOllama {
  readonly requests: RecordedRequest[] = [];
  readonly stats = { streamsAbandoned: 0, pullsCancelled: 0, pullsCompleted: 0 };
  private readonly server: http.Server;
  private readonly sockets = new Set<Socket>();
  private readonly installed = new Map<string, ModelEntry>();
  private readonly queues = new Map<string, (Reply | Responder)[]>();
  private readonly memory = new Map<string, Loaded>();
  private rules: Rule[] = [];
  private responder: Responder;
  private listening = false;
  port = 0;

  private readonly now: () => number;

  constructor(private readonly opts: OllamaServerOptions) {
    this.now = opts.now ?? (() => Date.now());
    for (const m of opts.models ?? [{ name: 'llama3.2:3b', contextLength: 131072 }]) this.addModel(m);
    this.responder = opts.responder ?? ((c) => `You said: ${c.lastUser}`);
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

  async listen(port = 0): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.listening = true;
  }

  bodies(path: string): OllamaRequestBody[] {
    return this.requests.filter((r) => r.path === path).map((r) => r.body);
  }

  script(model: string, ...replies: (Reply | Responder)[]): void {
    const key = model === '*' ? '*' : fullName(model);
    this.queues.set(key, [...(this.queues.get(key) ?? []), ...replies]);
  }

  setResponder(fn: Responder): void {
    this.responder = fn;
  }

  fault(f: Fault, opts: FaultOptions = {}): void {
    if (f.kind === 'refuse') {
      void this.refuse();
      return;
    }
    const paths = opts.path === undefined ? ['/api/chat', '/api/generate'] : Array.isArray(opts.path) ? opts.path : [opts.path];
    const rule: Rule = { fault: f, left: opts.times ?? 1, paths };
    if (opts.model) rule.model = fullName(opts.model);
    this.rules.push(rule);
  }

  clearScripts(): void {
    this.queues.clear();
  }

  clearFaults(): void {
    this.rules = [];
  }

  addModel(m: ModelEntry): void {
    this.installed.set(fullName(m.name), { ...m, name: fullName(m.name) });
  }

  removeModel(name: string): void {
    this.installed.delete(fullName(name));
    this.memory.delete(fullName(name));
  }

  hasModel(name: string): boolean {
    return this.installed.has(fullName(name));
  }

  loaded(): string[] {
    this.expire();
    return [...this.memory.keys()];
  }

  async refuse(): Promise<void> {
    if (!this.listening) return;
    this.listening = false;
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    for (const s of this.sockets) s.destroy();
    await closed;
  }

  async accept(): Promise<void> {
    if (!this.listening) await this.listen(this.port);
  }

  async close(): Promise<void> {
    await this.refuse();
  }

  private take(path: string, model: string): Fault[] {
    const hits: Fault[] = [];
    for (const r of this.rules) {
      if (r.left <= 0 || !r.paths.includes(path) || (r.model && r.model !== model)) continue;
      r.left--;
      hits.push(r.fault);
    }
    this.rules = this.rules.filter((r) => r.left > 0);
    return hits;
  }

  private expire(): void {
    const now = this.now();
    for (const [name, l] of this.memory) if (l.expiresAt !== null && l.expiresAt <= now) this.memory.delete(name);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const method = req.method ?? 'GET';
    const body = method === 'GET' || method === 'HEAD' ? {} : await readBody(req);
    this.requests.push({ method, path, body });
    const model = fullName(body.model ?? body.name ?? '');
    const faults = this.take(path, model);
    const delay = faults.find((f) => f.kind === 'delay');
    if (delay?.kind === 'delay') await sleep(delay.ms);
    if (res.destroyed) return;
    for (const f of faults) {
      if (f.kind === 'busy') return sendError(res, 503, BUSY);
      if (f.kind === 'not_found') return sendError(res, 404, notFoundChat(body.model ?? ''));
      if (f.kind === 'http_error') return sendError(res, f.status, f.message);
      if (f.kind === 'raw_reply') {
        res.writeHead(200, { 'Content-Type': f.contentType ?? 'application/json; charset=utf-8' });
        return void res.end(f.body);
      }
      if (f.kind === 'malformed' && path !== '/api/chat' && path !== '/api/generate') return this.malformed(path, model, res);
    }
    const route = `${method} ${path}`;
    switch (route) {
      case 'GET /':
      case 'HEAD /':
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        return void res.end('Ollama is running');
      case 'GET /api/version':
        return sendJson(res, 200, { version: this.opts.version ?? FAKE_VERSION });
      case 'GET /api/tags':
        return sendJson(res, 200, { models: [...this.installed.values()].map(tagEntry) });
      case 'POST /api/show': {
        const m = this.installed.get(model);
        return m ? sendJson(res, 200, showBody(m)) : sendError(res, 404, notFoundShow(body.model ?? body.name ?? ''));
      }
      case 'DELETE /api/delete': {
        if (!this.installed.has(model)) return sendError(res, 404, notFoundShow(body.model ?? body.name ?? ''));
        this.removeModel(model);
        res.writeHead(200);
        return void res.end();
      }
      case 'GET /api/ps':
        return sendJson(res, 200, { models: this.psList() });
      case 'POST /api/pull':
        return this.pull(model, body, res);
      case 'POST /api/chat':
      case 'POST /api/generate':
        return this.generate(path === '/api/chat' ? 'chat' : 'generate', model, body, faults, res);
      default:
        if (['/api/version', '/api/tags', '/api/show', '/api/delete', '/api/ps', '/api/pull', '/api/chat', '/api/generate'].includes(path)) {
          res.writeHead(405, { 'Content-Type': 'text/plain' });
          return void res.end('405 method not allowed');
        }
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        return void res.end('404 page not found');
    }
  }

  /** A reply of the right status with one field of the wrong type (see the `malformed` fault). */
  private malformed(path: string, model: string, res: http.ServerResponse): void {
    const first = [...this.installed.values()][0] ?? { name: 'llama3.2:3b' };
    switch (path) {
      case '/api/version':
        return sendJson(res, 200, { version: 12 });
      case '/api/tags':
        return sendJson(res, 200, { models: [...this.installed.values()].map((m) => ({ ...tagEntry(m), size: '2.0 GB' })) });
      case '/api/show':
        return sendJson(res, 200, { ...showBody(this.installed.get(model) ?? first), capabilities: 'completion' });
      case '/api/ps':
        return sendJson(res, 200, { models: [{ ...tagEntry(first), details: details(first), expires_at: new Date(this.now() + 300_000).toISOString(), size_vram: '2 GB' }] });
      case '/api/pull': {
        startNdjson(res);
        writeLine(res, { status: 'pulling manifest' });
        writeLine(res, { status: `pulling ${digestOf(model).slice(0, 12)}`, digest: `sha256:${digestOf(model)}`, total: 'lots', completed: 0 });
        return void res.end();
      }
      default:
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
        return void res.end('<!doctype html><html><head><title>Sign in to the network</title></head><body><h1>Welcome</h1></body></html>');
    }
  }

  private psList(): Record<string, unknown>[] {
    this.expire();
    return [...this.memory.values()].map((l) => ({
      ...tagEntry(l.entry),
      details: details(l.entry),
      expires_at: new Date(l.expiresAt ?? Date.UTC(2318, 0, 1)).toISOString(),
      size_vram: l.entry.size ?? 2_019_393_189,
      context_length: l.window,
    }));
  }

  private async nextReply(call: ChatCall): Promise<string> {
    for (const key of [call.model, '*']) {
      const q = this.queues.get(key);
      const item = q?.shift();
      if (item !== undefined) return replyText(typeof item === 'function' ? await item(call) : item);
    }
    return replyText(await this.responder(call));
  }

  private async generate(endpoint: 'chat' | 'generate', model: string, body: OllamaRequestBody, faults: Fault[], res: http.ServerResponse): Promise<void> {
    const entry = this.installed.get(model);
    if (!entry) return sendError(res, 404, notFoundChat(body.model ?? ''));
    const messages = body.messages ?? [];
    const window = windowFor(entry, body);
    const keep = keepAliveMs(body.keep_alive);
    const empty = endpoint === 'chat' ? messages.length === 0 : !body.prompt;
    if (empty) {
      const unload = keep === 0;
      if (unload) this.memory.delete(model);
      else this.memory.set(model, { entry, window, expiresAt: keep === null ? null : this.now() + keep });
      const stats: Stats = { promptEvalCount: 0, evalCount: 0, totalNs: 1_000_000, doneReason: unload ? 'unload' : 'load' };
      const final = endpoint === 'chat' ? chatFinal(model, stats) : generateFinal(model, stats);
      if (body.stream === false) return sendJson(res, 200, final);
      startNdjson(res);
      writeLine(res, final);
      return void res.end();
    }
    const lastUser = endpoint === 'chat' ? ([...messages].reverse().find((m) => m.role === 'user')?.content ?? '') : (body.prompt ?? '');
    let text = await this.nextReply({ endpoint, model, body, lastUser });
    if (faults.some((f) => f.kind === 'fenced')) text = '```json\n' + text + '\n```';
    if (faults.some((f) => f.kind === 'invalid_json')) text = breakJson(text);
    const promptChars = endpoint === 'chat' ? messages.reduce((n, m) => n + m.content.length, 0) : (body.prompt ?? '').length + (body.system ?? '').length;
    const promptTokens = Math.ceil(promptChars / (entry.charsPerToken ?? 4));
    const truncated = promptTokens > window || faults.some((f) => f.kind === 'truncate');
    let pieces = piecesOf(text);
    // options.num_predict as Ollama reads it: stop after that many tokens (a piece here), done_reason "length"; -1 and -2 mean no limit
    const limit = body.options?.num_predict;
    const cut = typeof limit === 'number' && limit > 0 && pieces.length > limit;
    if (cut) {
      pieces = pieces.slice(0, limit);
      text = pieces.join('');
    }
    const started = process.hrtime.bigint();
    const stats = (): Stats => ({
      promptEvalCount: truncated ? window : promptTokens,
      evalCount: pieces.length,
      totalNs: Number(process.hrtime.bigint() - started) + 1,
      doneReason: cut ? 'length' : 'stop',
    });
    this.memory.set(model, { entry, window, expiresAt: keep === null ? null : this.now() + keep });
    const breakFault = faults.find((f) => f.kind === 'stall' || f.kind === 'cut' || f.kind === 'stream_error' || f.kind === 'bad_part');
    if (body.stream === false) {
      if (breakFault?.kind === 'cut') return void res.destroy();
      if (breakFault?.kind === 'stall') return this.waitClosed(res);
      if (breakFault?.kind === 'stream_error') return sendError(res, 500, breakFault.message ?? 'llama runner process has terminated');
      if (keep === 0) this.memory.delete(model);
      return sendJson(res, 200, endpoint === 'chat' ? chatFinal(model, stats(), text) : generateFinal(model, stats(), text));
    }
    const gone = watchGone(res);
    startNdjson(res);
    const breakAt = breakFault && 'afterChunks' in breakFault ? (breakFault.afterChunks ?? 1) : breakFault ? 1 : -1;
    for (let i = 0; i <= pieces.length; i++) {
      if (i === breakAt && breakFault) {
        if (breakFault.kind === 'cut') {
          // let the status line and the chunks sent so far reach the client first
          res.flushHeaders();
          await sleep(20);
          return void res.destroy();
        }
        if (breakFault.kind === 'stall') return this.waitClosed(res);
        if (breakFault.kind === 'stream_error') {
          writeLine(res, { error: breakFault.message ?? 'an error was encountered while running the model: unexpected EOF' });
          return void res.end();
        }
        if (breakFault.kind === 'bad_part') {
          writeLine(res, { model, created_at: new Date(this.now()).toISOString(), message: { role: 'assistant', content: 42 }, done: false });
          return void res.end();
        }
      }
      if (gone()) {
        this.stats.streamsAbandoned++;
        return;
      }
      const piece = pieces[i];
      if (piece === undefined) break;
      writeLine(res, endpoint === 'chat' ? chatChunk(model, piece) : generateChunk(model, piece));
      if (this.opts.chunkDelayMs) await sleep(this.opts.chunkDelayMs);
    }
    if (gone()) {
      this.stats.streamsAbandoned++;
      return;
    }
    if (keep === 0) this.memory.delete(model);
    writeLine(res, endpoint === 'chat' ? chatFinal(model, stats()) : generateFinal(model, stats()));
    res.end();
  }

  private waitClosed(res: http.ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      if (res.destroyed) return resolve();
      res.on('close', () => {
        this.stats.streamsAbandoned++;
        resolve();
      });
    });
  }

  private async pull(model: string, body: OllamaRequestBody, res: http.ServerResponse): Promise<void> {
    const remote = this.opts.remote;
    const found = remote ? remote.find((m) => fullName(m.name) === model) : { name: model };
    const stream = body.stream !== false;
    if (!found) {
      const message = 'pull model manifest: file does not exist';
      if (!stream) return sendError(res, 500, message);
      startNdjson(res);
      writeLine(res, { status: 'pulling manifest' });
      writeLine(res, { error: message });
      return void res.end();
    }
    const gone = watchGone(res);
    if (stream) startNdjson(res);
    const send = (line: Record<string, unknown>): void => {
      if (stream) writeLine(res, line);
    };
    const steps = this.opts.pullSteps ?? 5;
    const stepMs = this.opts.pullStepMs ?? 20;
    const total = found.size ?? 2_019_393_189;
    const digest = `sha256:${digestOf(model)}`;
    send({ status: 'pulling manifest' });
    for (let i = 0; i <= steps; i++) {
      await sleep(stepMs);
      if (gone()) {
        this.stats.pullsCancelled++;
        return;
      }
      send({ status: `pulling ${digest.slice(7, 19)}`, digest, total, completed: Math.round((total * i) / steps) });
    }
    send({ status: 'verifying sha256 digest' });
    send({ status: 'writing manifest' });
    this.addModel({ ...found, name: model });
    this.stats.pullsCompleted++;
    if (stream) {
      send({ status: 'success' });
      res.end();
    } else sendJson(res, 200, { status: 'success' });
  }
}

export async function startOllamaServer(opts: OllamaServerOptions = {}): Promise<FakeOllama> {
  const srv = new ScriptedOllama(opts);
  await srv.listen();
  return srv;
}
