/**
 * The preload: exposes `window.emt` with `invoke` (only the contract's call
 * names), `on` (the engine's stream) and `pathForFile` (where a file the user
 * picked lives, for import), and `window.emtDesktop.notify(title, body)` (an
 * OS notification, shown by the main process). It never exposes ipcRenderer
 * itself. Bundled to CommonJS: sandboxed preloads cannot be ESM.
 */
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { isCallName, type CallInput, type CallName, type CallOutput, type Envelope, type StreamMessage } from '../core/api/contract.js';
import { callChannel, NOTIFY_CHANNEL, STREAM_CHANNEL } from './channels.js';

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

/** What only the desktop app offers the page; the renderer's lib/notify.ts looks for it. */
export interface EmtDesktop {
  /** Shows an OS notification; resolves to whether it was shown (false where the system has none, or for a bad title or body). */
  notify(title: string, body: string): Promise<boolean>;
}

const desktop: EmtDesktop = {
  notify(title, body) {
    if (typeof title !== 'string' || typeof body !== 'string') return Promise.resolve(false);
    return ipcRenderer.invoke(NOTIFY_CHANNEL, { title, body }).then(
      (r: Envelope<{ shown: boolean }>) => r.ok && r.value.shown,
      () => false,
    );
  },
};

contextBridge.exposeInMainWorld('emt', bridge);
contextBridge.exposeInMainWorld('emtDesktop', desktop);
