const tones: Record<string, string> = {
  approved: 'info',
  queued: 'info',
  pending: 'warn',
  running: 'live',
  succeeded: 'ok',
  accepted: 'ok',
  failed: 'bad',
  rejected: 'bad',
  cancelled: 'muted',
  partial: 'warn',
};

export function StatusBadge({ status, label }: { status: string; label?: string }) {
  return (
    <span className={`badge badge-${tones[status] ?? 'muted'}`} data-status={status}>
      {label ?? status}
    </span>
  );
}
