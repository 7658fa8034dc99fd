import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from '../../../core/api/errors.js';
import { SystemClock } from '../../../core/ports/clock.js';
import { clampToSchema } from '../../../core/llm/json-clamp.js';
import { extractJsonText, parseJsonReply, stripFences } from '../../../core/llm/json-extract.js';
import { OllamaLlm } from '../../../core/llm/ollama.js';
import type { ChatRequest } from '../../../core/llm/port.js';
import { chatStructured, formatFor } from '../../../core/llm/structured.js';
import { startOllamaServer, type FakeOllama } from '../../support/ollama-server.js';

const MODEL = 'llama3.2:3b';
const Decision = z.object({
  action: z.enum(['hire', 'wait']),
  confidence: z.number().min(0).max(1),
  headcount: z.int().min(1).max(5),
  reasons: z.array(z.string()).max(3),
});

let srv: FakeOllama;
let llm: OllamaLlm;
const req: ChatRequest = { model: MODEL, system: 'Decide.', messages: [{ role: 'user', content: 'Should we hire?' }] };
const good = { action: 'hire', confidence: 0.7, headcount: 2, reasons: ['growth'] };

beforeEach(async () => {
  srv = await startOllamaServer({ models: [{ name: MODEL, contextLength: 131072 }] });
  llm = new OllamaLlm({ host: srv.url, clock: new SystemClock() });
});

afterEach(async () => {
  await srv.close();
});

describe('chatStructured', () => {
  it('sends the JSON schema as format and returns a typed value', async () => {
    srv.script(MODEL, { json: good });
    const out = await chatStructured(llm, req, Decision);
    expect(out.value).toEqual(good);
    expect(out.repaired).toBe(false);
    expect(out.result.completionTokens).toBeGreaterThan(0);
    const format = srv.bodies('/api/chat')[0]?.format as Record<string, unknown>;
    expect(format['type']).toBe('object');
    expect(format['required']).toEqual(['action', 'confidence', 'headcount', 'reasons']);
    expect(format['$schema']).toBeUndefined();
  });

  it('reads a fenced reply', async () => {
    srv.script(MODEL, { fenced: good });
    expect((await chatStructured(llm, req, Decision)).value).toEqual(good);
  });

  it('reads a reply fenced by a fault', async () => {
    srv.script(MODEL, { json: good });
    srv.fault({ kind: 'fenced' });
    expect((await chatStructured(llm, req, Decision)).value).toEqual(good);
  });

  it('reads JSON wrapped in prose', async () => {
    srv.script(MODEL, { raw: `Sure! Here is my decision: ${JSON.stringify(good)} Let me know {if} you need more.` });
    expect((await chatStructured(llm, req, Decision)).value).toEqual(good);
  });

  it('clamps out-of-range numbers and rounds integers', async () => {
    srv.script(MODEL, { json: { ...good, confidence: -30.1, headcount: 9.4 } });
    const out = await chatStructured(llm, req, Decision);
    expect(out.value.confidence).toBe(0);
    expect(out.value.headcount).toBe(5);
    expect(out.repaired).toBe(false);
  });

  it('repairs an invalid reply with one retry that describes the errors', async () => {
    srv.script(MODEL, { json: { ...good, action: 'maybe' } }, { json: good });
    const out = await chatStructured(llm, req, Decision);
    expect(out.value).toEqual(good);
    expect(out.repaired).toBe(true);
    const [, second] = srv.bodies('/api/chat');
    const msgs = second?.messages ?? [];
    expect(msgs.at(-2)?.role).toBe('assistant');
    expect(msgs.at(-2)?.content).toContain('maybe');
    expect(msgs.at(-1)?.role).toBe('user');
    expect(msgs.at(-1)?.content).toContain('action');
  });

  it('asks again, shorter, without the cut reply, when the host stopped at the length limit', async () => {
    // (the scripted server streams a word per token: the pretty-printed reply is cut, the compact one is one token)
    srv.script(MODEL, { raw: JSON.stringify({ ...good, reasons: ['a long one', 'and another', 'and more'] }, null, 1) }, { json: good });
    const out = await chatStructured(llm, { ...req, maxTokens: 12 }, Decision);
    expect(out.value).toEqual(good);
    expect(out.repaired).toBe(true);
    const [first, second] = srv.bodies('/api/chat');
    expect(first?.options?.num_predict).toBe(12);
    const msgs = second?.messages ?? [];
    expect(msgs.map((m) => m.role)).toEqual(['system', 'user', 'user']);
    expect(msgs.at(-1)?.content).toMatch(/^Your last reply was cut off at the length limit/);
    expect(msgs.some((m) => m.role === 'assistant')).toBe(false);
  });

  it('repairs broken JSON', async () => {
    srv.script(MODEL, { json: good }, { json: good });
    srv.fault({ kind: 'invalid_json' });
    const out = await chatStructured(llm, req, Decision);
    expect(out.repaired).toBe(true);
    expect(srv.bodies('/api/chat')[1]?.messages?.at(-1)?.content).toContain('not valid JSON');
  });

  it('gives up after the retry with llm_invalid_output', async () => {
    srv.script(MODEL, { raw: 'I would rather tell a story.' }, { json: { action: 'hire' } });
    const err = (await chatStructured(llm, req, Decision).catch((e: unknown) => e)) as AppError;
    expect(err).toBeInstanceOf(AppError);
    expect(err.code).toBe('llm_invalid_output');
    expect(err.message).toMatch(/after a retry/);
    expect(err.details?.['raw']).toBe('{"action":"hire"}');
    expect(Array.isArray(err.details?.['issues'])).toBe(true);
    expect(srv.bodies('/api/chat')).toHaveLength(2);
  });

  it('passes transport errors through', async () => {
    srv.fault({ kind: 'busy' });
    const err = (await chatStructured(llm, req, Decision).catch((e: unknown) => e)) as AppError;
    expect(err.code).toBe('llm_queue_full');
  });
});

describe('JSON extraction', () => {
  it('strips fences', () => {
    expect(stripFences('```json\n{"a":1}\n```')).toBe('{"a":1}');
    expect(stripFences('text\n```\n[1]\n```\nmore')).toBe('[1]');
    expect(stripFences('{"a":1}')).toBe('{"a":1}');
  });

  it('finds the outermost object in prose, honouring strings', () => {
    expect(extractJsonText('ok {"a":{"b":"}"}} done {"c":2}')).toBe('{"a":{"b":"}"}}');
    expect(extractJsonText('list: [1,[2]] end', '[')).toBe('[1,[2]]');
  });

  it('explains unparseable replies', () => {
    expect(parseJsonReply('')).toEqual({ ok: false, message: 'the reply was empty' });
    const bad = parseJsonReply('{"a": 1,');
    expect(bad.ok).toBe(false);
  });
});

describe('clampToSchema', () => {
  it('walks objects, arrays, nullable branches and $refs', () => {
    const schema = formatFor(
      z.object({
        scores: z.array(z.number().min(0).max(10)),
        maybe: z.number().max(1).nullable(),
        count: z.int().gt(0).lt(10),
        name: z.string(),
      }),
    );
    expect(clampToSchema({ scores: [-1, 5, 99], maybe: 3, count: 0, name: 'x' }, schema)).toEqual({
      scores: [0, 5, 10],
      maybe: 1,
      count: 1,
      name: 'x',
    });
    expect(clampToSchema({ scores: [], maybe: null, count: 12, name: 'x' }, schema)).toEqual({
      scores: [],
      maybe: null,
      count: 9,
      name: 'x',
    });
    const withRef = { $defs: { P: { type: 'number', maximum: 2 } }, type: 'object', properties: { p: { $ref: '#/$defs/P' } } };
    expect(clampToSchema({ p: 5 }, withRef)).toEqual({ p: 2 });
  });

  it('does not mutate its input', () => {
    const input = { v: 5 };
    clampToSchema(input, { type: 'object', properties: { v: { type: 'number', maximum: 1 } } });
    expect(input.v).toBe(5);
  });
});
