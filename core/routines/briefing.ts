import { z } from 'zod';
import { describeIssues } from '../api/errors.js';
import { saveArtifact } from '../executors/artifacts.js';
import { llmExecutor } from '../executors/llm-executor.js';
import { agentSystemPrompt, firstLine, tidy } from '../executors/prompts.js';
import type { LlmService } from '../llm/llm-service.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { cachedPolicy } from '../ops/policy.js';
import { iso, localDate, startOfDay } from '../ops/time.js';
import { badPayload } from '../workers/executor.js';

const payload = z.object({ prompt: z.string().max(2000).default('') });

interface DayMission {
  id: number;
  title: string;
  status: string;
  agentId: string;
}

/** The local day's missions (not this briefing's own), oldest first. */
export async function missionsOfDay(ctx: EngineCtx, exceptMission: number): Promise<DayMission[]> {
  const tz = (await cachedPolicy(ctx, 'timezone')).name;
  const res = await ctx.db.query<DayMission>(
    `SELECT id::int AS id, title, status, created_by AS "agentId" FROM ops_missions WHERE created_at >= $1 AND id <> $2 ORDER BY id LIMIT 200`,
    [iso(startOfDay(ctx.clock.now(), tz)), exceptMission],
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
    const day = localDate(ctx.clock.now(), tz);
    const missions = await missionsOfDay(ctx, step.missionId);
    const list = missions.map((m) => `- #${m.id} ${m.title} (${m.status}, ${m.agentId})`).join('\n') || '- no missions today';
    const system = agentSystemPrompt(agent, { task: 'You write the daily briefing for the person who runs this company: what got done, what failed, what matters tomorrow. Markdown, under 200 words.' });
    const res = await llm.chat(
      { agentId: agent.id, purpose: 'briefing', stepId: step.id, stepKind: 'briefing' },
      { system, messages: [{ role: 'user', content: `${p.data.prompt}\n\nToday (${day}) the missions were:\n${list}` }], temperature: 0.4, signal },
    );
    const summary = tidy(res.text) || 'No summary from the model today.';
    const content = `# Daily briefing — ${day}\n\n${summary}\n\n## Missions today\n\n${list}\n`;
    const artifact = await saveArtifact(ctx, ctx.db, {
      kind: 'document',
      title: `Daily briefing — ${day}`,
      content,
      meta: { briefing: true, day, missionIds: missions.map((m) => m.id), model: res.model },
      agentId: agent.id,
      missionId: step.missionId,
      stepId: step.id,
    });
    await writeEvent(ctx, ctx.db, {
      agentId: agent.id,
      kind: 'daily_briefing',
      title: `Daily briefing — ${day}: ${missions.length} mission(s)`,
      summary: firstLine(summary, 400),
      tags: ['briefing', 'routine', 'notification'],
      missionId: step.missionId,
      stepId: step.id,
      payload: { artifactId: artifact.id, day, missionIds: missions.map((m) => m.id) },
    });
    return { result: { artifactId: artifact.id, day, missions: missions.length }, summary: `Briefing for ${day}`, tags: ['briefing'] };
  });
}
