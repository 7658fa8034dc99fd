import type { MissionStep, RuntimeStatus } from '../store/entities.js';
import { llmStepKinds } from '../store/step-kinds-store.js';

/** What a queued step waits for, in words, and whether it is the LLM (then the hosts are the place to look). */
export interface StepWait {
  text: string;
  llm: boolean;
}

/**
 * Why a queued step that no worker holds has not started: the company is
 * paused, the LLM is away (with the worker's own pause reason when it has
 * one), its worker is turned off or paused, or no process here runs its kind.
 * Null for anything else (a step not waiting, or about to be picked up).
 */
export function stepWait(step: Pick<MissionStep, 'kind' | 'status' | 'reservedBy'>, status: RuntimeStatus | null): StepWait | null {
  if (step.status !== 'queued' || step.reservedBy !== null) return null;
  if (!status) return { text: 'waiting for a worker', llm: false };
  if (status.pause.paused) return { text: `waits: the company is paused${status.pause.reason ? ` (${status.pause.reason})` : ''}`, llm: false };
  const worker = status.workers.find((w) => w.kind === step.kind);
  const llmDown = status.llm !== null && status.llm.status !== 'ok';
  if (llmStepKinds.includes(step.kind) && llmDown) {
    const why = status.llm?.status === 'not_configured' ? 'this engine has no LLM configured.' : (worker?.paused?.reason ?? status.llm?.reason ?? 'no Ollama host answers.');
    return { text: `waits for the LLM: ${why}`, llm: true };
  }
  if (worker && !worker.enabled) return { text: 'waits: its worker is turned off (Settings → Policies → Workers)', llm: false };
  if (worker?.paused) return { text: `waits: ${worker.paused.reason}`, llm: /Ollama|LLM/i.test(worker.paused.reason) };
  if (status.queue.unhandledKinds.includes(step.kind)) return { text: 'waits: no worker in this engine runs this kind of step', llm: false };
  return { text: 'waiting for a worker', llm: false };
}
