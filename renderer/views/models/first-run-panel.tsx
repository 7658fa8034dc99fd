import { useState } from 'react';
import { useModels } from '../../store/models-store.js';
import { toastSuccess } from '../../store/toast-store.js';
import { bareHost, hostProblem, normalizeHostInput } from './host-address.js';
import { probeHost, saveHosts, type Probe } from './host-probe.js';

/**
 * What a new user sees while no Ollama host answers: what Ollama is, how to
 * start it here or point at one on the LAN, and a button that tries an address.
 * `compact` leaves out the address box (the hosts editor beside it has one).
 */
export function FirstRunPanel({ compact = false }: { compact?: boolean }) {
  const policyHosts = useModels((s) => s.policy?.hosts ?? []);
  const [host, setHost] = useState('http://127.0.0.1:11434');
  const [probe, setProbe] = useState<Probe | 'busy' | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const test = async (): Promise<void> => {
    const p = hostProblem(host, []);
    setProblem(p);
    if (p) return;
    setProbe('busy');
    setProbe(await probeHost(normalizeHostInput(host)));
  };
  const use = async (): Promise<void> => {
    const h = normalizeHostInput(host);
    const rest = policyHosts.filter((x) => bareHost(x) !== h);
    if (await saveHosts([h, ...rest])) toastSuccess(`Using ${h}`, 'LLM work resumes by itself.');
  };
  return (
    <section className="first-run" aria-labelledby="first-run-title" data-testid="first-run">
      <h2 id="first-run-title">No Ollama host answers yet</h2>
      <p>
        The agents think with a language model served by <strong>Ollama</strong>, a free program that runs models on your own computer (ollama.com). Until one answers, LLM
        work waits in the queue; nothing is lost or failed.
      </p>
      <ul className="first-run-steps">
        <li>
          <strong>On this machine:</strong> install Ollama, then run <code>ollama serve</code> and <code>ollama pull llama3.2</code>.
        </li>
        <li>
          <strong>On another machine on your network:</strong> start it there with <code>OLLAMA_HOST=0.0.0.0 ollama serve</code> and use its address, like{' '}
          <code>http://192.168.1.20:11434</code>.
        </li>
      </ul>
      {!compact && (
        <>
          <div className="host-add">
            <label className="field">
              <span className="field-label">Ollama address</span>
              <input className="input" spellCheck={false} value={host} aria-invalid={problem ? true : undefined} onChange={(e) => (setHost(e.target.value), setProblem(null), setProbe(null))} />
            </label>
            <button type="button" className="btn btn-ghost btn-small" disabled={probe === 'busy'} onClick={() => void test()}>
              {probe === 'busy' ? 'Testing…' : 'Test'}
            </button>
            <button type="button" className="btn btn-primary btn-small" disabled={!probe || probe === 'busy' || !probe.ok} onClick={() => void use()}>
              Use this host
            </button>
          </div>
          <div className="first-run-result" role="status">
            {problem && <div className="field-error">{problem}</div>}
            {probe && probe !== 'busy' && (probe.ok ? <div className="text-ok">Ollama {probe.version ?? ''} answers, with {probe.models.length} model{probe.models.length === 1 ? '' : 's'}.</div> : <div className="field-error">{probe.error?.message ?? 'No answer.'}</div>)}
          </div>
        </>
      )}
    </section>
  );
}
