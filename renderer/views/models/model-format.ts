/** How the Models view writes sizes, context windows, model names and expiry times. */

const units = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/** Decimal units, as Ollama itself prints them: 2019393189 → "2.0 GB". */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let v = bytes;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${i === 0 ? Math.round(v) : v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`;
}

/** A context window in tokens: 131072 → "128K", 5000 → "5,000". */
export function formatContext(tokens: number | undefined): string {
  if (!tokens) return '—';
  if (tokens >= 1024 && tokens % 1024 === 0) return `${tokens / 1024}K`;
  return tokens.toLocaleString('en-US');
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Ollama adds ":latest" to a name without a tag; "llama3.2" and "llama3.2:latest" are the same model. */
export function fullModelName(name: string): string {
  const base = name.trim();
  return base.slice(base.lastIndexOf('/') + 1).includes(':') ? base : `${base}:latest`;
}

export function sameModel(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return false;
  return fullModelName(a) === fullModelName(b);
}

/** Percent done of a pull progress line, when it says. */
export function pullPercent(p: { percent?: number | undefined; completed?: number | undefined; total?: number | undefined }): number | null {
  if (typeof p.percent === 'number' && Number.isFinite(p.percent)) return Math.max(0, Math.min(100, p.percent));
  if (p.total && p.completed !== undefined) return Math.max(0, Math.min(100, (p.completed / p.total) * 100));
  return null;
}

/** Ollama reports "kept loaded forever" (keep_alive -1) as an expiry centuries away. */
export function isForever(iso: string, now: number = Date.now()): boolean {
  const t = Date.parse(iso);
  return Number.isFinite(t) && t - now > 50 * 365 * 86_400_000;
}
