/** PostgreSQL SQLSTATE classes and codes that mean the connection, not the statement, failed. */
const CONNECTION_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
const NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const MESSAGES = [/connection terminated/i, /not queryable/i, /terminating connection/i, /database system is (shutting down|starting up)/i, /connection timeout/i, /server closed the connection/i];

/** Whether `err` says the database could not be reached (the server restarted, the network went away), not that a statement was wrong. */
export function isConnectionError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (CONNECTION_CODES.has(code) || code.startsWith('08') || NODE_CODES.has(code))) return true;
  return MESSAGES.some((m) => m.test(err.message));
}
