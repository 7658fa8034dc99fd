import type { artifactCalls } from '../api/artifact-calls.js';
import { AppError } from '../api/errors.js';
import { saveArtifact } from '../executors/artifacts.js';
import type { HandlersFor } from '../feature.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { artifactVersions, listArtifacts, readArtifact } from './artifact-queries.js';

/** The artifacts library. An edit never overwrites: it is a new version whose parent is the edited one. */
export function createArtifactHandlers(ctx: EngineCtx): HandlersFor<typeof artifactCalls> {
  const mustRead = async (id: number) => {
    const a = await readArtifact(ctx.db, id);
    if (!a) throw new AppError('not_found', `There is no artifact #${id}; it may have been removed with its data.`);
    return a;
  };
  return {
    'artifacts.list': (input) => listArtifacts(ctx.db, input),
    'artifacts.get': async ({ id }) => ({ artifact: await mustRead(id), versions: await artifactVersions(ctx.db, id) }),
    'artifacts.saveVersion': async ({ id, title, content }) => {
      const parent = await mustRead(id);
      const saved = await ctx.db.transaction(async (tx) => {
        const row = await saveArtifact(ctx, tx, {
          kind: parent.kind,
          title,
          content,
          meta: { ...parent.meta, editedBy: 'user', editedFrom: parent.id },
          agentId: parent.agentId,
          missionId: parent.missionId,
          stepId: parent.stepId,
          parentId: parent.id,
        });
        await writeEvent(ctx, tx, {
          kind: 'artifact_edited',
          agentId: parent.agentId,
          title: `You edited "${title}" (version ${row.version})`,
          tags: ['artifact', parent.kind, 'edited'],
          payload: { artifactId: row.id, parentId: parent.id, version: row.version },
          missionId: parent.missionId,
        });
        return row;
      });
      return mustRead(saved.id);
    },
  };
}
