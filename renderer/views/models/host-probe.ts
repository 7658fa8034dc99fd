import type { CallOutput } from '../../../core/api/contract.js';
import { callOrToast, callQuiet } from '../../store/call.js';
import { readLlmPolicy, useModels } from '../../store/models-store.js';
import { toastError } from '../../store/toast-store.js';
import { errorMessage } from '../../transport/transport.js';

export type Probe = CallOutput<'ollama.probe'>;

export const bareHost = (host: string): string => host.trim().replace(/\/+$/, '');

/** Adds http:// when a person types "192.168.1.20:11434". */
export function normalizeHostInput(text: string): string {
  const t = bareHost(text);
  if (!t) return t;
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(t) ? t : `http://${t}`;
}

/** A reason a typed host cannot be used, or null. */
export function hostProblem(text: string, existing: string[]): string | null {
  const h = normalizeHostInput(text);
  if (!h) return 'Write the address of an Ollama host, like http://192.168.1.20:11434.';
  let url: URL;
  try {
    url = new URL(h);
  } catch {
    return 'That is not an address; write it like http://192.168.1.20:11434.';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Ollama hosts are reached over http:// or https://.';
  if (existing.some((e) => bareHost(e) === h)) return 'This host is already in the list.';
  return null;
}

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
