export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Log {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const order: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Writes one line per record to stderr, at or above `level`. */
export function consoleLog(level: LogLevel = 'info', write: (line: string) => void = (l) => process.stderr.write(l + '\n')): Log {
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (order[lvl] < order[level]) return;
    const extra = fields && Object.keys(fields).length ? ' ' + JSON.stringify(fields) : '';
    write(`[${lvl}] ${msg}${extra}`);
  };
  return {
    debug: (m, f) => emit('debug', m, f),
    info: (m, f) => emit('info', m, f),
    warn: (m, f) => emit('warn', m, f),
    error: (m, f) => emit('error', m, f),
  };
}

export const silentLog: Log = { debug() {}, info() {}, warn() {}, error() {} };

/** A log that keeps its records, for tests. */
export function memoryLog(): Log & { records: { level: LogLevel; msg: string; fields?: Record<string, unknown> }[] } {
  const records: { level: LogLevel; msg: string; fields?: Record<string, unknown> }[] = [];
  const push = (level: LogLevel) => (msg: string, fields?: Record<string, unknown>) => {
    records.push(fields ? { level, msg, fields } : { level, msg });
  };
  return { records, debug: push('debug'), info: push('info'), warn: push('warn'), error: push('error') };
}
