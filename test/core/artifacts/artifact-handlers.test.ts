import { afterEach, describe, expect, it } from 'vitest';
import { saveArtifact } from '../../../core/executors/artifacts.ts';
import { pageEvents } from '../../../core/ops/events.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';

describe.each(dbKinds)('artifacts library on %s', (kind) => {
  let e: TestEngine;
  afterEach(() => e?.close());

  const seed = async (): Promise<number[]> => {
    const a = await saveArtifact(e.ctx, e.db, { kind: 'analysis', title: 'Why churn rose', content: '# Churn\n\nIt **rose** 4%.', agentId: 'brain', missionId: null, stepId: null });
    const b = await saveArtifact(e.ctx, e.db, { kind: 'crawl', title: 'example.com', content: 'Crawled text about 100%_sure things', agentId: 'growth', missionId: null, stepId: null });
    const c = await saveArtifact(e.ctx, e.db, { kind: 'document', title: 'Launch plan', content: 'x'.repeat(1000), agentId: 'brain', missionId: null, stepId: null });
    return [a.id, b.id, c.id];
  };

  it('lists newest first, filters by agent, kind and words, and pages by cursor', async () => {
    e = await testEngine(kind);
    const [a, b, c] = await seed();
    const h = e.handlers;
    expect((await h['artifacts.list']({})).items.map((i) => i.id)).toEqual([c, b, a]);
    expect((await h['artifacts.list']({ agentId: 'brain' })).items.map((i) => i.id)).toEqual([c, a]);
    expect((await h['artifacts.list']({ kind: 'crawl' })).items.map((i) => i.id)).toEqual([b]);
    expect((await h['artifacts.list']({ q: 'churn' })).items.map((i) => i.id)).toEqual([a]);
    // % and _ are literal characters, not wildcards
    expect((await h['artifacts.list']({ q: '100%_' })).items.map((i) => i.id)).toEqual([b]);
    expect((await h['artifacts.list']({ q: '1%0' })).items).toEqual([]);
    const first = await h['artifacts.list']({ limit: 2 });
    expect(first.items.map((i) => i.id)).toEqual([c, b]);
    expect(first.nextCursor).toBe(b);
    const second = await h['artifacts.list']({ limit: 2, cursor: first.nextCursor ?? undefined });
    expect(second.items.map((i) => i.id)).toEqual([a]);
    expect(second.nextCursor).toBeNull();
    const doc = (await h['artifacts.list']({ kind: 'document' })).items[0];
    expect(doc?.chars).toBe(1000);
    expect(doc?.excerpt.length).toBe(240);
  });

  it('reads an artifact whole and edits it as a new version, keeping the old one', async () => {
    e = await testEngine(kind);
    const [a] = await seed();
    const h = e.handlers;
    const v2 = await h['artifacts.saveVersion']({ id: a as number, title: 'Why churn rose (edited)', content: '# Churn\n\nIt rose 5%.' });
    expect(v2.version).toBe(2);
    expect(v2.parentId).toBe(a);
    expect(v2.agentId).toBe('brain');
    expect(v2.meta).toMatchObject({ editedBy: 'user', editedFrom: a });
    const v3 = await h['artifacts.saveVersion']({ id: v2.id, title: 'v3', content: 'third' });
    const got = await h['artifacts.get']({ id: a as number });
    expect(got.artifact.content).toBe('# Churn\n\nIt **rose** 4%.');
    expect(got.versions.map((v) => [v.id, v.version])).toEqual([
      [a, 1],
      [v2.id, 2],
      [v3.id, 3],
    ]);
    // the library shows each artifact once, at its newest version; allVersions shows them all
    const analyses = await h['artifacts.list']({ kind: 'analysis' });
    expect(analyses.items.map((i) => i.id)).toEqual([v3.id]);
    expect((await h['artifacts.list']({ kind: 'analysis', allVersions: true })).items).toHaveLength(3);
    const events = await pageEvents(e.db, { kind: 'artifact_edited' });
    expect(events.items.map((ev) => ev.payload.version)).toEqual([3, 2]);
  });

  it('says so when an artifact does not exist', async () => {
    e = await testEngine(kind);
    await expect(e.handlers['artifacts.get']({ id: 999 })).rejects.toMatchObject({ code: 'not_found' });
    await expect(e.handlers['artifacts.saveVersion']({ id: 999, title: 't', content: 'c' })).rejects.toMatchObject({ code: 'not_found' });
  });
});
