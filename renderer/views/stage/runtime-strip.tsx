import { useRuntime } from '../../store/runtime-store.js';
import { timeAgo, formatMs } from '../../lib/time-format.js';
import { useNow } from '../../lib/use-now.js';
import { routeHref, settingsHref } from '../../lib/router.js';

function Stat({ label, value, sub, tone, href, title }: { label: string; value: string; sub?: string; tone?: string; href?: string; title?: string }) {
  const body = (
    <>
      <div className="stat-label">{label}</div>
      <div className={`stat-value${tone ? ` tone-${tone}` : ''}`}>{value}</div>
      {sub && <div className="stat-sub">{sub}</div>}
    </>
  );
  return href ? (
    <a className="stat stat-link" href={href} title={title}>
      {body}
    </a>
  ) : (
    <div className="stat" title={title}>
      {body}
    </div>
  );
}

/** "127.0.0.1:11434 and 1 more": where the app looks for Ollama, short enough for a card. */
function hostsInShort(hosts: readonly string[]): string {
  const [first, ...rest] = hosts.map((h) => h.replace(/^https?:\/\//, '').replace(/\/$/, ''));
  if (!first) return 'no host set';
  return rest.length ? `${first} and ${rest.length} more` : first;
}

/** Heartbeat, workers, queue and pending proposals, from runtime.status. */
export function RuntimeStrip() {
  const status = useRuntime((s) => s.status);
  const error = useRuntime((s) => s.error);
  const now = useNow(5000);
  if (!status) {
    return <div className="runtime-strip runtime-loading">{error ? `Runtime status unavailable: ${error}` : 'Reading the runtime…'}</div>;
  }
  const hb = status.heartbeat;
  const last = hb.lastRun;
  const inflight = status.workers.reduce((n, w) => n + w.inflight, 0);
  const enabled = status.workers.filter((w) => w.enabled && !w.paused).length;
  const paused = status.workers.filter((w) => w.paused).length;
  const queued = status.queue.byKind.reduce((n, k) => n + k.queued, 0);
  const running = status.queue.byKind.reduce((n, k) => n + k.running, 0);
  const unhandled = status.queue.unhandledKinds;
  const m = status.missions;
  return (
    <div className="runtime-strip" data-testid="runtime-strip">
      <Stat
        label="Heartbeat"
        value={last ? timeAgo(last.startedAt, now) : hb.running ? 'waiting' : 'off'}
        sub={(last ? `${last.status}${last.durationMs !== null ? ` · ${formatMs(last.durationMs)}` : ''} · every ${hb.intervalMinutes} min` : `every ${hb.intervalMinutes} min`).replace(/(\d) (?=[a-zµ])/g, '$1\u00a0')}
        tone={!hb.running ? 'muted' : last && last.status !== 'succeeded' ? 'warn' : 'ok'}
      />
      <Stat
        label="Workers"
        value={`${inflight} busy`}
        sub={`${enabled} ${enabled === 1 ? 'kind' : 'kinds'} ready${paused ? ` · ${paused} paused` : ''}`}
        tone={paused ? 'warn' : undefined}
      />
      <Stat
        label="Queue"
        value={`${queued} queued`}
        sub={unhandled.length ? `no worker for ${unhandled.join(', ')}` : `${running} running`}
        tone={unhandled.length ? 'warn' : undefined}
      />
      <Stat
        label="Missions"
        value={`${m.running + m.approved} open`}
        sub={`${m.succeeded} done · ${m.failed} failed`}
        href={routeHref({ view: 'missions', missionId: null })}
      />
      <Stat
        label="Proposals"
        value={`${status.pendingProposals} pending`}
        sub={status.pendingProposals ? 'waiting for you' : 'nothing to decide'}
        tone={status.pendingProposals ? 'warn' : undefined}
        href={routeHref({ view: 'proposals' })}
      />
      {status.llm && (
        <Stat
          label="LLM"
          value={status.llm.status === 'ok' ? 'Connected' : status.llm.status === 'unreachable' ? 'Unreachable' : 'Not set up'}
          sub={
            status.llm.status === 'ok'
              ? hostsInShort([status.llm.active ?? status.llm.hosts[0] ?? ''])
              : `${status.llm.status === 'unreachable' ? 'No answer from' : 'Hosts:'} ${hostsInShort(status.llm.hosts)} · set up hosts`
          }
          // the whole reason (which hosts failed and how) on hover; the card links to where hosts are set
          title={status.llm.reason ?? undefined}
          href={status.llm.status === 'ok' ? routeHref({ view: 'models' }) : settingsHref('hosts')}
          tone={status.llm.status === 'ok' ? 'ok' : 'warn'}
        />
      )}
      <Stat
        label="Database"
        value={status.database.kind === 'pglite' ? 'Embedded' : 'PostgreSQL'}
        sub={status.database.location}
      />
    </div>
  );
}
