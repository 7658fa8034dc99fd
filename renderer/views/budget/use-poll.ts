import { useCallback, useEffect, useState } from 'react';
import type { CallInput, CallName, CallOutput } from '../../../core/api/contract.js';
import { callQuiet } from '../../store/call.js';
import { errorMessage } from '../../transport/transport.js';

/** Calls the engine now and every `ms`; keeps the last answer and the last error sentence. */
export function usePoll<K extends CallName>(name: K, input: CallInput<K>, ms: number): { data: CallOutput<K> | null; error: string | null; reload(): void } {
  const [data, setData] = useState<CallOutput<K> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(input);
  const reload = useCallback(() => {
    callQuiet(name, JSON.parse(key) as CallInput<K>).then(
      (v) => {
        setData(v);
        setError(null);
      },
      (err: unknown) => setError(errorMessage(err)),
    );
  }, [name, key]);
  useEffect(() => {
    reload();
    const t = setInterval(reload, ms);
    return () => clearInterval(t);
  }, [reload, ms]);
  return { data, error, reload };
}
