/**
 * Desktop notifications for the renderer's alerts (circuit breaker, no Ollama
 * host, import done, …): one IPC channel, answered only for the app's own
 * page, its payload parsed with zod (a title and a body, nothing else), shown
 * as an Electron Notification where the system supports them. A click on the
 * notification brings the window forward.
 */
import { z } from 'zod';
import type { Envelope } from '../core/api/contract.js';
import { NOTIFY_CHANNEL } from './channels.js';
import type { IpcMainLike, TrustedSender } from './ipc.js';

export const notifyPayload = z
  .object({
    title: z.string().trim().min(1).max(200),
    body: z.string().max(1000),
  })
  .strict();

/** What the renderer learns: whether the system showed it. */
export interface NotifyResult {
  shown: boolean;
}

/** What registerNotify needs of Electron's Notification; tests hand it a stand-in. */
export interface NotificationLike {
  show(): void;
  on(event: 'click', listener: () => void): unknown;
}
export interface NotificationApi {
  new (options: { title: string; body: string }): NotificationLike;
  isSupported(): boolean;
}

export interface NotifyOptions {
  /** Brings the window forward when a notification is clicked. */
  onClick?: () => void;
  /** Told of every refused request (wrong sender, bad payload), for the log. */
  onRefused?: (message: string) => void;
}

export function registerNotify(ipcMain: IpcMainLike, Notification: NotificationApi, isTrustedSender: TrustedSender, opts: NotifyOptions = {}): void {
  ipcMain.handle(NOTIFY_CHANNEL, async (event, input): Promise<Envelope<NotifyResult>> => {
    const url = event.senderFrame?.url;
    if (!url || !isTrustedSender(url)) {
      const message = 'A notification was asked for by a page that is not part of the app; it was refused.';
      opts.onRefused?.(message);
      return { ok: false, error: { code: 'unauthorized', message } };
    }
    const parsed = notifyPayload.safeParse(input);
    if (!parsed.success) {
      const message = 'A notification needs a title (1 to 200 characters) and a body (up to 1,000 characters), and nothing else; this one was not shown.';
      opts.onRefused?.(message);
      return { ok: false, error: { code: 'invalid_input', message } };
    }
    if (!Notification.isSupported()) return { ok: true, value: { shown: false } };
    const n = new Notification({ title: parsed.data.title, body: parsed.data.body });
    if (opts.onClick) n.on('click', opts.onClick);
    n.show();
    return { ok: true, value: { shown: true } };
  });
}
