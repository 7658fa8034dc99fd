import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { conversationHref } from '../../lib/router.js';
import { useRoundtables, type ScheduleSlot } from '../../store/roundtables-store.js';
import { formatLabel, hourLabel } from './roundtable-format.js';

const decisionTones: Record<string, string> = {
  queued: 'ok',
  skipped_probability: 'muted',
  skipped_cap: 'warn',
  skipped_disabled: 'muted',
  skipped_no_participants: 'warn',
  missed: 'bad',
  before_start: 'muted',
};

/** What a decision is called on the page. */
const decisionLabels: Record<string, string> = {
  queued: 'queued',
  skipped_probability: 'not today (chance)',
  skipped_cap: 'skipped: daily limit',
  skipped_disabled: 'skipped: turned off',
  skipped_no_participants: 'skipped: nobody free',
  missed: 'missed',
  before_start: 'before start',
};

function SlotDecision({ slot }: { slot: ScheduleSlot }) {
  const d = slot.decision;
  if (!d) return <span className="cell-sub">not yet</span>;
  return (
    <span className="slot-decision" title={d.detail} aria-label={d.decision === 'before_start' ? `Before the company started: ${d.detail}` : undefined}>
      <span className={`badge badge-${decisionTones[d.decision] ?? 'muted'}`}>{decisionLabels[d.decision] ?? d.decision.replace(/_/g, ' ')}</span>
      {d.conversationId && <a href={conversationHref(d.conversationId)}>#{d.conversationId}</a>}
    </span>
  );
}

/** The day's slots: when the team meets, in which format, with whom, how likely, and what happened today. */
export function SchedulePanel() {
  const schedule = useRoundtables((s) => s.schedule);
  const formats = useRoundtables((s) => s.formats);
  const loaded = useRoundtables((s) => s.loaded);
  return (
    <section className="panel" aria-label="Daily schedule" data-testid="schedule-panel">
      <header className="panel-head">
        <h2>Daily schedule</h2>
        {schedule && (
          <span className="panel-meta">
            {schedule.day} · {schedule.timezone} · {schedule.usedToday} of {schedule.maxDailyConversations} today
          </span>
        )}
      </header>
      {!loaded ? (
        <Skeleton lines={6} />
      ) : !schedule || schedule.slots.length === 0 ? (
        <EmptyState title="No scheduled conversations" />
      ) : (
        <div className="schedule-scroll" tabIndex={0} role="region" aria-label="Today’s schedule">
          <table className="table schedule-table">
            <thead>
              <tr>
                <th>Time</th>
                <th>Slot</th>
                <th>Who</th>
                <th className="num-col">Chance</th>
                <th>Today</th>
              </tr>
            </thead>
            <tbody>
              {schedule.slots.map((s) => (
                <tr key={`${s.hour}-${s.name}`} data-testid="schedule-slot" data-hour={s.hour}>
                  <td className="num nowrap">{hourLabel(s.hour)}</td>
                  <td>
                    <div className="cell-title">{s.name}</div>
                    <div className="cell-sub">{formatLabel(s.format, formats)}</div>
                  </td>
                  <td className="cell-sub">{s.participants}</td>
                  <td className="num num-col">{Math.round(s.probability * 100)}%</td>
                  <td>
                    <SlotDecision slot={s} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
