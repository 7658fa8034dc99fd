import type { CallOutput } from '../../../core/api/contract.js';
import { callOrToast, callQuiet } from '../../store/call.js';
import { readLlmPolicy, useModels } from '../../store/models-store.js';
import { toastError } from '../../store/toast-store.js';
import { errorMessage } from '../../transport/transport.js';

export type Probe = CallOutput<'ollama.probe'>;

export async function probeHost(host: string): Promise<Probe> {
  try {
    return await callQuiet('ollama.probe', { host });
  } catch (err) {
    return { host, ok: false, models: [], error: { code: 'error', message: errorMessage(err) } };
  }
}

/** Writes a new host list into llm_policy (read fresh, so other fields changed meanwhile are kept). */
export async function saveHosts(hosts: string[]): Promise<boolean> {
  try {
    const current = readLlmPolicy((await callOrToast('policy.get', { key: 'llm_policy' })).value);
    if (!current) {
      toastError('Could not change the hosts', 'The stored llm_policy is not readable; reset it in Settings → Policies.');
      return false;
    }
    await callOrToast('policy.set', { key: 'llm_policy', value: { ...current, hosts } });
    await useModels.getState().load().catch(() => {});
    return true;
  } catch {
    return false;
  }
}
