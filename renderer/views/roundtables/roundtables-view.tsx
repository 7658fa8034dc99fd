import { useEffect, useState } from 'react';
import { PanelBoundary } from '../../components/panel-boundary.js';
import { useNow } from '../../lib/use-now.js';
import { useRoundtables } from '../../store/roundtables-store.js';
import { ConversationList } from './conversation-list.js';
import { RelationshipsPanel } from './relationships-panel.js';
import { SchedulePanel } from './schedule-panel.js';
import { StartDialog } from './start-dialog.js';
import { TranscriptPanel } from './transcript-panel.js';

/** Looks again now and then; turns arrive on the stream too. */
const POLL_MS = 8000;

/** Conversations: the list, a transcript, starting one, the daily schedule, and the team's relationships. */
export function RoundtablesView({ conversationId }: { conversationId: number | null }) {
  const load = useRoundtables((s) => s.load);
  const open = useRoundtables((s) => s.open);
  const setActive = useRoundtables((s) => s.setActive);
  const [starting, setStarting] = useState(false);
  const now = useNow(10_000);
  useEffect(() => {
    setActive(true);
    void load().catch(() => {});
    const t = setInterval(() => void load().catch(() => {}), POLL_MS);
    return () => {
      clearInterval(t);
      setActive(false);
    };
  }, [load, setActive]);
  useEffect(() => {
    void open(conversationId).catch(() => {});
  }, [open, conversationId]);
  return (
    <div className="page roundtables-page" data-testid="roundtables-view">
      <div className="roundtables-grid">
        <PanelBoundary name="Conversations">
          <ConversationList selected={conversationId} now={now} onStart={() => setStarting(true)} />
        </PanelBoundary>
        <PanelBoundary name="Transcript" resetKey={conversationId}>
          <TranscriptPanel conversationId={conversationId} />
        </PanelBoundary>
      </div>
      <div className="roundtables-grid roundtables-lower">
        <PanelBoundary name="Daily schedule">
          <SchedulePanel />
        </PanelBoundary>
        <PanelBoundary name="Relationships">
          <RelationshipsPanel />
        </PanelBoundary>
      </div>
      {starting && <StartDialog onClose={() => setStarting(false)} />}
    </div>
  );
}
