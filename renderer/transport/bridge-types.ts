/**
 * The shape of `window.emt`, the object the Electron preload exposes. Derived
 * from the contract's types, like the preload's own declaration of it.
 */
import type { CallInput, CallName, CallOutput, Envelope, StreamMessage } from '../../core/api/contract.js';

export interface EmtBridge {
  invoke<K extends CallName>(call: K, input: CallInput<K>): Promise<Envelope<CallOutput<K>>>;
  on(listener: (msg: StreamMessage) => void): () => void;
  /** The path on disk of a file picked in an <input type="file"> (desktop app only). */
  pathForFile?(file: File): string;
}

declare global {
  interface Window {
    emt?: EmtBridge;
  }
}
