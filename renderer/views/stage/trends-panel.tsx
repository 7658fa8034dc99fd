import { useEffect, useMemo, useState } from 'react';
import type { CallOutput } from '../../../core/api/contract.js';
import { byDay, stackedByCategory } from '../../components/charts/series.js';
import { UplotChart } from '../../components/charts/uplot-chart.js';
import { agentLook } from '../../lib/agent-look.js';
import { agentName, useAgents } from '../../store/agents-store.js';
import { callQuiet } from '../../store/call.js';

const DAYS = 14;
const REFRESH_MS = 60_000;
const kindColours = ['#7c9cff', '#4ade80', '#fbbf24', '#f472b6', '#38bdf8'];

interface Data {
  today: string;
  events: CallOutput<'stats.eventsPerDay'>;
  tokens: CallOutput<'stats.tokensPerDay'>;
  outcomes: CallOutput<'stats.missionOutcomes'>;
  memories: CallOutput<'stats.memoryByType'>;
}

/** The last two weeks in pictures: events by kind, tokens by agent (with the budget once set), mission outcomes; and what the agents remember, by type. */
export function TrendsPanel() {
  const [data, setData] = useState<Data | null>(null);
  const agents = useAgents((s) => s.agents);
  useEffect(() => {
    let gone = false;
    const load = async (): Promise<void> => {
      const [t, events, tokens, outcomes, memories] = await Promise.all([
        callQuiet('stats.today', {}),
        callQuiet('stats.eventsPerDay', { days: DAYS }),
        callQuiet('stats.tokensPerDay', { days: DAYS }),
        callQuiet('stats.missionOutcomes', { days: DAYS }),
        callQuiet('stats.memoryByType', {}),
      ]);
      if (!gone) setData({ today: t.day, events, tokens, outcomes, memories });
    };
    void load().catch(() => {});
    const timer = setInterval(() => void load().catch(() => {}), REFRESH_MS);
    return () => {
      gone = true;
      clearInterval(timer);
    };
  }, []);

  const charts = useMemo(() => {
    if (!data) return null;
    const ev = byDay(data.events, (r) => r.kind, (r) => r.count, DAYS, data.today);
    const top = ev.groups.slice(0, 5);
    const tk = byDay(data.tokens.rows, (r) => r.agentId ?? 'system', (r) => r.tokens, DAYS, data.today);
    const oc = byDay(
      data.outcomes.flatMap((r) => [
        { day: r.day, k: 'succeeded', n: r.succeeded },
        { day: r.day, k: 'failed', n: r.failed },
      ]),
      (r) => r.k,
      (r) => r.n,
      DAYS,
      data.today,
    );
    const budget = data.tokens.dailyBudget;
    const mem = stackedByCategory(data.memories, (r) => r.type, (r) => r.agentId, (r) => r.count);
    return {
      memories: {
        categories: mem.categories.map((c) => c.replace(/_/g, ' ')),
        data: [mem.x, ...mem.stacks] as [number[], ...number[][]],
        series: mem.groups.map((a, i) => ({ label: agentName(agents, a), color: agentLook(a).color, kind: 'bars' as const, legendValues: mem.counts[i] as number[] })),
      },
      events: { data: [ev.x, ...ev.ys.slice(0, 5)] as [number[], ...number[][]], series: top.map((k, i) => ({ label: k.replace(/_/g, ' '), color: kindColours[i] as string, kind: 'line' as const })) },
      tokens: {
        data: [tk.x, ...tk.ys, ...(budget !== null ? [tk.x.map(() => budget)] : [])] as [number[], ...number[][]],
        series: [...tk.groups.map((a) => ({ label: agentName(agents, a === 'system' ? null : a), color: agentLook(a === 'system' ? null : a).color, kind: 'line' as const })), ...(budget !== null ? [{ label: 'company budget', color: '#f87171', kind: 'line' as const, dash: true }] : [])],
      },
      outcomes: {
        data: [oc.x, ...['succeeded', 'failed'].map((k) => oc.ys[oc.groups.indexOf(k)] ?? oc.x.map(() => 0))] as [number[], ...number[][]],
        series: [
          { label: 'succeeded', color: '#4ade80', kind: 'line' as const },
          { label: 'failed', color: '#f87171', kind: 'line' as const },
        ],
      },
    };
  }, [data, agents]);

  return (
    <section className="panel trends-panel" aria-label="Trends" data-testid="trends">
      <header className="panel-head">
        <h2>Last two weeks</h2>
      </header>
      {!charts ? (
        <div className="trends-loading">Reading the numbers…</div>
      ) : (
        <div className="trends-grid">
          <figure>
            <figcaption>Events per day by kind</figcaption>
            {charts.events.series.length ? <UplotChart label="Events per day by kind" {...charts.events} /> : <p className="trends-empty">No events yet.</p>}
          </figure>
          <figure data-testid="tokens-chart">
            <figcaption>Tokens per agent per day</figcaption>
            {charts.tokens.series.length ? <UplotChart label="Tokens per agent per day" {...charts.tokens} /> : <p className="trends-empty">No LLM calls yet.</p>}
          </figure>
          <figure>
            <figcaption>Mission outcomes per day</figcaption>
            <UplotChart label="Mission outcomes per day" {...charts.outcomes} />
          </figure>
          <figure data-testid="memory-chart" data-types={charts.memories.categories.join(',')}>
            <figcaption>Memories by type</figcaption>
            {charts.memories.series.length ? <UplotChart label="Memories by type, per agent" {...charts.memories} /> : <p className="trends-empty">No memories yet.</p>}
          </figure>
        </div>
      )}
    </section>
  );
}
