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
    const t = createIpcTransport(fakeBridge((_call, input) => ({ ok: true, value: { key: (input as { key: string }).key, value: { limit: 5 } } })));
    await expect(t.call('policy.get', { key: 'x_daily_quota' })).resolves.toEqual({ key: 'x_daily_quota', value: { limit: 5 } });
  });

  it('parses replies with the contract: a reply that does not fit is a typed error with a sentence, not a value', async () => {
    const wrongShape = createIpcTransport(fakeBridge(() => ({ ok: true, value: { key: 42 } })));
    await expect(wrongShape.call('policy.get', { key: 'x_daily_quota' })).rejects.toMatchObject({
      name: 'CallError',
      code: 'internal',
      message: expect.stringMatching(/^The engine's reply to policy\.get does not fit the contract: key: /),
    });
    const notEnvelope = createIpcTransport(fakeBridge(() => 'surprise'));
    await expect(notEnvelope.call('agents.list', {})).rejects.toMatchObject({ code: 'internal', message: "The engine answered agents.list with a reply that is not the contract's envelope." });
  });

  it('drops stream messages that do not fit the contract', () => {
    const bridge = fakeBridge(() => null);
    const got: StreamMessage[] = [];
    createIpcTransport(bridge).subscribe((m) => got.push(m));
    bridge.emit({ type: 'event', event: { id: 'one' } } as unknown as StreamMessage);
    bridge.emit({ type: 'nonsense' } as unknown as StreamMessage);
    expect(got).toEqual([]);
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
    const msg: StreamMessage = {
      type: 'mission',
      mission: { id: 1, proposalId: null, title: 'T', status: 'running', createdBy: 'opus', failureReason: null, createdAt: '2026-03-02T09:00:00.000Z', startedAt: null, finishedAt: null },
    };
    bridge.emit(msg);
    expect(got).toEqual([msg]);
    off();
    expect(bridge.listeners).toBe(0);
  });
});
