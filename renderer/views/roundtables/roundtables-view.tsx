import { useEffect, useRef, useState } from 'react';
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
  const shownId = useRoundtables((s) => s.detail?.conversation.id ?? null);
  const transcriptRef = useRef<HTMLDivElement>(null);
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
  // A click on a conversation far down the list (or with the panels stacked, in a narrow window) brings its transcript into view.
  useEffect(() => {
    const el = transcriptRef.current;
    if (!el || conversationId === null || shownId !== conversationId) return;
    const top = el.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight * 0.5) el.scrollIntoView({ block: 'start' });
  }, [conversationId, shownId]);
  return (
    <div className="page roundtables-page" data-testid="roundtables-view">
      <div className="roundtables-grid">
        <PanelBoundary name="Conversations">
          <ConversationList selected={conversationId} now={now} onStart={() => setStarting(true)} />
        </PanelBoundary>
        <div ref={transcriptRef} className="transcript-slot">
          <PanelBoundary name="Transcript" resetKey={conversationId}>
            <TranscriptPanel conversationId={conversationId} />
          </PanelBoundary>
        </div>
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
