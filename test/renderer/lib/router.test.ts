import { describe, expect, it } from 'vitest';
import { parseRoute, routeHref } from '../../../renderer/lib/router.ts';

describe('hash routes', () => {
  it('round-trips every route', () => {
    for (const r of [{ view: 'stage' }, { view: 'missions', missionId: 4 }, { view: 'agents', agentId: 'twitter-alt' }, { view: 'roundtables', conversationId: null }, { view: 'proposals', proposalId: 12 }, { view: 'proposals' }] as const) {
      expect(parseRoute(routeHref(r))).toEqual(r);
    }
  });

  it('never throws on a malformed hash: it falls back to a view that exists', () => {
    for (const hash of ['#/agents/%', '#/agents/%E0%A4%A', '#/agents/%zz', '#/missions/%', '#/missions/1e400', '#/roundtables/-1', '#%', '#/../../', '#/\u0000', '#//agents']) {
      expect(() => parseRoute(hash), hash).not.toThrow();
    }
    expect(parseRoute('#/agents/%')).toEqual({ view: 'stage' });
    expect(parseRoute('#/missions/%')).toEqual({ view: 'missions', missionId: null });
    expect(parseRoute('#/agents/opus%20x')).toEqual({ view: 'agents', agentId: 'opus x' });
  });
});
