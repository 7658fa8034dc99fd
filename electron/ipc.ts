/**
 * The contract over Electron IPC: one `ipcMain.handle` per call. Every call
 * is checked against its sender (only the app's own page may call), parsed
 * with the contract's schema and run by `dispatchCall`, the same function the
 * HTTP transport uses, so both reply with the same envelope.
 */
import { callNames, type Envelope, type Handlers } from '../core/api/contract.js';
import { dispatchCall, type DispatchHooks } from '../core/server/dispatch.js';
import { callChannel } from './channels.js';

/** What a handler needs of an invoke event: the frame that sent it. Electron's IpcMainInvokeEvent fits. */
export interface InvokeEventLike {
  readonly senderFrame: { readonly url: string } | null;
}

/** What registerIpc needs of ipcMain; tests hand it a stand-in that records registrations. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, input?: unknown) => Promise<Envelope<unknown>>): void;
}

export type TrustedSender = (frameUrl: string) => boolean;

/** Registers every contract call; returns the channels it registered. */
export function registerIpc(ipcMain: IpcMainLike, handlers: Handlers, isTrustedSender: TrustedSender, hooks: DispatchHooks = {}): string[] {
  const channels: string[] = [];
  for (const name of callNames) {
    const channel = callChannel(name);
    ipcMain.handle(channel, async (event, input) => {
      const url = event.senderFrame?.url;
      if (!url || !isTrustedSender(url)) {
        return { ok: false, error: { code: 'unauthorized', message: `The call ${name} came from a page that is not part of the app; it was refused.` } };
      }
      return dispatchCall(handlers, name, input, hooks);
    });
    channels.push(channel);
  }
  return channels;
}
