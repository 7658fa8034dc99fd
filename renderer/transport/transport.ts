/**
 * The one interface the rest of the renderer talks to. Two implementations:
 * IPC through the Electron preload bridge, or HTTP + server-sent events when
 * the UI is served by `npm run serve`. Nothing outside this folder knows which.
 */
import type { CallInput, CallName, CallOutput, StreamMessage } from '../../core/api/contract.js';

export type StreamStatus = 'connecting' | 'open' | 'reconnecting';

export interface Transport {
  readonly kind: 'ipc' | 'http';
  call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>>;
  /**
   * Listens to the engine's stream. `onStatus` hears when the stream (re)opens,
   * so callers can refetch whatever they may have missed while it was down.
   */
  subscribe(onMessage: (msg: StreamMessage) => void, onStatus?: (status: StreamStatus) => void): () => void;
  /**
   * Makes a file the user picked usable as an archive source for data.inspect /
   * data.import: its path in the desktop app, an upload (PUT /api/data/upload) in a browser.
   */
  archiveSource(file: File): Promise<{ path: string } | { uploadId: string }>;
  /** Where a browser downloads an export from (GET /api/data/download/<name>); null in the desktop app, which writes where the user chose. */
  downloadUrl(fileName: string): string | null;
}

/** A refused call: the contract's error code and a sentence a person understands. */
export class CallError extends Error {
  readonly code: string;
  readonly call: string;
  constructor(call: string, code: string, message: string) {
    super(message);
    this.name = 'CallError';
    this.code = code;
    this.call = call;
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || 'Something went wrong.';
  return String(err);
}
