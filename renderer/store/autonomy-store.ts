import { create } from 'zustand';
import { coalesced } from '../lib/coalesce.js';
import type { CallInput, CallOutput } from '../../core/api/contract.js';
import { errorMessage } from '../transport/transport.js';
import { callOrToast, callQuiet } from './call.js';
import { toastSuccess } from './toast-store.js';

export type TriggerRule = CallOutput<'triggers.list'>[number];
export type TriggerDecision = CallOutput<'triggers.decisions'>[number];
export type RunNowResult = CallOutput<'triggers.runNow'>;
export type Reaction = CallOutput<'reactions.list'>['reactions'][number];
export type ReactionRoll = CallOutput<'reactions.list'>['rolls'][number];
export type Post = CallOutput<'posts.list'>[number];
export type RulePatch = Omit<CallInput<'triggers.update'>, 'id'>;
export type PostMetrics = Omit<CallInput<'posts.recordMetrics'>, 'id'>;

interface AutonomyState {
  rules: TriggerRule[];
  decisions: TriggerDecision[];
  reactions: Reaction[];
  rolls: ReactionRoll[];
  posts: Post[];
  loaded: boolean;
  /** The view is open: stream messages refresh it. */
  active: boolean;
  /** What the last "Run now" of each rule answered. */
  lastRun: Record<number, RunNowResult>;
  /** Rule ids with a run or save in flight. */
  busy: Set<number>;
  setActive(active: boolean): void;
  load(): Promise<void>;
  runNow(id: number): Promise<RunNowResult | null>;
  /** Saves a rule change; resolves to the server's refusal as a sentence, or null when saved. */
  update(id: number, patch: RulePatch): Promise<string | null>;
  /** Records a post's engagement; resolves to the refusal, or null when saved. */
  recordMetrics(id: number, metrics: PostMetrics): Promise<string | null>;
}

const LIST_LIMIT = 100;

export const useAutonomy = create<AutonomyState>((set, get) => {
  const mark = (id: number, on: boolean): void =>
    set((s) => {
      const busy = new Set(s.busy);
      if (on) busy.add(id);
      else busy.delete(id);
      return { busy };
    });

  async function loadOnce(): Promise<void> {
    const [rules, decisions, reactions, posts] = await Promise.all([
      callOrToast('triggers.list', {}),
      callOrToast('triggers.decisions', { limit: LIST_LIMIT }),
      callOrToast('reactions.list', { limit: LIST_LIMIT }),
      callOrToast('posts.list', { limit: LIST_LIMIT }),
    ]);
    set({ rules, decisions, reactions: reactions.reactions, rolls: reactions.rolls, posts, loaded: true });
  }

  return {
    rules: [],
    decisions: [],
    reactions: [],
    rolls: [],
    posts: [],
    loaded: false,
    active: false,
    lastRun: {},
    busy: new Set(),
    setActive(active) {
      set({ active });
    },
    load: coalesced(loadOnce),
    async runNow(id) {
      mark(id, true);
      try {
        const result = await callOrToast('triggers.runNow', { id });
        set((s) => ({ lastRun: { ...s.lastRun, [id]: result } }));
        await get().load().catch(() => {});
        return result;
      } catch {
        return null;
      } finally {
        mark(id, false);
      }
    },
    async update(id, patch) {
      mark(id, true);
      try {
        const rule = await callQuiet('triggers.update', { id, ...patch });
        set((s) => ({ rules: s.rules.map((r) => (r.id === id ? rule : r)) }));
        return null;
      } catch (err) {
        return errorMessage(err);
      } finally {
        mark(id, false);
      }
    },
    async recordMetrics(id, metrics) {
      try {
        const saved = await callQuiet('posts.recordMetrics', { id, ...metrics });
        set((s) => ({ posts: s.posts.map((p) => (p.id === id ? { ...p, ...metrics, metricsAt: saved.metricsAt } : p)) }));
        toastSuccess(`Saved the engagement of post #${id}`, 'Outcome learning reads it at the next heartbeat.');
        return null;
      } catch (err) {
        return errorMessage(err);
      }
    },
  };
});
