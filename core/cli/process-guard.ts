import { isConnectionError } from '../db/connection-errors.js';
import type { Clock } from '../ports/clock.js';
import type { Log } from '../ports/log.js';

/**
 * A lost database connection must not end a worker process: an error of that kind that
 * no one caught (a timer's callback, an 'error' event of a connection nobody listens to) is logged once a minute at most and the worker
 * carries on (its loops reconnect). Any other uncaught error still ends it, with its sentence.
 */
export function guardProcess(log: Log, clock: Clock, what = 'the worker'): void {
  let lastLogged = Number.NEGATIVE_INFINITY;
  let quiet = 0;
  const onUncaught = (reason: unknown): void => {
    if (!isConnectionError(reason)) {
      console.error(`${what[0]!.toUpperCase()}${what.slice(1)} stopped on an unexpected error: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`);
      process.exit(1);
    }
    const now = clock.now();
    if (now - lastLogged < 60_000) return void quiet++;
    log.warn(`A database call failed with no one to handle it (${(reason as Error).message}); ${what} carries on${quiet ? ` (${quiet} more since the last such note)` : ''}.`);
    lastLogged = now;
    quiet = 0;
  };
  process.on('unhandledRejection', onUncaught);
  // a dropped connection's 'error' event with no listener is thrown, not rejected
  process.on('uncaughtException', onUncaught);
}
