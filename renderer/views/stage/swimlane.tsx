import { AgentAvatar } from '../../components/agent-avatar.js';
import { missionHref, proposalHref } from '../../lib/router.js';
import { timeAgo } from '../../lib/time-format.js';
import { useNow } from '../../lib/use-now.js';
import { useMissions } from '../../store/missions-store.js';
import { useProposals } from '../../store/proposals-store.js';
import { useRuntime } from '../../store/runtime-store.js';

const CARDS = 3;

interface Card {
  key: string;
  agentId: string;
  title: string;
  sub: string;
  href: string;
  tone?: string;
}

function Lane({ name, count, cards, testId }: { name: string; count: number; cards: Card[]; testId: string }) {
  return (
    <div className="lane" data-testid={testId} data-count={count}>
      <div className="lane-head">
        <span className="lane-name">{name}</span>
        <span className="lane-count">{count}</span>
      </div>
      <div className="lane-cards">
        {cards.length === 0 ? (
          <div className="lane-empty">—</div>
        ) : (
          cards.slice(0, CARDS).map((c) => (
            <a key={c.key} className={`lane-card${c.tone ? ` tone-${c.tone}` : ''}`} href={c.href} title={c.title}>
              <AgentAvatar agentId={c.agentId} size="sm" />
              <span className="lane-card-text">
                <span className="lane-card-title">{c.title}</span>
                <span className="lane-card-sub">{c.sub}</span>
              </span>
            </a>
          ))
        )}
        {count > CARDS && <div className="lane-more">+{(count - Math.min(CARDS, cards.length)).toLocaleString('en')} more</div>}
      </div>
    </div>
  );
}

/** Proposal → approved → running → done: where the work is, with counts and the latest cards of each. */
export function Swimlane() {
  const pending = useProposals((s) => s.pending);
  const latest = useMissions((s) => s.latest);
  const status = useRuntime((s) => s.status);
  const now = useNow(15_000);
  const m = status?.missions;
  const mission = (st: string) => latest.filter((x) => x.status === st);
  const done = latest.filter((x) => x.status === 'succeeded' || x.status === 'failed' || x.status === 'cancelled');
  const missionCard = (x: (typeof latest)[number]): Card => ({
    key: `m${x.id}`,
    agentId: x.createdBy,
    title: x.title,
    sub:
      x.status === 'running'
        ? `${x.stepKinds[x.stepsDone]?.replace(/_/g, ' ') ?? 'step'} · ${x.stepsDone + 1}/${x.stepsTotal}`
        : x.status === 'approved'
          ? `queued · ${timeAgo(x.createdAt, now)}`
          : `${x.status} · ${timeAgo(x.finishedAt ?? x.createdAt, now)}`,
    href: missionHref(x.id),
    tone: x.status === 'failed' ? 'bad' : x.status === 'succeeded' ? 'ok' : undefined,
  });
  return (
    <section className="panel swimlane" aria-label="Work in flight">
      <header className="panel-head">
        <h2>Work in flight</h2>
        <span className="panel-meta">proposal → approved → running → done</span>
      </header>
      <div className="lanes">
        <Lane
          name="Proposed"
          testId="lane-proposed"
          count={status?.pendingProposals ?? pending.length}
          cards={pending.map((p) => ({ key: `p${p.id}`, agentId: p.agentId, title: p.title, sub: `waiting · ${timeAgo(p.createdAt, now)}`, href: proposalHref(p.id), tone: 'warn' }))}
        />
        <Lane name="Approved" testId="lane-approved" count={m?.approved ?? mission('approved').length} cards={mission('approved').map(missionCard)} />
        <Lane name="Running" testId="lane-running" count={m?.running ?? mission('running').length} cards={mission('running').map(missionCard)} />
        <Lane name="Done" testId="lane-done" count={m ? m.succeeded + m.failed + m.cancelled : done.length} cards={done.map(missionCard)} />
      </div>
    </section>
  );
}
