import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCli } from '../../support/serve-process.ts';
import { eventually } from '../../support/engine.ts';

describe('npm run serve', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'emt-serve-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('runs the loop over HTTP on a data dir, and keeps everything across a restart', async () => {
    const dataDir = path.join(dir, 'data');
    const s = await startCli('serve', ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
    try {
      const status = await s.call<{ database: { kind: string; location: string }; heartbeat: { running: boolean } }>('runtime.status');
      expect(status.status).toBe(200);
      expect(status.body.value?.database).toEqual({ kind: 'pglite', location: dataDir });

      const agents = await s.call<{ id: string }[]>('agents.list');
      expect(agents.body.value?.map((a) => a.id)).toEqual(['opus', 'brain', 'growth', 'creator', 'twitter-alt', 'observer']);

      // Give task: an auto-approved kind becomes a mission whose step runs and succeeds
      const created = await s.call<{ proposal: { id: number; status: string }; mission: { id: number } }>('proposals.create', {
        agentId: 'opus',
        title: 'Hold for a moment',
        steps: [{ kind: 'wait', payload: { seconds: 0.2 } }],
      });
      expect(created.body.value?.proposal.status).toBe('accepted');
      const missionId = created.body.value!.mission.id;
      const done = await eventually(async () => {
        const m = await s.call<{ mission: { status: string }; steps: { status: string }[]; events: { kind: string }[] }>('missions.get', { id: missionId });
        return m.body.value?.mission.status === 'succeeded' ? m.body.value : null;
      });
      expect(done.steps.map((x) => x.status)).toEqual(['succeeded']);
      const page = await s.call<{ items: { kind: string; missionId: number | null }[] }>('events.page', { limit: 50 });
      const kinds = page.body.value!.items.filter((x) => x.missionId === missionId).map((x) => x.kind);
      expect(kinds).toEqual(expect.arrayContaining(['mission_created', 'step_succeeded', 'mission_succeeded']));

      // over quota: rejected with its reason stored
      await s.call('policy.set', { key: 'x_daily_quota', value: { limit: 0 } });
      const over = await s.call<{ proposal: { id: number; status: string; rejectionReason: string } }>('proposals.create', {
        agentId: 'twitter-alt',
        title: 'Tweet it',
        steps: [{ kind: 'post_tweet', payload: { text: 'hi' } }],
      });
      expect(over.body.value?.proposal).toMatchObject({ status: 'rejected', rejectionReason: 'Quota full (0/0): posts to x today.' });
      const listed = await s.call<{ id: number; rejectionReason: string }[]>('proposals.list', { status: 'rejected' });
      expect(listed.body.value?.[0]).toMatchObject({ id: over.body.value!.proposal.id, rejectionReason: expect.stringMatching(/Quota full/) });

      // a bad policy value is refused with a clear message
      const bad = await s.call('policy.set', { key: 'x_daily_quota', value: { limit: 'lots' } });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
      expect(bad.body.error?.message).toMatch(/x_daily_quota.*limit/);
      const unknown = await s.call('no.such.call');
      expect(unknown.status).toBe(404);
      const badInput = await s.call('missions.get', { id: 'seven' });
      expect(badInput.body.error?.message).toMatch(/The input for missions.get is not valid: id/);
      const refused = await s.call<{ items: { kind: string }[] }>('events.page', { kind: 'input_rejected' });
      expect(refused.body.value!.items.length).toBeGreaterThanOrEqual(1);

      // the heartbeat ran and is recorded
      const runs = await s.call<unknown[]>('heartbeat.runs', {});
      expect(runs.body.value!.length).toBeGreaterThanOrEqual(1);
    } finally {
      expect(await s.stop()).toBe(0);
    }

    const again = await startCli('serve', ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn']);
    try {
      const missions = await again.call<{ status: string }[]>('missions.list', {});
      expect(missions.body.value?.map((m) => m.status)).toEqual(['succeeded']);
      const policy = await again.call<{ value: { limit: number } }>('policy.get', { key: 'x_daily_quota' });
      expect(policy.body.value?.value).toEqual({ limit: 0 });
      const proposals = await again.call<unknown[]>('proposals.list', {});
      expect(proposals.body.value).toHaveLength(2);
    } finally {
      await again.stop();
    }
  });

  it('refuses a non-loopback bind without a token, and demands the token when one is set', async () => {
    await expect(startCli('serve', ['--port', '0', '--memory', '--host', '0.0.0.0'])).rejects.toThrow(/without a token/);
    const s = await startCli('serve', ['--port', '0', '--memory', '--token', 's3cret', '--no-workers', '--no-heartbeat', '--log-level', 'warn']);
    try {
      const anon = await s.call('runtime.status');
      expect(anon.status).toBe(401);
      const ok = await s.call('runtime.status', {}, 's3cret');
      expect(ok.status).toBe(200);
      const res = await fetch(`${s.url}/api/runtime.status`, { method: 'POST', headers: { 'content-type': 'text/plain', authorization: 'Bearer s3cret' }, body: '{}' });
      expect(res.status).toBe(400);
    } finally {
      await s.stop();
    }
  });

  it('streams new events as server-sent events', async () => {
    const s = await startCli('serve', ['--port', '0', '--memory', '--log-level', 'warn']);
    try {
      const res = await fetch(`${s.url}/api/stream`);
      expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
      const reader = res.body!.getReader();
      await s.call('proposals.create', { agentId: 'brain', title: 'Streamed', steps: [{ kind: 'wait', payload: {} }] });
      let text = '';
      const dec = new TextDecoder();
      while (!text.includes('Mission succeeded: Streamed')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += dec.decode(value);
      }
      await reader.cancel();
      expect(text).toMatch(/event: event\ndata: \{"type":"event"/);
      expect(text).toContain('Mission: Streamed');
      expect(text).toContain('Mission succeeded: Streamed');
    } finally {
      await s.stop();
    }
  });
});
