/**
 * Records refused inputs as `input_rejected` events, for both transports.
 * A flood of bad input must not become a flood of rows: each call name gets
 * at most `burst` events per `windowMs` (on the engine's clock); refusals past
 * that are counted and the count rides on the next event it writes
 * (payload.suppressed), and in the log.
 */
import { isCallName } from '../api/contract.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import type { DispatchHooks } from './dispatch.js';

export interface RefusalRecorderOptions {
  burst?: number;
  windowMs?: number;
}

export interface RefusalRecorder extends DispatchHooks {
  /** Resolves once every event write started so far has finished. */
  settled(): Promise<void>;
  /** Events written, refusals only counted, and writes that failed. */
  stats(): { written: number; suppressed: number; failed: number };
}

interface Window {
  start: number;
  count: number;
  suppressed: number;
}

/** Text safe for a text column: no NUL, at most `max` characters. */
function clean(s: string, max: number): string {
  // eslint-disable-next-line no-control-regex
  const t = s.replace(/\u0000/g, '\uFFFD');
  return t.length <= max ? t : t.slice(0, max - 1) + '…';
}

/** `engine` is the engine's context, or a getter for hosts that restart their engine (an import swaps it). */
export function refusalRecorder(engine: EngineCtx | (() => EngineCtx | null), opts: RefusalRecorderOptions = {}): RefusalRecorder {
  const current = typeof engine === 'function' ? engine : () => engine;
  const burst = opts.burst ?? 20;
  const windowMs = opts.windowMs ?? 60_000;
  const windows = new Map<string, Window>();
  const pending = new Set<Promise<unknown>>();
  const totals = { written: 0, suppressed: 0, failed: 0 };

  const onInvalidInput = (rawCall: string, message: string): void => {
    // an unknown name is the caller's text: it gets one shared window, not one each
    const call = isCallName(rawCall) ? rawCall : '(unknown call)';
    const ctx = current();
    if (!ctx) return; // between engines (an import is swapping the database): nothing to write to
    const now = ctx.clock.now();
    let w = windows.get(call);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0, suppressed: w?.suppressed ?? 0 };
      windows.set(call, w);
    }
    if (w.count >= burst) {
      w.suppressed++;
      totals.suppressed++;
      return;
    }
    w.count++;
    const suppressed = w.suppressed;
    w.suppressed = 0;
    if (suppressed) ctx.log.warn(`${suppressed} more inputs for ${call} were refused without an event of their own`);
    const p = writeEvent(ctx, ctx.db, {
      kind: 'input_rejected',
      title: clean(`Refused input for ${rawCall}`, 300),
      summary: clean(message, 4000),
      tags: ['error', 'input', clean(call, 60)],
      payload: suppressed ? { call, suppressed } : { call },
    }).then(
      () => void totals.written++,
      (err: unknown) => {
        totals.failed++;
        ctx.log.warn('Could not record a refused input', { error: err instanceof Error ? err.message : String(err) });
      },
    );
    pending.add(p);
    void p.finally(() => pending.delete(p));
  };

  return {
    onInvalidInput,
    async settled() {
      while (pending.size) await Promise.all([...pending]);
    },
    stats: () => ({ ...totals }),
  };
}
