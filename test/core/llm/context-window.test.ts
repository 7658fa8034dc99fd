import { describe, expect, it } from 'vitest';
import { AppError } from '../../../core/api/errors.js';
import { checkPromptEval, estimatePromptTokens, limitsFromShow, planWindow } from '../../../core/llm/context-window.js';

const opts = { growContext: true, replyReserve: 512 };

describe('context window', () => {
  it('estimates chars / 4 plus a little per message', () => {
    expect(estimatePromptTokens({ system: 'abcd', messages: [{ role: 'user', content: 'x'.repeat(40) }] })).toBe(1 + 4 + 10 + 4);
  });

  it('plans the window', () => {
    expect(planWindow('m', 1000, undefined, {}, opts)).toEqual({ numCtx: undefined, window: 4096, estimate: 1000, grown: false });
    expect(planWindow('m', 1000, 2048, { contextLength: 1024 }, opts).window).toBe(1024);
    expect(planWindow('m', 5000, undefined, { contextLength: 8192 }, opts)).toEqual({ numCtx: 6144, window: 6144, estimate: 5000, grown: true });
    expect(planWindow('m', 7900, undefined, { contextLength: 8192 }, opts).numCtx).toBe(8192);
    // unknown trained length: no growing, and too long is refused
    expect(() => planWindow('m', 5000, undefined, {}, opts)).toThrow(AppError);
    expect(() => planWindow('m', 5000, undefined, { contextLength: 8192 }, { ...opts, growContext: false })).toThrow(/silently cut/);
    // fits without the reply reserve: sent as is
    expect(planWindow('m', 4000, undefined, {}, opts).window).toBe(4096);
  });

  it('reads prompt_eval_count at the window as truncation, and only then', () => {
    const plan = { window: 4096, estimate: 3000, grown: false };
    expect(() => checkPromptEval('m', 4096, plan)).toThrow(/cut the prompt/);
    expect(() => checkPromptEval('m', 4093, plan)).toThrow(AppError);
    expect(() => checkPromptEval('m', 4000, plan)).not.toThrow();
    // a count above the assumed window: the server's real window was larger
    expect(() => checkPromptEval('m', 6000, plan)).not.toThrow();
  });

  it('reads limits from /api/show', () => {
    expect(
      limitsFromShow({
        parameters: 'num_ctx                        8192\nstop "<|eot_id|>"',
        model_info: { 'general.architecture': 'qwen3', 'qwen3.context_length': 40960 },
      }),
    ).toEqual({ contextLength: 40960, defaultNumCtx: 8192 });
    expect(limitsFromShow({ model_info: { 'general.architecture': 'x' } })).toEqual({});
    expect(limitsFromShow(null)).toEqual({});
  });
});
