import { AppError, toAppError } from '../api/errors.js';
import type { LlmService } from '../llm/llm-service.js';
import type { ChatResult } from '../llm/port.js';
import { deriveVoiceModifiers } from '../memory/voice.js';
import { queryMemories, type MemoryRow } from '../memory/store.js';
import { listAgents, type Agent } from '../ops/agents.js';
import type { EngineCtx } from '../ops/ctx.js';
import { writeEvent } from '../ops/events.js';
import { abortError, isoNow } from '../ports/clock.js';
import { randInt } from '../ports/random.js';
import { interactionType, type InteractionType } from '../relationships/interaction.js';
import { loadAffinities } from '../relationships/store.js';
import { distillConversation, finishConversation } from './distill.js';
import { getFormat } from './formats.js';
import { LEADER_ID } from './participants.js';
import { getTurns, renewConversationLease, type ConversationRow, type TurnRow } from './queue.js';
import { sanitizeTurn, TURN_MAX_TOKENS } from './sanitize.js';
import { subRandom } from './seeded-random.js';
import { selectFirstSpeaker, selectNextSpeaker } from './speaker.js';
import { keepLease } from './queue-loop.js';
import { turnPrompt, type TurnPromptInput } from './turn-prompt.js';

/** The pause between turns, on the Clock. */
export const GAP_MIN_MS = 3000;
export const GAP_MAX_MS = 8000;
/** Memories each speaker brings into the room. */
const MEMORIES_PER_SPEAKER = 3;
/** Lines of history kept when a model's context window is too small for the full prompt. */
const SHORT_HISTORY = 4;

export interface OrchestratorDeps {
  ctx: EngineCtx;
  llm: LlmService;
  /** Root of the conversation's random streams (see seeded-random.ts). */
  seed: number;
  workerId: string;
  signal: AbortSignal;
}

/** The worker lost the conversation's lease (stale recovery gave it to someone else). */
export class LeaseLostError extends Error {
  constructor(id: number) {
    super(`Conversation #${id} was taken over after its lease went stale.`);
    this.name = 'LeaseLostError';
  }
}

/**
 * Runs one claimed conversation to its end: turn by turn (one LLM call each,
 * in the speaker's voice with its personality evolution and memories),
 * sanitized, stored and announced, 3–8 s apart on the Clock; then the
 * distillation. Turns already stored (a conversation resumed after a crash
 * or a pause) are kept and the talk continues from there.
 */
export async function runConversation(deps: OrchestratorDeps, conv: ConversationRow): Promise<void> {
  const { ctx, llm } = deps;
  const format = getFormat(conv.format);
  if (!format) throw new AppError('invalid_input', `Conversation #${conv.id} has an unknown format "${conv.format}".`);
  const ac = new AbortController();
  const onAbort = (): void => ac.abort();
  deps.signal.addEventListener('abort', onAbort, { once: true });
  if (deps.signal.aborted) ac.abort();
  try {
    const roster = await listAgents(ctx.db);
    const agents = conv.participants.map((id) => roster.find((a) => a.id === id)).filter((a): a is Agent => !!a && a.enabled);
    if (agents.length < 2) throw new AppError('rejected', 'Fewer than two of its participants are still turned on.');
    const ids = agents.map((a) => a.id);
    const modifiers = conv.voiceModifiers ?? (await deriveModifiers(ctx, conv, ids));
    const memories = new Map<string, MemoryRow[]>();
    for (const id of ids) memories.set(id, await queryMemories(ctx.db, { agentId: id, minConfidence: 0.6, limit: MEMORIES_PER_SPEAKER }));
    const affinities = await loadAffinities(ctx.db);
    const turns = await getTurns(ctx.db, conv.id);
    if (turns.length === 0) {
      await writeEvent(ctx, ctx.db, {
        kind: 'roundtable_started',
        title: `${conv.slotName ?? format.label} started: "${conv.topic}"`,
        summary: `${agents.map((a) => a.displayName).join(', ')} · ${conv.turnsPlanned} turns planned.`,
        tags: ['roundtable', format.id, 'started'],
        payload: { conversationId: conv.id, participants: ids, turnsPlanned: conv.turnsPlanned, voiceModifiers: modifiers },
      });
    }
    const leader = ids.includes(LEADER_ID) ? LEADER_ID : (agents.find((a) => a.role === 'coordinator')?.id ?? '');
    const names = agents.flatMap((a) => [a.displayName, a.id]);
    // speakers whose budget is used up sit the rest of this run out; when nobody can speak, the conversation waits
    const held = new Map<string, unknown>();
    for (let tries = 0; turns.length < conv.turnsPlanned && tries < conv.turnsPlanned * 2; tries++) {
      if (ac.signal.aborted) throw abortError();
      const speakable = ids.filter((i) => !held.has(i));
      if (speakable.length === 0) throw [...held.values()][0];
      const seq = turns.length;
      const random = subRandom(deps.seed, 'turn', conv.id, seq, tries);
      const speakCounts = new Map<string, number>();
      for (const t of turns) speakCounts.set(t.speaker, (speakCounts.get(t.speaker) ?? 0) + 1);
      const last = turns.at(-1)?.speaker ?? null;
      const speakerId =
        last === null
          ? selectFirstSpeaker({ participants: speakable, speakCounts, affinities }, format.leaderOpens, leader, random)
          : selectNextSpeaker({ participants: speakable, lastSpeaker: last, speakCounts, affinities }, random);
      const speaker = agents.find((a) => a.id === speakerId) as Agent;
      const interaction: InteractionType = last === null ? 'opening' : interactionType(affinities.get(speakerId, last), random);
      const input: TurnPromptInput = {
        speaker,
        format,
        topic: conv.topic,
        participants: agents,
        modifiers: modifiers[speakerId] ?? [],
        memories: memories.get(speakerId) ?? [],
        history: turns,
        interaction,
        replyTo: agents.find((a) => a.id === last) ?? null,
        turn: seq,
        turnsPlanned: conv.turnsPlanned,
      };
      const ask = (p: { system: string; user: string }) =>
        withLease(deps, conv.id, ac, () =>
          llm.chat(
            { agentId: speakerId, purpose: 'roundtable_turn', conversationId: conv.id },
            { system: p.system, messages: [{ role: 'user', content: p.user }], temperature: format.temperature, maxTokens: TURN_MAX_TOKENS, signal: ac.signal },
          ),
        );
      let res: ChatResult;
      try {
        res = await ask(turnPrompt(input));
      } catch (err) {
        if (toAppError(err).code === 'budget_exhausted') {
          held.set(speakerId, err);
          await writeEvent(ctx, ctx.db, {
            agentId: speakerId,
            kind: 'roundtable_speaker_skipped',
            title: `${speaker.displayName} sits out "${conv.topic}": ${toAppError(err).message}`,
            tags: ['roundtable', 'budget', 'skipped'],
            payload: { conversationId: conv.id, seq },
          });
          continue;
        }
        if (toAppError(err).code !== 'llm_context_truncated') throw err;
        // a small context window: the speaker hears only the last few lines and brings no memories
        res = await ask(turnPrompt({ ...input, memories: [], history: turns.slice(-SHORT_HISTORY) }));
      }
      let text = sanitizeTurn(res.text, names);
      const fallback = !text;
      if (fallback) text = sanitizeTurn(speaker.signatureLine, names);
      if (!text) continue; // nothing sayable: never store an empty turn; pick again
      const turn: TurnRow = { seq, speaker: speakerId, text, interaction, replyingTo: last, createdAt: isoNow(ctx.clock) };
      await storeTurn(deps, conv, format.label, turn, fallback);
      turns.push(turn);
      const [gapMin, gapMax] = ctx.turnGapMs ?? [GAP_MIN_MS, GAP_MAX_MS];
      if (turns.length < conv.turnsPlanned) await ctx.clock.sleep(randInt(random, gapMin, gapMax), ac.signal);
    }
    if (turns.length === 0) throw new AppError('llm_invalid_output', 'The model produced nothing usable to say (every line was empty after cleaning).');
    if (conv.distillStatus === 'pending') await withLease(deps, conv.id, ac, () => distillConversation({ ctx, llm, signal: ac.signal }, conv, deps.workerId));
    // no-op when the distillation's transaction already finished it
    await finishConversation(ctx, conv, deps.workerId);
  } finally {
    deps.signal.removeEventListener('abort', onAbort);
  }
}

/** Derived once per conversation and kept on its row, so a resumed conversation speaks the same way. */
async function deriveModifiers(ctx: EngineCtx, conv: ConversationRow, ids: string[]): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const id of ids) out[id] = (await deriveVoiceModifiers(ctx.db, id)).modifiers;
  await ctx.db.query('UPDATE ops_roundtable_queue SET voice_modifiers = $2::jsonb WHERE id = $1', [conv.id, JSON.stringify(out)]);
  return out;
}

/** Runs `fn` while renewing the conversation's lease every minute; a lost lease aborts the conversation. */
function withLease<T>(deps: OrchestratorDeps, id: number, ac: AbortController, fn: () => Promise<T>): Promise<T> {
  return keepLease(deps.ctx, () => renewConversationLease(deps.ctx, deps.ctx.db, id, deps.workerId), () => ac.abort(), fn);
}

/** Stores one turn and its event, and renews the lease — only while this worker still holds the conversation. */
async function storeTurn(deps: OrchestratorDeps, conv: ConversationRow, label: string, turn: TurnRow, fallback: boolean): Promise<void> {
  const { ctx } = deps;
  await ctx.db.transaction(async (tx) => {
    if (!(await renewConversationLease(ctx, tx, conv.id, deps.workerId))) throw new LeaseLostError(conv.id);
    await tx.query(
      `INSERT INTO ops_roundtable_turns (conversation_id, seq, speaker, text, interaction, replying_to, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [conv.id, turn.seq, turn.speaker, turn.text, turn.interaction, turn.replyingTo, turn.createdAt],
    );
    await writeEvent(ctx, tx, {
      agentId: turn.speaker,
      kind: 'roundtable_turn',
      title: turn.text,
      summary: `${label} #${conv.id} · turn ${turn.seq + 1}/${conv.turnsPlanned} · ${turn.interaction}${turn.replyingTo ? ` to ${turn.replyingTo}` : ''}`,
      tags: ['roundtable', conv.format, 'turn', turn.interaction],
      payload: { conversationId: conv.id, seq: turn.seq, interaction: turn.interaction, replyingTo: turn.replyingTo, fallback },
    });
  });
}
