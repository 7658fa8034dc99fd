import { agentSystemPrompt } from '../executors/prompts.js';
import type { MemoryRow } from '../memory/store.js';
import type { Agent } from '../ops/agents.js';
import { interactionGuidance, type InteractionType } from '../relationships/interaction.js';
import type { ConversationFormat } from './formats.js';
import { TURN_MAX_CHARS } from './sanitize.js';

/** Lines of the transcript the speaker sees (the most recent ones). */
export const HISTORY_LINES = 16;

export interface TurnPromptInput {
  speaker: Agent;
  format: ConversationFormat;
  topic: string;
  participants: readonly Agent[];
  modifiers: readonly string[];
  memories: readonly MemoryRow[];
  history: readonly { speaker: string; text: string }[];
  interaction: InteractionType;
  replyTo: Agent | null;
  turn: number;
  turnsPlanned: number;
}

/**
 * One turn's prompt: the speaker's voice (directive, tone, quirk, signature
 * line), its personality evolution and what it remembers in the system
 * prompt; the room, the topic, the transcript so far and how to answer
 * (the interaction type from affinity) in the user message.
 */
export function turnPrompt(p: TurnPromptInput): { system: string; user: string } {
  const others = p.participants.filter((a) => a.id !== p.speaker.id).map((a) => `${a.displayName} (${a.role})`);
  const system = agentSystemPrompt(p.speaker, {
    modifiers: [...p.modifiers],
    memories: [...p.memories],
    task:
      `You are in a ${p.format.label.toLowerCase()} with ${others.join(', ')}. ${p.format.purpose}\n` +
      `Speak only as ${p.speaker.displayName}: one short line under ${TURN_MAX_CHARS} characters, like a person in a meeting. ` +
      'No links, no lists, no name prefix, no stage directions.',
  });
  const name = (id: string): string => p.participants.find((a) => a.id === id)?.displayName ?? id;
  const transcript = p.history.slice(-HISTORY_LINES).map((h) => `${name(h.speaker)}: ${h.text}`);
  const last = p.turn + 1 >= p.turnsPlanned;
  const user = [
    `Topic: ${p.topic}`,
    transcript.length ? `So far:\n${transcript.join('\n')}` : 'Nobody has spoken yet.',
    `Your move: ${interactionGuidance(p.interaction, p.replyTo?.displayName ?? null)}`,
    `Turn ${p.turn + 1} of ${p.turnsPlanned}.${last ? ' This is the last turn: wrap up.' : ''} Reply with your line only.`,
  ].join('\n\n');
  return { system, user };
}
