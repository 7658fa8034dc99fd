import { useEffect, useState } from 'react';
import { AgentAvatar } from '../../components/agent-avatar.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { EmptyState, Skeleton } from '../../components/empty-state.js';
import { StatusBadge } from '../../components/status-badge.js';
import { artifactHref, proposalHref } from '../../lib/router.js';
import { duration, shortDate } from '../../lib/time-format.js';
import { callQuiet } from '../../store/call.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { useMissions } from '../../store/missions-store.js';
import { MissionPlayback } from './mission-playback.js';
import { MissionSteps } from './mission-steps.js';
import { WhyButton } from '../explain/why-button.js';

/** One mission: its header, its steps, a playback of its events, and Cancel while it is open. */
export function MissionDetail({ id }: { id: number }) {
  const detail = useMissions((s) => s.details[id]);
  const loadDetail = useMissions((s) => s.loadDetail);
  const cancel = useMissions((s) => s.cancel);
  const agents = useAgents((s) => s.agents);
  const [missing, setMissing] = useState(false);
  const [cancelling, setCancelling] = useState(false);
  const [asking, setAsking] = useState(false);
  const [artifacts, setArtifacts] = useState<{ id: number; title: string; kind: string; stepId: number | null; version: number }[]>([]);
  const status = detail?.mission.status;

  useEffect(() => {
    setMissing(false);
    loadDetail(id).catch(() => setMissing(true));
  }, [id, loadDetail]);

  // What the mission wrote (drafts, analyses, crawls), looked up again as it moves on.
  useEffect(() => {
    let gone = false;
    callQuiet('artifacts.list', { missionId: id, limit: 50 }).then(
      (r) => !gone && setArtifacts(r.items),
      () => {},
    );
    return () => {
      gone = true;
    };
  }, [id, status]);

  if (!detail) return missing ? <EmptyState title={`Mission #${id} could not be loaded`} /> : <Skeleton lines={8} />;
  const { mission: m, steps, events } = detail;
  const open = m.status === 'approved' || m.status === 'running';
  const name = (aid: string | null): string => agentName(agents, aid);

  const onCancel = async (): Promise<void> => {
    setAsking(false);
    setCancelling(true);
    try {
      await cancel(m.id);
    } catch {
      // the toast says why
    } finally {
      setCancelling(false);
    }
  };

  return (
    <div className="mission-detail" data-testid="mission-detail" data-mission={m.id} data-status={m.status}>
      <header className="detail-head">
        <AgentAvatar agentId={m.createdBy} name={name(m.createdBy)} size="lg" />
        <div className="detail-title-block">
          <div className="detail-kicker">Mission #{m.id}</div>
          <h2 className="detail-title">{m.title}</h2>
          <div className="detail-meta">
            by {name(m.createdBy)} · created {shortDate(m.createdAt)}
            {m.startedAt && ` · started ${shortDate(m.startedAt)}`}
            {m.finishedAt && ` · took ${duration(m.startedAt ?? m.createdAt, m.finishedAt)}`}
            {m.proposalId !== null && (
              <>
                {' · '}
                <a href={proposalHref(m.proposalId)}>proposal #{m.proposalId}</a>
              </>
            )}
          </div>
        </div>
        <StatusBadge status={m.status} />
        <WhyButton subject={{ missionId: m.id }} />
        {open && (
          <button type="button" className="btn btn-danger btn-small" onClick={() => setAsking(true)} disabled={cancelling}>
            {cancelling ? 'Cancelling…' : 'Cancel mission'}
          </button>
        )}
        {asking && (
          <ConfirmDialog title="Cancel mission" confirmLabel="Cancel mission" keepLabel="Keep it running" onConfirm={() => void onCancel()} onClose={() => setAsking(false)}>
            <p>
              Cancel mission #{m.id} “{m.title}”? A step that is running is asked to stop; steps not yet run are dropped. This cannot be undone.
            </p>
          </ConfirmDialog>
        )}
      </header>
      {m.failureReason && <div className={`detail-reason reason-${m.status}`}>{m.failureReason}</div>}
      <section className="detail-section">
        <h3>Steps</h3>
        <MissionSteps steps={steps} />
      </section>
      {artifacts.length > 0 && (
        <section className="detail-section" data-testid="mission-artifacts">
          <h3>What it wrote</h3>
          <ul className="artifact-links">
            {artifacts.map((a) => (
              <li key={a.id}>
                <a href={artifactHref(a.id)}>{a.title}</a> <span className="cell-sub">{a.kind.replace(/_/g, ' ')}{a.version > 1 ? ` · v${a.version}` : ''}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section className="detail-section">
        <h3>Playback</h3>
        <MissionPlayback missionId={id} events={events} startedAt={m.startedAt ?? m.createdAt} live={open} agentName={name} artifacts={artifacts} />
      </section>
    </div>
  );
}
