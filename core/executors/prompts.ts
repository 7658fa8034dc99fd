import type { Agent } from '../ops/agents.js';
import type { MemoryRow } from '../memory/store.js';

/**
 * An agent's system prompt: its directive, its voice (tone, quirk, signature
 * line), what experience has changed in it (voice modifiers), and what it
 * remembers.
 */
export function agentSystemPrompt(agent: Agent, extras: { modifiers?: string[]; memories?: MemoryRow[]; task?: string } = {}): string {
  const parts = [
    agent.systemDirective.trim(),
    `Your name is ${agent.displayName}; your role: ${agent.role}.`,
    agent.tone ? `Tone: ${agent.tone}.` : '',
    agent.quirk ? `Quirk: ${agent.quirk}.` : '',
    agent.signatureLine ? `Your signature line, used sparingly: "${agent.signatureLine}"` : '',
  ];
  if (extras.modifiers?.length) parts.push('Personality evolution:\n' + extras.modifiers.map((m) => `- ${m}`).join('\n'));
  if (extras.memories?.length) {
    parts.push(
      'What you have learned (use it when relevant):\n' +
        extras.memories.map((m) => `- [${m.type}, ${m.confidence.toFixed(2)}] ${m.content}`).join('\n'),
    );
  }
  if (extras.task) parts.push(extras.task);
  return parts.filter(Boolean).join('\n\n');
}

/** Collapses whitespace and strips wrapping quotes a model likes to add. */
export function tidy(text: string): string {
  return text
    .replace(/\r/g, '')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .replace(/^"(.*)"$/s, '$1')
    .trim();
}

/** The first line (or sentence) of a text, for summaries. */
export function firstLine(text: string, max = 160): string {
  const line = text.split('\n').map((l) => l.replace(/^#+\s*/, '').trim()).find(Boolean) ?? '';
  return line.length <= max ? line : line.slice(0, max - 1).replace(/\s+\S*$/, '') + '…';
}

/** Cuts a text to at most `max` characters on a word boundary. */
export function capOnWord(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max + 1);
  const at = cut.lastIndexOf(' ');
  return (at > max * 0.5 ? cut.slice(0, at) : text.slice(0, max)).trimEnd();
}
