import type { CallInput, CallName, CallOutput } from '../../core/api/contract.js';
import { transport } from '../transport/pick-transport.js';
import { CallError, errorMessage } from '../transport/transport.js';
import { toastError } from './toast-store.js';
import { useUi } from './ui-store.js';

const callLabels: Partial<Record<CallName, string>> = {
  'runtime.status': 'Could not read the runtime status',
  'agents.list': 'Could not load the team',
  'agents.update': 'Could not save the persona',
  'proposals.create': 'Could not create the proposal',
  'proposals.list': 'Could not load proposals',
  'proposals.decide': 'Could not decide the proposal',
  'missions.list': 'Could not load missions',
  'missions.get': 'Could not load the mission',
  'missions.cancel': 'Could not cancel the mission',
  'events.page': 'Could not load the signal feed',
  'policy.list': 'Could not load policies',
  'policy.set': 'Could not save the policy',
};

/** Calls the engine; a failure becomes a toast with the engine's own sentence, then rethrows. */
export async function callOrToast<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
  try {
    return await transport.call(name, input);
  } catch (err) {
    // A missing token gets one clear screen (see TokenGate), not a toast per call.
    if (err instanceof CallError && err.code === 'unauthorized') useUi.getState().setNeedsToken();
    else toastError(callLabels[name] ?? `${name} failed`, errorMessage(err));
    throw err;
  }
}

/** Calls the engine and leaves error display to the caller (inline messages). */
export function callQuiet<K extends CallName>(name: K, input: CallInput<K>): Promise<CallOutput<K>> {
  return transport.call(name, input);
}
