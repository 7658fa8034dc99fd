/**
 * Desktop notifications: registerNotify with a stand-in ipcMain and
 * Electron's Notification (see support/fake-electron): only the app's page,
 * only a title and a body, nothing where the system has no notifications, a
 * click brings the window forward.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { NOTIFY_CHANNEL } from '../../electron/channels.js';
import type { IpcMainLike } from '../../electron/ipc.js';
import { registerNotify } from '../../electron/notify.js';
import { FakeNotification, fx } from './support/fake-electron.ts';

type Listener = Parameters<IpcMainLike['handle']>[1];

describe('registerNotify', () => {
  const handlers = new Map<string, Listener>();
  const refused: string[] = [];
  let clicks = 0;
  const ask = (url: string | null, input: unknown) => {
    const h = handlers.get(NOTIFY_CHANNEL);
    if (!h) throw new Error('no notify handler');
    return h({ senderFrame: url === null ? null : { url } }, input);
  };

  beforeEach(() => {
    handlers.clear();
    refused.length = 0;
    fx.notifications.length = 0;
    FakeNotification.supported = true;
    clicks = 0;
    registerNotify({ handle: (channel, fn) => void handlers.set(channel, fn) }, FakeNotification, (url) => url.startsWith('app://emtesseract/'), {
      onClick: () => clicks++,
      onRefused: (m) => refused.push(m),
    });
  });

  it('registers one channel of its own, outside the contract’s names', () => {
    expect([...handlers.keys()]).toEqual(['emt:desktop.notify']);
  });

  it('shows the title and body asked for by the app’s page, and a click brings the window forward', async () => {
    expect(await ask('app://emtesseract/index.html#/stage', { title: 'Import finished', body: 'The company from the archive is open.' })).toEqual({ ok: true, value: { shown: true } });
    expect(fx.notifications.map((n) => n.options)).toEqual([{ title: 'Import finished', body: 'The company from the archive is open.' }]);
    fx.notifications[0]?.emit('click');
    expect(clicks).toBe(1);
    expect(refused).toEqual([]);
  });

  it('refuses any other page, and shows nothing', async () => {
    for (const url of ['https://evil.example/', 'file:///etc/passwd', null]) {
      expect(await ask(url, { title: 'Hi', body: 'there' })).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    }
    expect(fx.notifications).toEqual([]);
    expect(refused).toHaveLength(3);
  });

  it('refuses a payload that is not a title and a body, with a sentence, and shows nothing', async () => {
    const bad: unknown[] = [
      undefined,
      'Import finished',
      { title: '', body: 'x' },
      { title: '   ', body: 'x' },
      { title: 'x'.repeat(201), body: 'x' },
      { title: 'x', body: 'y'.repeat(1001) },
      { title: 'x' },
      { title: 1, body: 'x' },
      { title: 'x', body: 'y', icon: '/etc/passwd' },
    ];
    for (const input of bad) {
      const r = await ask('app://emtesseract/index.html', input);
      expect(r, JSON.stringify(input)).toMatchObject({ ok: false, error: { code: 'invalid_input', message: expect.stringMatching(/^A notification needs a title/) } });
    }
    expect(fx.notifications).toEqual([]);
    expect(refused).toHaveLength(bad.length);
  });

  it('shows nothing where the system has no notifications, and says so', async () => {
    FakeNotification.supported = false;
    expect(await ask('app://emtesseract/index.html', { title: 'Hi', body: 'there' })).toEqual({ ok: true, value: { shown: false } });
    expect(fx.notifications).toEqual([]);
  });
});
