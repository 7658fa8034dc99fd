import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../core/api/errors.ts';
import { pageEvents } from '../../../core/ops/events.ts';
import { dbKinds } from '../../support/db.ts';
import { defaultResponder, driveUntil, rtEngine, type RtEngine, type Responder } from './harness.ts';

describe.each(dbKinds)('turns the model gets wrong on %s', (kind) => {
  let e: RtEngine;
  afterEach(async () => e?.close());

  async function talk(responder: Responder, participants = ['brain', 'twitter-alt']) {
    e = await rtEngine(kind, { loops: true, responder });
    await e.start();
    const conv = await e.handlers['roundtables.enqueue']({ format: 'debate', participants });
    await driveUntil(e.clock, async () => ['succeeded', 'failed'].includes((await e.handlers['roundtables.get']({ id: conv.id })).conversation.status));
    return conv;
  }

  it('a line that is empty after cleaning is replaced by the speaker’s signature line, never stored empty', async () => {
    const conv = await talk((req) => (req.format ? defaultResponder(req) : '   https://example.com/only-a-link   '));
    const got = await e.handlers['roundtables.get']({ id: conv.id });
    expect(got.conversation.status).toBe('succeeded');
    expect(got.turns).toHaveLength(conv.turnsPlanned);
    for (const t of got.turns) expect(t.text).toBe(t.speaker === 'brain' ? 'The numbers tell a different story.' : 'Hear me out — this is crazy but...');
    const events = (await pageEvents(e.db, { kind: 'roundtable_turn' })).items;
    expect(events.every((x) => x.payload['fallback'] === true)).toBe(true);
  });

  it('with no fallback either, nothing is stored and the conversation is retried, not finished empty', async () => {
    e = await rtEngine(kind, { loops: true, responder: (req) => (req.format ? defaultResponder(req) : '**') });
    for (const id of ['brain', 'twitter-alt']) await e.handlers['agents.update']({ id, patch: { signatureLine: '' } });
    await e.start();
    const conv = await e.handlers['roundtables.enqueue']({ format: 'debate', participants: ['brain', 'twitter-alt'] });
    await driveUntil(e.clock, async () => (await pageEvents(e.db, { kind: 'roundtable_retry' })).items.length > 0);
    const got = await e.handlers['roundtables.get']({ id: conv.id });
    expect(got.turns).toEqual([]);
    expect(got.conversation).toMatchObject({ status: 'queued', lastError: expect.stringContaining('nothing usable') });
  });

  it('a context window too small for the whole history: the speaker hears only the last lines', async () => {
    const conv = await talk((req) => {
      if (req.format) return defaultResponder(req);
      const lines = req.messages[0]!.content.split('So far:\n')[1]?.split('\n\n')[0]?.split('\n').length ?? 0;
      if (lines > 4) throw new AppError('llm_context_truncated', 'window full');
      return `Line with ${lines} lines of history.`;
    });
    const got = await e.handlers['roundtables.get']({ id: conv.id });
    expect(got.conversation.status).toBe('succeeded');
    expect(got.turns.map((t) => t.text)).toEqual(got.turns.map((_, i) => `Line with ${Math.min(i, 4)} lines of history.`));
  });
});
