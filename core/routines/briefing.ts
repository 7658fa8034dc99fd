import { z } from 'zod';
import { describeIssues } from '../api/errors.js';
import { saveArtifact } from '../executors/artifacts.js';
import { llmExecutor } from '../executors/llm-executor.js';
import { agentSystemPrompt, firstLine, tidy } from '../executors/prompts.js';
import type { LlmService } from '../llm/llm-service.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { cachedPolicy } from '../ops/policy.js';
import { iso, localDate } from '../ops/time.js';
import { periodsAt } from '../budget/periods.js';
import { badPayload } from '../workers/executor.js';

const payload = z.object({
  prompt: z.string().max(2000).default(''),
  /** When the briefing was due: it covers that local day (a caught-up briefing, the day it missed). Default: now. */
  dueAt: z.iso.datetime({ offset: true }).optional(),
});

interface DayMission {
  id: number;
  title: string;
  status: string;
  agentId: string;
}

/** The missions created on the local day around `atMs` (not this briefing's own), oldest first. */
export async function missionsOfDay(ctx: EngineCtx, exceptMission: number, atMs: number = ctx.clock.now()): Promise<DayMission[]> {
  const p = periodsAt(atMs, (await cachedPolicy(ctx, 'timezone')).name);
  const res = await ctx.db.query<DayMission>(
    `SELECT id::int AS id, title, status, created_by AS "agentId" FROM ops_missions WHERE created_at >= $1 AND created_at < $2 AND id <> $3 ORDER BY id LIMIT 200`,
    [iso(p.dayStart), iso(p.dayEnd), exceptMission],
  );
  return res.rows;
}

/**
 * briefing: a written summary of the company's day, as an artifact and an
 * event. The model writes the summary; the list of the day's missions under
 * it comes from the database, so the briefing always names them.
 */
export function briefingExecutor(llm: LlmService) {
  return llmExecutor('briefing', llm, async ({ ctx, step, agent, signal }) => {
    const p = payload.safeParse(step.payload);
    if (!p.success) throw badPayload('briefing', describeIssues(p.error.issues));
    const tz = (await cachedPolicy(ctx, 'timezone')).name;
    const dueMs = p.data.dueAt ? Date.parse(p.data.dueAt) : ctx.clock.now();
    const day = localDate(dueMs, tz);
    const today = localDate(ctx.clock.now(), tz);
    const late = day !== today;
    const missions = await missionsOfDay(ctx, step.missionId, dueMs);
    const when = late ? `on ${day}` : 'today';
    const list = missions.map((m) => `- #${m.id} ${m.title} (${m.status}, ${m.agentId})`).join('\n') || `- no missions ${when}`;
    const system = agentSystemPrompt(agent, { task: 'You write the daily briefing for the person who runs this company: what got done, what failed, what matters tomorrow. Markdown, under 200 words.' });
    const res = await llm.chat(
      { agentId: agent.id, purpose: 'briefing', stepId: step.id, stepKind: 'briefing' },
      { system, messages: [{ role: 'user', content: `${p.data.prompt}\n\n${late ? `On ${day} (the app was closed or asleep when this briefing was due)` : `Today (${day})`} the missions were:\n${list}` }], temperature: 0.4, signal },
    );
    const summary = tidy(res.text) || 'No summary from the model today.';
    const note = late ? `_Written on ${today}, when the app woke: it was closed or asleep when this briefing was due._\n\n` : '';
    const content = `# Daily briefing — ${day}\n\n${note}${summary}\n\n## Missions ${when}\n\n${list}\n`;
    const artifact = await saveArtifact(ctx, ctx.db, {
      kind: 'document',
      title: `Daily briefing — ${day}`,
      content,
      meta: { briefing: true, day, writtenOn: today, missionIds: missions.map((m) => m.id), model: res.model },
      agentId: agent.id,
      missionId: step.missionId,
      stepId: step.id,
    });
    await writeEvent(ctx, ctx.db, {
      agentId: agent.id,
      kind: 'daily_briefing',
      title: `Daily briefing — ${day}${late ? ' (caught up)' : ''}: ${missions.length} mission(s)`,
      summary: firstLine(summary, 400),
      tags: ['briefing', 'routine', 'notification'],
      missionId: step.missionId,
      stepId: step.id,
      payload: { artifactId: artifact.id, day, missionIds: missions.map((m) => m.id) },
    });
    return { result: { artifactId: artifact.id, day, missions: missions.length }, summary: `Briefing for ${day}`, tags: ['briefing'] };
  });
}
