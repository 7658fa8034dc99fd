import type { CallInput, CallName, CallOutput, StreamMessage } from '../../core/api/contract.js';
import type { EmtBridge } from './bridge-types.js';
import { CallError, type StreamStatus, type Transport } from './transport.js';

/** Calls through the preload bridge; the stream arrives over webContents.send. */
export function createIpcTransport(bridge: EmtBridge): Transport {
  return {
    kind: 'ipc',
    async call<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
      const reply = await bridge.invoke(name, input);
      if (!reply.ok) throw new CallError(name, reply.error.code, reply.error.message);
      return reply.value;
    },
    subscribe(onMessage: (msg: StreamMessage) => void, onStatus?: (status: StreamStatus) => void): () => void {
      const off = bridge.on(onMessage);
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
