import { describe, expect, it } from 'vitest';
import type { StreamMessage } from '../../../core/api/contract.js';
import type { EmtBridge } from '../../../renderer/transport/bridge-types.js';
import { createIpcTransport } from '../../../renderer/transport/ipc-transport.js';
import { CallError } from '../../../renderer/transport/transport.js';

function fakeBridge(reply: (call: string, input: unknown) => unknown): EmtBridge & { emit(msg: StreamMessage): void; listeners: number } {
  const listeners = new Set<(msg: StreamMessage) => void>();
  return {
    invoke: ((call: string, input: unknown) => Promise.resolve(reply(call, input))) as EmtBridge['invoke'],
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(msg) {
      for (const l of listeners) l(msg);
    },
    get listeners() {
      return listeners.size;
    },
  };
}

describe('IPC transport', () => {
  it('unwraps a successful envelope', async () => {
    const t = createIpcTransport(fakeBridge((call, input) => ({ ok: true, value: { call, input } })));
    await expect(t.call('policy.get', { key: 'x_daily_quota' })).resolves.toEqual({ call: 'policy.get', input: { key: 'x_daily_quota' } });
  });

  it('turns a refusal into a CallError with the code and the sentence', async () => {
    const t = createIpcTransport(fakeBridge(() => ({ ok: false, error: { code: 'invalid_input', message: 'The value is not valid.' } })));
    const err = await t.call('policy.set', { key: 'x_daily_quota', value: { limit: -1 } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CallError);
    expect(err).toMatchObject({ code: 'invalid_input', message: 'The value is not valid.', call: 'policy.set' });
  });

  it('passes stream messages through, reports the stream open, and unsubscribes', async () => {
    const bridge = fakeBridge(() => null);
    const t = createIpcTransport(bridge);
    const got: StreamMessage[] = [];
    const statuses: string[] = [];
    const off = t.subscribe((m) => got.push(m), (s) => statuses.push(s));
    await Promise.resolve();
    expect(statuses).toEqual(['open']);
    // The transport passes messages through untouched; their shape is the engine's business.
    const msg = { type: 'mission', mission: { id: 1 } } as unknown as StreamMessage;
    bridge.emit(msg);
    expect(got).toEqual([msg]);
    off();
    expect(bridge.listeners).toBe(0);
  });
});
