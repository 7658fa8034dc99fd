import { beforeAll, describe, expect, it, vi } from 'vitest';
import { callNames } from '../../core/api/contract.js';

// The preload talks to Electron only through these two modules; stand-ins record what it does.
const exposed = new Map<string, unknown>();
const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
const invoked: { channel: string; input: unknown }[] = [];

vi.mock('electron', () => ({
  webUtils: { getPathForFile: (file: { path: string }) => file.path },
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: (channel: string, input: unknown) => {
      invoked.push({ channel, input });
      // the main process's notify answer (electron/notify.ts): shown unless the title says otherwise
      if (channel === 'emt:desktop.notify') return Promise.resolve({ ok: true, value: { shown: (input as { title: string }).title !== 'unsupported' } });
      return Promise.resolve({ ok: true, value: channel });
    },
    on: (channel: string, fn: (...args: unknown[]) => void) => {
      if (!listeners.has(channel)) listeners.set(channel, new Set());
      listeners.get(channel)?.add(fn);
    },
    removeListener: (channel: string, fn: (...args: unknown[]) => void) => listeners.get(channel)?.delete(fn),
  },
}));

interface Desktop {
  notify(title: unknown, body: unknown): Promise<boolean>;
}

interface Bridge {
  invoke(call: string, input: unknown): Promise<{ ok: boolean; value?: unknown; error?: { code: string } }>;
  on(listener: (msg: unknown) => void): () => void;
}

describe('preload', () => {
  let emt: Bridge;
  let desktop: Desktop;
  beforeAll(async () => {
    await import('../../electron/preload.js');
    emt = exposed.get('emt') as Bridge;
    desktop = exposed.get('emtDesktop') as Desktop;
  });

  it('exposes only window.emt (invoke, on, pathForFile) and window.emtDesktop (notify)', () => {
    expect([...exposed.keys()]).toEqual(['emt', 'emtDesktop']);
    expect(Object.keys(emt).sort()).toEqual(['invoke', 'on', 'pathForFile']);
    expect(Object.keys(desktop)).toEqual(['notify']);
  });

  it('asks the main process for a notification on its own channel, with the title and body only', async () => {
    const before = invoked.length;
    expect(await desktop.notify('Import finished', 'The company is open.')).toBe(true);
    expect(await desktop.notify('unsupported', 'Nothing shows')).toBe(false);
    expect(invoked.slice(before)).toEqual([
      { channel: 'emt:desktop.notify', input: { title: 'Import finished', body: 'The company is open.' } },
      { channel: 'emt:desktop.notify', input: { title: 'unsupported', body: 'Nothing shows' } },
    ]);
    // anything but two strings never reaches IPC
    expect(await desktop.notify({ title: 'x' }, 'y')).toBe(false);
    expect(await desktop.notify('x', 42)).toBe(false);
    expect(invoked.length).toBe(before + 2);
  });

  it('forwards every contract call to its own channel', async () => {
    for (const name of callNames) {
      const reply = await emt.invoke(name, {});
      expect(reply).toEqual({ ok: true, value: `emt:${name}` });
    }
  });

  it('refuses names outside the contract without touching IPC', async () => {
    const before = invoked.length;
    for (const name of ['stream', 'emt:agents.list', '__proto__', 'toString', 'constructor']) {
      const reply = await emt.invoke(name, {});
      expect(reply.ok).toBe(false);
      expect(reply.error?.code).toBe('not_found');
    }
    expect(invoked.length).toBe(before);
  });

  it('delivers stream messages without the IPC event, and unsubscribes', () => {
    const got: unknown[] = [];
    const off = emt.on((m) => got.push(m));
    const msg = { type: 'event', event: { id: 1 } };
    for (const fn of listeners.get('emt:stream') ?? []) fn({ sender: 'secret' }, msg);
    expect(got).toEqual([msg]);
    off();
    expect(listeners.get('emt:stream')?.size).toBe(0);
  });
});
