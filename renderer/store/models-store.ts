import { create } from 'zustand';
import type { CallInput, CallName, CallOutput } from '../../core/api/contract.js';
import { CallError, errorMessage } from '../transport/transport.js';
import { callQuiet } from './call.js';
import type { StreamMessage } from './entities.js';
import { toastError, toastSuccess, useToasts } from './toast-store.js';
import { useUi } from './ui-store.js';

export type LlmStatus = CallOutput<'llm.status'>;
export type HostHealth = CallOutput<'ollama.health'>[number];
export type InstalledModel = CallOutput<'ollama.models'>[number];
export type RunningModel = CallOutput<'ollama.running'>[number];
export type UsageRow = CallOutput<'llm.usage'>[number];
export type LocalOllamaState = CallOutput<'ollama.local'>;
export type LocalAction = 'start' | 'stop';
export type PullMessage = Extract<StreamMessage, { type: 'pull' }>;
export interface PullState extends Omit<PullMessage, 'type'> {
  /** Cancel was pressed; the engine has not confirmed yet. */
  cancelling: boolean;
}

/** The parts of the llm_policy value this view reads; the rest is sent back untouched. */
export interface LlmPolicy {
  hosts: string[];
  default_model: string;
  fallback_model: string | null;
  per_agent: Record<string, string>;
  per_step_kind: Record<string, string>;
  [key: string]: unknown;
}

type Section = 'status' | 'hosts' | 'models' | 'running' | 'usage' | 'local' | 'policy';

interface ModelsState {
  /** llm.status: the host calls go to, or why none answers. */
  llm: LlmStatus | null;
  /** The engine has no LLM at all: the sentence that says so. */
  notConfigured: string | null;
  hosts: HostHealth[];
  models: InstalledModel[];
  running: RunningModel[];
  usage: UsageRow[];
  local: LocalOllamaState | null;
  /** Starting Ollama from the app is not available here (a headless server): no section for it. */
  localHidden: boolean;
  policy: LlmPolicy | null;
  loaded: boolean;
  /** The last failure of each section, so a poll that keeps failing toasts once. */
  errors: Partial<Record<Section, string>>;
  pulls: PullState[];
  /** Keys of actions in flight, e.g. "delete:llama3.2:3b", "local". */
  busy: Set<string>;
  load(): Promise<void>;
  /** Starts a pull; resolves to true when the engine accepted it. */
  pull(model: string): Promise<boolean>;
  cancelPull(pullId: string): Promise<void>;
  dismissPull(pullId: string): void;
  receivePull(msg: PullMessage): void;
  remove(model: string): Promise<void>;
  unload(model: string): Promise<void>;
  makeDefault(model: string): Promise<void>;
  localAction(action: LocalAction): Promise<void>;
}

const USAGE_DAYS = 7;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function strings(v: unknown): Record<string, string> {
  return isRecord(v) ? (Object.fromEntries(Object.entries(v).filter(([, x]) => typeof x === 'string')) as Record<string, string>) : {};
}

export function readLlmPolicy(value: unknown): LlmPolicy | null {
  if (!isRecord(value) || typeof value.default_model !== 'string') return null;
  return {
    ...value,
    hosts: Array.isArray(value.hosts) ? value.hosts.filter((h): h is string => typeof h === 'string') : [],
    default_model: value.default_model,
    fallback_model: typeof value.fallback_model === 'string' && value.fallback_model ? value.fallback_model : null,
    per_agent: strings(value.per_agent),
    per_step_kind: strings(value.per_step_kind),
  };
}

function report(title: string, err: unknown): void {
  if (err instanceof CallError && err.code === 'unauthorized') useUi.getState().setNeedsToken();
  else toastError(title, errorMessage(err));
}

/** A user action: a failure becomes a toast with the engine's sentence, then rethrows. */
async function act<K extends CallName>(title: string, name: K, input: CallInput<K>): Promise<CallOutput<K>> {
  try {
    return await callQuiet(name, input);
  } catch (err) {
    report(title, err);
    throw err;
  }
}

function isNotConfigured(err: unknown): err is CallError {
  return err instanceof CallError && err.code === 'not_configured';
}

let inflight: Promise<void> | null = null;
let again = false;

export const useModels = create<ModelsState>((set, get) => {
  /** Runs one section's call; a new failure toasts, a repeated one (the next poll) does not. */
  async function section<T>(name: Section, title: string, run: () => Promise<T>, onError?: (err: unknown) => boolean): Promise<T | undefined> {
    try {
      const value = await run();
      if (get().errors[name]) set((s) => ({ errors: { ...s.errors, [name]: undefined } }));
      return value;
    } catch (err) {
      if (onError?.(err)) return undefined;
      const message = errorMessage(err);
      if (get().errors[name] !== message) report(title, err);
      set((s) => ({ errors: { ...s.errors, [name]: message } }));
      return undefined;
    }
  }

  /** One pass over every section; true when a host stopped answering midway (worth asking llm.status again). */
  async function loadOnce(): Promise<boolean> {
    const notConfigured = (err: unknown): boolean => {
      if (!isNotConfigured(err)) return false;
      set({ notConfigured: err.message });
      return true;
    };
    const [llm] = await Promise.all([
      section('status', 'Could not read the LLM status', () => callQuiet('llm.status', {}), notConfigured),
      section('hosts', 'Could not check the Ollama hosts', () => callQuiet('ollama.health', {}), notConfigured).then((hosts) => hosts && set({ hosts })),
      section('usage', 'Could not load LLM usage', () => callQuiet('llm.usage', { days: USAGE_DAYS })).then((usage) => usage && set({ usage })),
      section('policy', 'Could not read llm_policy', () => callQuiet('policy.get', { key: 'llm_policy' })).then((p) => p && set({ policy: readLlmPolicy(p.value) })),
      section('local', 'Could not read the local Ollama', () => callQuiet('ollama.local', { action: 'status' }), (err) => {
        if (!isNotConfigured(err)) return false;
        set({ localHidden: true, local: null });
        return true;
      }).then((local) => local && set({ local, localHidden: false })),
    ]);
    if (llm) set({ llm, notConfigured: null });
    // With no host answering, listing would only fail again: the banner already says why.
    let hostWentAway = false;
    // A host that stops answering between llm.status and these calls: the banner will say so, no toast.
    const unreachable = (err: unknown): boolean => {
      if (!(err instanceof CallError && err.code === 'llm_unreachable')) return false;
      hostWentAway = true;
      return true;
    };
    if (llm?.status === 'ok') {
      await Promise.all([
        section('models', 'Could not list the models', () => callQuiet('ollama.models', {}), unreachable).then((models) => models && set({ models })),
        section('running', 'Could not list the running models', () => callQuiet('ollama.running', {}), unreachable).then((running) => running && set({ running })),
      ]);
    }
    set({ loaded: true });
    return hostWentAway;
  }

  async function withBusy<T>(key: string, run: () => Promise<T>): Promise<T> {
    set((s) => ({ busy: new Set(s.busy).add(key) }));
    try {
      return await run();
    } finally {
      set((s) => {
        const busy = new Set(s.busy);
        busy.delete(key);
        return { busy };
      });
    }
  }

  const patchPull = (pullId: string, patch: Partial<PullState>): void =>
    set((s) => ({ pulls: s.pulls.map((p) => (p.pullId === pullId ? { ...p, ...patch } : p)) }));

  const refresh = (): void => void get().load().catch(() => {});

  return {
    llm: null,
    notConfigured: null,
    hosts: [],
    models: [],
    running: [],
    usage: [],
    local: null,
    localHidden: false,
    policy: null,
    loaded: false,
    errors: {},
    pulls: [],
    busy: new Set(),
    load() {
      // One load at a time; a call during one runs another right after, so nothing reads stale.
      if (inflight) {
        again = true;
        return inflight;
      }
      inflight = (async () => {
        let rechecked = false;
        do {
          again = false;
          if ((await loadOnce()) && !rechecked) {
            rechecked = true;
            again = true;
          }
        } while (again);
      })().finally(() => {
        inflight = null;
      });
      return inflight;
    },
    async pull(model) {
      const name = model.trim();
      try {
        const { pullId } = await withBusy('pull', () => act(`Could not pull ${name || 'the model'}`, 'ollama.pull', { model: name }));
        // The stream's first message may have arrived before the answer.
        if (!get().pulls.some((p) => p.pullId === pullId)) {
          set((s) => ({ pulls: [{ pullId, host: get().llm?.active ?? '', model: name, status: 'starting', done: false, cancelling: false }, ...s.pulls] }));
        }
        return true;
      } catch {
        return false;
      }
    },
    async cancelPull(pullId) {
      patchPull(pullId, { cancelling: true });
      try {
        const { cancelled } = await act('Could not cancel the pull', 'ollama.cancelPull', { pullId });
        const p = get().pulls.find((x) => x.pullId === pullId);
        // The engine no longer knows this pull (it finished, or the engine restarted): its end was missed.
        if (!cancelled && p && !p.done) patchPull(pullId, { done: true, status: 'error', error: 'The engine is no longer running this pull.' });
      } catch {
        patchPull(pullId, { cancelling: false });
      }
    },
    dismissPull(pullId) {
      set((s) => ({ pulls: s.pulls.filter((p) => p.pullId !== pullId) }));
    },
    receivePull(msg) {
      const { type: _type, ...fields } = msg;
      const prev = get().pulls.find((p) => p.pullId === msg.pullId);
      if (prev?.done) return;
      if (prev) patchPull(msg.pullId, fields);
      else set((s) => ({ pulls: [{ ...fields, cancelling: false }, ...s.pulls] }));
      if (!msg.done) return;
      if (msg.status === 'success') toastSuccess(`Pulled ${msg.model}`, `It is installed on ${msg.host}.`);
      else if (msg.status === 'cancelled') useToasts.getState().push({ tone: 'info', title: `Pull of ${msg.model} cancelled`, message: '' });
      else toastError(`Could not pull ${msg.model}`, msg.error ?? 'The pull failed.');
      refresh();
    },
    async remove(model) {
      await withBusy(`delete:${model}`, () => act(`Could not delete ${model}`, 'ollama.delete', { model }));
      set((s) => ({ models: s.models.filter((m) => m.name !== model) }));
      toastSuccess(`Deleted ${model}`);
      refresh();
    },
    async unload(model) {
      await withBusy(`unload:${model}`, () => act(`Could not unload ${model}`, 'ollama.unload', { model }));
      set((s) => ({ running: s.running.filter((m) => m.name !== model) }));
      toastSuccess(`Unloaded ${model}`, 'It left memory; the next call loads it again.');
      refresh();
    },
    async makeDefault(model) {
      await withBusy(`default:${model}`, async () => {
        // Read the policy fresh so a change made in Settings meanwhile is kept.
        const current = readLlmPolicy((await act('Could not read llm_policy', 'policy.get', { key: 'llm_policy' })).value);
        if (!current) {
          toastError('Could not change the default model', 'The stored llm_policy is not readable; fix it in Settings.');
          return;
        }
        const saved = await act('Could not change the default model', 'policy.set', { key: 'llm_policy', value: { ...current, default_model: model } });
        set({ policy: readLlmPolicy(saved.value) });
        toastSuccess(`${model} is the default model`, 'Agents use it unless llm_policy names another for them.');
      });
    },
    async localAction(action) {
      const local = await withBusy('local', () => act(action === 'start' ? 'Could not start Ollama' : 'Could not stop Ollama', 'ollama.local', { action }));
      set({ local });
      refresh();
    },
  };
});
