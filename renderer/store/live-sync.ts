import { debounce } from '../lib/debounce.js';
import { notifyAlert } from '../lib/notify.js';
import { transport } from '../transport/pick-transport.js';
import type { StreamMessage } from './entities.js';
import { useAgentDetail } from './agent-detail-store.js';
import { useAgents } from './agents-store.js';
import { useAutonomy } from './autonomy-store.js';
import { useData } from './data-store.js';
import { useFeed } from './feed-store.js';
import { useMissions } from './missions-store.js';
import { useModels } from './models-store.js';
import { usePolicies } from './policy-store.js';
import { useProposals } from './proposals-store.js';
import { useRoundtables } from './roundtables-store.js';
import { useRuntime } from './runtime-store.js';
import { useUi } from './ui-store.js';

const RUNTIME_POLL_MS = 4000;
const FIRST_LOAD_WAIT_MS = 1500;

function loadEverything(): void {
  const quiet = (p: Promise<unknown>): void => void p.catch(() => {});
  quiet(useAgents.getState().load());
  quiet(useRuntime.getState().load());
  quiet(useFeed.getState().reload());
  quiet(useFeed.getState().loadRecent());
  quiet(useMissions.getState().loadList());
  quiet(useMissions.getState().loadLatest());
  quiet(useProposals.getState().load());
  if (usePolicies.getState().loaded) quiet(usePolicies.getState().load());
  if (useAutonomy.getState().active) quiet(useAutonomy.getState().load());
  if (useRoundtables.getState().active) quiet(useRoundtables.getState().load());
  const agentId = useAgentDetail.getState().agentId;
  if (agentId) quiet(useAgentDetail.getState().load(agentId));
}

/** Events that change what the Roundtables view shows. */
function isConversationEvent(e: StreamMessage & { type: 'event' }): boolean {
  return e.event.kind.startsWith('roundtable') || e.event.tags.includes('roundtable') || e.event.kind.startsWith('distill');
}

/**
 * Wires the engine's stream into the stores and polls runtime.status. Data is
 * fetched each time the stream opens, so nothing that happened before it was
 * listening (or while it was down: messages are not replayed) goes missing. A
 * stream that is slow to open does not hold up the first fetch for long.
 */
export function startLiveSync(): () => void {
  const refreshRuntime = debounce(() => void useRuntime.getState().load(), 300);
  const refreshPolicies = debounce(() => void usePolicies.getState().load().catch(() => {}), 300);
  const refreshAutonomy = debounce(() => void useAutonomy.getState().load().catch(() => {}), 500);
  const refreshRoundtables = debounce(() => void useRoundtables.getState().load().catch(() => {}), 300);
  const refreshMemories = debounce(() => void useAgentDetail.getState().refreshMemories().catch(() => {}), 500);
  const fallback = setTimeout(() => {
    loadedOnce = true;
    loadEverything();
  }, FIRST_LOAD_WAIT_MS);

  const onMessage = (msg: StreamMessage): void => {
    switch (msg.type) {
      case 'event': {
        const e = msg.event;
        useFeed.getState().receive(e);
        if (e.missionId !== null) useMissions.getState().touched(e.missionId);
        if (e.proposalId !== null || e.tags.includes('proposal')) useProposals.getState().touched();
        if (e.kind === 'policy_changed' && usePolicies.getState().loaded) refreshPolicies();
        // Any event may be a trigger's doing or a reaction's cause: the open Autonomy view looks again.
        if (useAutonomy.getState().active) refreshAutonomy();
        if (useRoundtables.getState().active && isConversationEvent(msg)) refreshRoundtables();
        const open = useAgentDetail.getState().agentId;
        if (open && (e.agentId === open || e.tags.includes('memory'))) refreshMemories();
        break;
      }
      case 'mission':
        useMissions.getState().touched(msg.mission.id);
        useProposals.getState().touched();
        break;
      case 'step':
        useMissions.getState().touched(msg.step.missionId);
        break;
      case 'pull':
        // Progress lines come many a second and change nothing the runtime strip shows.
        useModels.getState().receivePull(msg);
        return;
      case 'runtime':
        // The pause state shows at once; the rest of the status follows with the refresh below.
        useRuntime.setState((s) => (s.status ? { status: { ...s.status, pause: msg.state } } : {}));
        break;
      case 'data':
        useData.getState().receive(msg);
        if (msg.op === 'import' && msg.phase === 'done') notifyAlert('import', 'Import finished', msg.message ?? 'The company from the archive is open.');
        if (msg.phase === 'done' && msg.op !== 'export') void useData.getState().loadBackups();
        return;
      default:
        break;
    }
    refreshRuntime();
  };

  let loadedOnce = false;
  const unsubscribe = transport.subscribe(onMessage, (status) => {
    useRuntime.getState().setStream(status);
    // Load on every open; and at once if the stream fails before it ever opened (no point waiting).
    if (status === 'open' || (status === 'reconnecting' && !loadedOnce)) {
      clearTimeout(fallback);
      loadedOnce = true;
      loadEverything();
    }
  });
  const poll = setInterval(() => void useRuntime.getState().load(), RUNTIME_POLL_MS);
  const stop = (): void => {
    unsubscribe();
    clearInterval(poll);
    clearTimeout(fallback);
    refreshRuntime.cancel();
    refreshPolicies.cancel();
    refreshAutonomy.cancel();
    refreshRoundtables.cancel();
    refreshMemories.cancel();
    stopOnToken();
  };
  // Without a valid token nothing will work until the page is reloaded with one: stop knocking.
  const stopOnToken = useUi.subscribe((s) => {
    if (s.needsToken) stop();
  });
  return stop;
}
