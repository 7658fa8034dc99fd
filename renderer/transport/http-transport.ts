import { streamMessage, type CallInput, type CallName, type CallOutput, type StreamMessage } from '../../core/api/contract.js';
import { envelopeSchema, readReply } from '../../core/api/envelope.js';
import { uploadReply } from '../../core/api/data-calls.js';
import { CallError, type StreamStatus, type Transport } from './transport.js';

export interface HttpTransportOptions {
  /** Where /api lives, e.g. "http://127.0.0.1:4319/". */
  baseUrl: string;
  token?: string | null;
}

/** The stream's event names are the message types of the contract. */
const streamTypes = streamMessage.options.map((o) => o.shape.type.value);

const MAX_BACKOFF_MS = 15_000;

/** POST /api/<call> for calls; GET /api/stream (server-sent events) for the stream, reconnecting with backoff. */
export function createHttpTransport(opts: HttpTransportOptions): Transport {
  const api = new URL('api/', opts.baseUrl);
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;

  async function call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
    let res: Response;
    try {
      res = await fetch(new URL(name, api), { method: 'POST', headers, body: JSON.stringify(input ?? {}) });
    } catch {
      throw new CallError(name, 'unavailable', 'The engine cannot be reached. Is `npm run serve` still running?');
    }
    let raw: unknown;
    try {
      raw = await res.json();
    } catch {
      throw new CallError(name, 'internal', `The engine answered ${name} with something that is not JSON (HTTP ${res.status}).`);
    }
    const reply = readReply(name, raw);
    if (!reply.ok) throw new CallError(name, reply.code, reply.message);
    return reply.value;
  }

  function subscribe(onMessage: (msg: StreamMessage) => void, onStatus?: (status: StreamStatus) => void): () => void {
    let source: EventSource | null = null;
    let retryTimer: ReturnType<typeof setTimeout> | null = null;
    let backoff = 1000;
    let closed = false;

    const handle = (e: MessageEvent<string>): void => {
      let data: unknown;
      try {
        data = JSON.parse(e.data);
      } catch {
        return;
      }
      const parsed = streamMessage.safeParse(data);
      if (parsed.success) onMessage(parsed.data);
      else console.warn(`Dropped a "${e.type}" stream message that does not fit the contract`, parsed.error.issues);
    };

    const open = (): void => {
      if (closed) return;
      const url = new URL('stream', api);
      if (opts.token) url.searchParams.set('token', opts.token);
      const es = new EventSource(url);
      source = es;
      es.onopen = () => {
        backoff = 1000;
        onStatus?.('open');
      };
      es.onerror = () => {
        // EventSource retries by itself while CONNECTING; once CLOSED it gives up, so we take over.
        if (closed) return;
        onStatus?.('reconnecting');
        if (es.readyState !== EventSource.CLOSED) return;
        es.close();
        retryTimer = setTimeout(() => open(), backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      };
      for (const type of streamTypes) es.addEventListener(type, handle);
    };

    onStatus?.('connecting');
    open();
    return () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      source?.close();
    };
  }

  async function archiveSource(file: File): Promise<{ uploadId: string }> {
    const auth: Record<string, string> = { 'Content-Type': 'application/octet-stream' };
    if (opts.token) auth.Authorization = `Bearer ${opts.token}`;
    let res: Response;
    try {
      res = await fetch(new URL('data/upload', api), { method: 'PUT', headers: auth, body: file });
    } catch {
      throw new CallError('data.upload', 'unavailable', 'The engine cannot be reached to upload the archive. Is `npm run serve` still running?');
    }
    const env = envelopeSchema.safeParse(await res.json().catch(() => null));
    if (!env.success) throw new CallError('data.upload', res.status === 404 ? 'unavailable' : 'internal', `The upload was not accepted (HTTP ${res.status}).`);
    if (!env.data.ok) throw new CallError('data.upload', env.data.error.code, env.data.error.message);
    const value = uploadReply.safeParse(env.data.value);
    if (!value.success) throw new CallError('data.upload', 'internal', 'The server answered the upload without an upload id.');
    return { uploadId: value.data.uploadId };
  }

  function downloadUrl(fileName: string): string {
    const url = new URL(`data/download/${encodeURIComponent(fileName)}`, api);
    if (opts.token) url.searchParams.set('token', opts.token);
    return url.toString();
  }

  return { kind: 'http', call, subscribe, archiveSource, downloadUrl };
}
