import { useState } from 'react';
import type { CallOutput } from '../../../core/api/contract.js';
import { callQuiet } from '../../store/call.js';
import { errorMessage } from '../../transport/transport.js';

type Preview = CallOutput<'sim.preview'>;

const metricName = (m: string): string => m.replace(/[._]/g, ' ');

/**
 * What a change would do, before it is saved: the simulator runs the company
 * twice for a few virtual days from the same seed (policies as they are, and
 * with this change) and the differences are listed.
 */
export function PolicyPreview({ policyKey, value, disabled }: { policyKey: string; value: unknown; disabled: boolean }) {
  const [days, setDays] = useState(1);
  const [state, setState] = useState<{ busy: boolean; result: Preview | null; error: string | null }>({ busy: false, result: null, error: null });
  const run = async (): Promise<void> => {
    setState({ busy: true, result: null, error: null });
    try {
      const result = await callQuiet('sim.preview', { days, seed: 1, changes: { [policyKey]: value } });
      setState({ busy: false, result, error: null });
    } catch (err) {
      setState({ busy: false, result: null, error: errorMessage(err) });
    }
  };
  const r = state.result;
  return (
    <div className="policy-preview" data-testid="policy-preview">
      <div className="preview-controls">
        <button type="button" className="btn btn-ghost btn-small" disabled={disabled || state.busy} onClick={() => void run()}>
          {state.busy ? `Simulating ${days} day${days === 1 ? '' : 's'}…` : 'Preview'}
        </button>
        <select className="input input-small" aria-label="Days to simulate" value={days} disabled={state.busy} onChange={(e) => setDays(Number(e.target.value))}>
          {[1, 3, 7].map((d) => (
            <option key={d} value={d}>
              {d} day{d === 1 ? '' : 's'}
            </option>
          ))}
        </select>
      </div>
      {state.busy && <p className="field-hint">The simulator runs the company twice on a copy; this can take a minute or more.</p>}
      {state.error && (
        <div className="field-error" role="alert">
          {state.error}
        </div>
      )}
      {r && (
        <div className="preview-result" role="status">
          {r.rows.length === 0 ? (
            <p className="field-hint">Over {r.days} simulated days this change makes no difference ({r.unchanged} figures compared).</p>
          ) : (
            <table className="table preview-table">
              <caption className="field-hint">
                {r.days} simulated days, same seed: {r.rows.length} figures change, {r.unchanged} stay the same.
              </caption>
              <thead>
                <tr>
                  <th scope="col">Figure</th>
                  <th scope="col">Now</th>
                  <th scope="col">With change</th>
                  <th scope="col">Difference</th>
                </tr>
              </thead>
              <tbody>
                {r.rows.slice(0, 12).map((row) => (
                  <tr key={row.metric}>
                    <td>{metricName(row.metric)}</td>
                    <td>{row.current}</td>
                    <td>{row.edited}</td>
                    <td className={row.delta > 0 ? 'delta-up' : 'delta-down'}>{row.delta > 0 ? `+${row.delta}` : row.delta}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}
    </div>
  );
}
