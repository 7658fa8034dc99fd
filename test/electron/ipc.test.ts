import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callNames, type Envelope } from '../../core/api/contract.js';
import type { PgliteDb } from '../../core/db/pglite.js';
import { createEngine, type Engine } from '../../core/engine.js';
import { SystemClock } from '../../core/ports/clock.js';
import { silentLog } from '../../core/ports/log.js';
import { SeededRandom } from '../../core/ports/random.js';
import { registerIpc, type InvokeEventLike, type IpcMainLike } from '../../electron/ipc.js';
import { openEmptyPglite } from '../support/pglite-template.js';

type Listener = (event: InvokeEventLike, input?: unknown) => Promise<Envelope<unknown>>;

/** Stands in for ipcMain: records each registration, and lets the test invoke it as the renderer would. */
function fakeIpcMain(): IpcMainLike & { handlers: Map<string, Listener>; invoke(channel: string, url: string | null, input?: unknown): Promise<Envelope<unknown>> } {
  const handlers = new Map<string, Listener>();
  return {
    handlers,
    handle(channel, listener) {
      if (handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      handlers.set(channel, listener);
    },
    invoke(channel, url, input) {
      const h = handlers.get(channel);
      if (!h) throw new Error(`No handler registered for '${channel}'`);
      return h({ senderFrame: url === null ? null : { url } }, input);
    },
  };
}

const APP_URL = 'file:///opt/emtesseract/resources/app.asar/dist/renderer/index.html';
const isTrusted = (url: string): boolean => url.split('#')[0] === APP_URL;

describe('registerIpc', () => {
  let db: PgliteDb;
  let engine: Engine;
  let ipc: ReturnType<typeof fakeIpcMain>;
  const invalid: string[] = [];

  beforeAll(async () => {
    db = await openEmptyPglite();
    engine = await createEngine({ db, clock: new SystemClock(), random: new SeededRandom(7), log: silentLog, location: 'memory', heartbeat: false });
    await engine.start();
    ipc = fakeIpcMain();
    registerIpc(ipc, engine.handlers, isTrusted, { onInvalidInput: (call) => invalid.push(call) });
  });

  afterAll(async () => {
    await engine?.stop();
    await db?.close();
  });

  it('registers one handler per contract call, and nothing else', () => {
    expect([...ipc.handlers.keys()].sort()).toEqual(callNames.map((n) => `emt:${n}`).sort());
  });

  it('refuses a call from a page that is not the app', async () => {
    for (const url of ['https://evil.example/', 'file:///tmp/other.html', 'about:blank']) {
      const reply = await ipc.invoke('emt:agents.list', url, {});
      expect(reply.ok).toBe(false);
      if (!reply.ok) expect(reply.error.code).toBe('unauthorized');
    }
  });

  it('refuses a call whose frame is gone', async () => {
    const reply = await ipc.invoke('emt:runtime.status', null, {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('answers bad input with the invalid_input envelope', async () => {
    const reply = await ipc.invoke('emt:proposals.create', `${APP_URL}#/stage`, { agentId: 'opus', title: '', steps: [] });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalid_input');
    expect(reply.error.message).toMatch(/proposals\.create/);
    expect(invalid).toContain('proposals.create');
  });

  it('lets a good call from the app reach the engine', async () => {
    const agents = await ipc.invoke('emt:agents.list', APP_URL, {});
    expect(agents.ok).toBe(true);
    if (agents.ok) expect((agents.value as { id: string }[]).map((a) => a.id)).toContain('opus');

    const created = await ipc.invoke('emt:proposals.create', `${APP_URL}#/missions`, {
      agentId: 'brain',
      title: 'Wait over IPC',
      steps: [{ kind: 'wait', payload: { seconds: 0 } }],
    });
    expect(created).toMatchObject({ ok: true, value: { proposal: { status: 'accepted' }, mission: { status: 'approved' } } });
    const missionId = created.ok ? (created.value as { mission: { id: number } }).mission.id : 0;

    let status = '';
    for (let i = 0; i < 100 && status !== 'succeeded'; i++) {
      const got = await ipc.invoke('emt:missions.get', APP_URL, { id: missionId });
      status = got.ok ? (got.value as { mission: { status: string } }).mission.status : 'error';
      if (status !== 'succeeded') await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe('succeeded');
  });

  it('passes a missing input as an empty object', async () => {
    const reply = await ipc.invoke('emt:runtime.status', APP_URL);
    expect(reply.ok).toBe(true);
  });
});
