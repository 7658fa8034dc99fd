import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../../core/api/errors.ts';
import { dbKinds } from '../../support/db.ts';
import { testEngine, type TestEngine } from '../../support/engine.ts';
import { rtEngine, speakerOf, type RtEngine } from './harness.ts';

describe.each(dbKinds)('chatting with one agent on %s', (kind) => {
  let e: RtEngine | TestEngine;
  afterEach(async () => e?.close());

  it('answers in the agent’s voice with what it remembers (whispers included), and keeps the history', async () => {
    let fail = false;
    const rt = await rtEngine(kind, {
      responder: (req) => {
        if (fail) throw new AppError('llm_timeout', 'too slow');
        return `${speakerOf(req)} here — you said: ${req.messages.at(-1)!.content}`;
      },
    });
    e = rt;
    await rt.handlers['memories.whisper']({ agentId: 'growth', type: 'preference', content: 'The user prefers experiments under a week.' });
    const first = await rt.handlers['chat.send']({ agentId: 'growth', text: 'What should we test next?' });
    expect(first.message).toMatchObject({ agentId: 'growth', role: 'user', text: 'What should we test next?' });
    expect(first.reply).toMatchObject({ agentId: 'growth', role: 'agent', text: 'Growth here — you said: What should we test next?' });
    const req = rt.llmCalls[0]!;
    expect(req.system).toContain('You are Growth, the growth specialist');
    expect(req.maxTokens).toBe(600);
    expect(req.system).toContain('The user prefers experiments under a week.');
    expect(req.system).toContain('Personality evolution:\n- Keep in mind what the user told you they prefer');
    await rt.handlers['chat.send']({ agentId: 'growth', text: 'And after that?' });
    expect(rt.llmCalls[1]!.messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    const calls = await rt.db.query<{ purpose: string; agent_id: string }>('SELECT purpose, agent_id FROM ops_llm_calls');
    expect(calls.rows).toEqual([
      { purpose: 'chat', agent_id: 'growth' },
      { purpose: 'chat', agent_id: 'growth' },
    ]);

    fail = true;
    await expect(rt.handlers['chat.send']({ agentId: 'growth', text: 'Still there?' })).rejects.toMatchObject({ code: 'llm_timeout' });
    const history = await rt.handlers['chat.history']({ agentId: 'growth' });
    expect(history.map((m) => [m.role, m.text.slice(0, 12)])).toEqual([
      ['user', 'What should '],
      ['agent', 'Growth here '],
      ['user', 'And after th'],
      ['agent', 'Growth here '],
    ]);
    expect(await rt.handlers['chat.history']({ agentId: 'opus' })).toEqual([]);
    await expect(rt.handlers['chat.history']({ agentId: 'nobody' })).rejects.toMatchObject({ code: 'not_found' });
  });

  it('without a model it says so instead of failing silently', async () => {
    e = await testEngine(kind, { workers: false, heartbeat: false });
    await expect(e.handlers['chat.send']({ agentId: 'opus', text: 'Hi' })).rejects.toMatchObject({ code: 'not_configured' });
  });
});
