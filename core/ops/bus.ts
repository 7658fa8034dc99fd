import type { StreamMessage } from '../api/contract.js';

type Listener = (msg: StreamMessage) => void;

/** In-process fan-out of stream messages (new events, step and mission changes, progress). */
export class Bus {
  private listeners = new Set<Listener>();
  private wakeListeners = new Set<(kind: string) => void>();

  publish(msg: StreamMessage): void {
    for (const l of this.listeners) {
      try {
        l(msg);
      } catch {
        // a broken subscriber never breaks the engine
      }
    }
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Tells in-process workers that a step of `kind` was queued. */
  wake(kind: string): void {
    for (const l of this.wakeListeners) l(kind);
  }

  onWake(listener: (kind: string) => void): () => void {
    this.wakeListeners.add(listener);
    return () => this.wakeListeners.delete(listener);
  }
}
