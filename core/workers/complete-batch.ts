import { isConnectionError } from '../db/connection-errors.js';
import type { EngineCtx } from '../ops/ctx.js';
import { completeSteps, type StepCompletion } from './steps.js';

interface Pending {
  item: StepCompletion;
  resolve: (recorded: boolean) => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit for step successes: the steps that finish together (in one
 * round of microtasks), and those that finish while a batch is being
 * written, are recorded together in one statement (completeSteps) instead of
 * one each. Nothing waits on a timer: a lone success is written at once. A batch that fails for any reason but a lost connection is
 * written again one step at a time, so one step's trouble is never another's.
 */
export class CompletionBatcher {
  private queue: Pending[] = [];
  private flushing = 0;
  private scheduled = false;

  /**
   * `lanes` batches may be written at once: while one statement runs in the database, the
   * steps that finish meanwhile form the next batch on another connection instead of waiting.
   * `busy` says whether an executor of this worker is still running: only then can another
   * success be on its way, and only then is the batch held open for it.
   */
  constructor(
    private readonly ctx: EngineCtx,
    private readonly workerId: string,
    private readonly lanes = 2,
    private readonly maxBatch = 64,
    private readonly busy: () => boolean = () => true,
  ) {}

  /** Resolves with whether the success was recorded (false: this worker no longer holds the step). */
  submit(item: StepCompletion): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      if (this.flushing >= this.lanes || this.scheduled) return;
      this.scheduled = true;
      // after the continuations already queued: successes of steps that started together
      // (claimed in one batch) arrive in the same round of microtasks
      queueMicrotask(() => {
        this.scheduled = false;
        void this.flush();
      });
    });
  }

  private async flush(): Promise<void> {
    this.flushing++;
    try {
      if (this.busy()) await this.gather();
      while (this.queue.length) {
        const batch = this.queue.splice(0, this.maxBatch);
        try {
          const recorded = await completeSteps(this.ctx, this.workerId, batch.map((p) => p.item));
          batch.forEach((p, i) => p.resolve(recorded[i]!));
        } catch (err) {
          if (batch.length === 1 || isConnectionError(err)) {
            for (const p of batch) p.reject(err);
            continue;
          }
          for (const p of batch) {
            await completeSteps(this.ctx, this.workerId, [p.item]).then((r) => p.resolve(r[0]!), p.reject);
          }
        }
      }
    } finally {
      this.flushing--;
    }
  }

  /**
   * Lets the successes still on their way join the batch: steps that were claimed together
   * finish a few promise hops apart (each one's end starts the next claimed one), so while an
   * executor still runs, the batch is cut once the queue has stopped growing for GATHER_HOPS
   * hops. No timer: the same inputs always give the same batches; a lone success (nothing else
   * running) is written at once.
   */
  private async gather(): Promise<void> {
    for (let seen = -1, hops = 0, quiet = 0; this.busy() && quiet < GATHER_HOPS && hops < MAX_GATHER_HOPS && this.queue.length < this.maxBatch; hops++) {
      quiet = this.queue.length === seen ? quiet + 1 : 0;
      seen = this.queue.length;
      await Promise.resolve();
    }
  }
}

const GATHER_HOPS = 6;
const MAX_GATHER_HOPS = 200;
