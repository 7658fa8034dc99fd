/**
 * The preload: exposes `window.emt` with `invoke` (only the contract's call
 * names), `on` (the engine's stream) and `pathForFile` (where a file the user
 * picked lives, for import). It never exposes ipcRenderer itself. Bundled to CommonJS: sandboxed preloads cannot be ESM.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { isCallName, type CallInput, type CallName, type CallOutput, type Envelope, type StreamMessage } from '../core/api/contract.js';
import { callChannel, STREAM_CHANNEL } from './channels.js';

export interface EmtBridge {
  invoke<K extends CallName>(call: K, input: CallInput<K>): Promise<Envelope<CallOutput<K>>>;
  on(listener: (msg: StreamMessage) => void): () => void;
  /** The path on disk of a file the user picked in an <input type="file"> (for data.inspect / data.import). */
  pathForFile(file: File): string;
}

const bridge: EmtBridge = {
  invoke(call, input) {
    if (typeof call !== 'string' || !isCallName(call)) {
      return Promise.resolve({ ok: false, error: { code: 'not_found', message: `There is no call named "${String(call)}".` } });
    }
    return ipcRenderer.invoke(callChannel(call), input);
  },
  on(listener) {
    if (typeof listener !== 'function') throw new TypeError('emt.on expects a function');
    const forward = (_event: IpcRendererEvent, msg: StreamMessage): void => listener(msg);
    ipcRenderer.on(STREAM_CHANNEL, forward);
    return () => {
      ipcRenderer.removeListener(STREAM_CHANNEL, forward);
    };
  },
  pathForFile(file) {
    return webUtils.getPathForFile(file);
  },
};

contextBridge.exposeInMainWorld('emt', bridge);
