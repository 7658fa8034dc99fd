import { streamMessage, type CallInput, type CallName, type CallOutput, type StreamMessage } from '../../core/api/contract.js';
import { readReply } from '../../core/api/envelope.js';
import type { EmtBridge } from './bridge-types.js';
import { CallError, type StreamStatus, type Transport } from './transport.js';

/** Calls through the preload bridge; the stream arrives over webContents.send. */
export function createIpcTransport(bridge: EmtBridge): Transport {
  return {
    kind: 'ipc',
    async call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
      const reply = readReply(name, await bridge.invoke(name, input));
      if (!reply.ok) throw new CallError(name, reply.code, reply.message);
      return reply.value;
    },
    subscribe(onMessage: (msg: StreamMessage) => void, onStatus?: (status: StreamStatus) => void): () => void {
      // parsed like the HTTP stream: a message that does not fit the contract is dropped, never passed on as if it did
      const off = bridge.on((raw: unknown) => {
        const parsed = streamMessage.safeParse(raw);
        if (parsed.success) onMessage(parsed.data);
        else console.warn('Dropped a stream message that does not fit the contract', parsed.error.issues);
      });
      // IPC cannot drop like a network connection: it is open from the start.
      queueMicrotask(() => onStatus?.('open'));
      return off;
    },
    async archiveSource(file: File): Promise<{ path: string }> {
      const path = bridge.pathForFile?.(file) ?? '';
      if (!path) throw new CallError('data.import', 'invalid_input', 'That file has no path on this computer; pick an archive saved on a disk.');
      return { path };
    },
    downloadUrl: () => null,
  };
}
