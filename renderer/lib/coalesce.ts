/**
 * Runs `task` one at a time: a call while it runs is answered by the running
 * pass, and asks for exactly one more pass right after it (so nothing that
 * changed meanwhile is missed, and bursts of stream messages cost two loads).
 */
export function coalesced(task: () => Promise<void>): () => Promise<void> {
  let inflight: Promise<void> | null = null;
  let again = false;
  return () => {
    if (inflight) {
      again = true;
      return inflight;
    }
    inflight = (async () => {
      do {
        again = false;
        await task();
      } while (again);
    })().finally(() => {
      inflight = null;
    });
    return inflight;
  };
}
