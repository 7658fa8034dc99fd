/** Small formatting helpers of the Autonomy view. */

/** "in 2h 13m", "in 45m", "in 3d 4h"; "due" once the time has come (or when there is none). */
export function untilLabel(iso: string | null | undefined, now: number): string {
  if (!iso) return 'due';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return '—';
  const ms = t - now;
  if (ms <= 0) return 'due';
  const minutes = Math.ceil(ms / 60_000);
  if (minutes < 60) return `in ${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return `in ${hours}h ${minutes % 60}m`;
  return `in ${Math.floor(hours / 24)}d ${hours % 24}h`;
}

/** "90 min" → "1h 30m"; the cooldown of a rule. */
export function minutesLabel(minutes: number): string {
  if (minutes < 60) return `${minutes}m`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  if (h < 24) return m ? `${h}h ${m}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d ${h % 24}h` : `${d}d`;
}

const decisionTones: Record<string, string> = {
  fired: 'ok',
  skipped: 'warn',
  no_match: 'muted',
  rejected: 'bad',
  error: 'bad',
  queued: 'ok',
  lost_roll: 'muted',
  cooldown: 'warn',
};

const reactionTones: Record<string, string> = { queued: 'live', proposed: 'ok', rejected: 'bad', duplicate: 'muted', failed: 'bad' };

export function decisionTone(decision: string): string {
  return decisionTones[decision] ?? 'muted';
}

export function reactionTone(status: string): string {
  return reactionTones[status] ?? 'muted';
}

/** "no_match" → "no match". */
export function human(key: string): string {
  return key.replace(/_/g, ' ');
}

/** A probability as a percentage: 0.3 → "30%". */
export function percent(p: number): string {
  return `${Math.round(p * 1000) / 10}%`;
}

/** "fired: proposal #12 accepted" → { head: "fired", rest: "proposal #12 accepted" }. */
export function splitResult(result: string | null): { head: string; rest: string } | null {
  if (!result) return null;
  const i = result.indexOf(':');
  return i < 0 ? { head: result, rest: '' } : { head: result.slice(0, i), rest: result.slice(i + 1).trim() };
}

/**
 * A reaction pattern key ("*|mission_failed|brain|diagnose": source, tags, target, type) in words,
 * with names instead of ids; the target is named beside it: "diagnose after a “mission failed” event from anyone".
 */
export function describePattern(key: string, name: (agentId: string) => string): string {
  const [source = '*', tags = '', , type = ''] = key.split('|');
  const from = source === '*' ? 'anyone' : name(source);
  const what = tags ? `a “${tags.split('+').map(human).join(' + ')}” event` : 'any event';
  return `${human(type) || 'react'} after ${what} from ${from}`;
}
