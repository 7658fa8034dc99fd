/** Small helpers of the Roundtables view. */

/** "deep_discussion" → "Deep discussion"; the format's own label when known. */
export function formatLabel(id: string, formats: readonly { id: string; label: string }[]): string {
  return formats.find((f) => f.id === id)?.label ?? id.charAt(0).toUpperCase() + id.slice(1).replace(/_/g, ' ');
}

const interactionTones: Record<string, string> = {
  opening: 'info',
  supportive: 'ok',
  agreement: 'ok',
  neutral: 'muted',
  critical: 'warn',
  challenge: 'bad',
};

export function interactionTone(interaction: string): string {
  return interactionTones[interaction] ?? 'muted';
}

/** An affinity in [0, 1] as a colour from red (tension) through amber to green (close). */
export function affinityColor(affinity: number): string {
  const a = Math.max(0, Math.min(1, affinity));
  return `hsl(${Math.round(a * 130)} 70% 55%)`;
}

export function signed(n: number): string {
  return `${n > 0 ? '+' : n < 0 ? '−' : '±'}${Math.abs(n).toFixed(2)}`;
}

/** Hour of the day as "06:00". */
export function hourLabel(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00`;
}
