import type { Random } from '../ports/random.js';

export const interactionTypes = ['opening', 'supportive', 'agreement', 'neutral', 'critical', 'challenge'] as const;
export type InteractionType = (typeof interactionTypes)[number];

/**
 * How a speaker answers the last speaker, from their affinity:
 * tension = 1 − affinity; above 0.6 it is a direct challenge 20% of the
 * time, else critical; below 0.3 it is supportive 40% of the time, else
 * agreement; in between, neutral.
 */
export function interactionType(affinity: number, random: Random): InteractionType {
  const tension = 1 - affinity;
  if (tension > 0.6) return random.next() < 0.2 ? 'challenge' : 'critical';
  if (tension < 0.3) return random.next() < 0.4 ? 'supportive' : 'agreement';
  return 'neutral';
}

/** What the interaction asks of the speaker, for the turn prompt. */
export function interactionGuidance(type: InteractionType, other: string | null): string {
  const who = other ?? 'the last speaker';
  switch (type) {
    case 'opening':
      return 'Open the conversation: set the topic up in one line.';
    case 'supportive':
      return `Back ${who} up and build on their point.`;
    case 'agreement':
      return `Agree with ${who} and add one concrete point.`;
    case 'neutral':
      return `Respond to ${who} with your own view.`;
    case 'critical':
      return `Question ${who}'s point and say what is missing.`;
    case 'challenge':
      return `Directly challenge ${who} with a counter-argument.`;
  }
}
