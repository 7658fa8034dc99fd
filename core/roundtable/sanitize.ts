import { capOnWord } from '../executors/prompts.js';

/** Longest turn: agents talk like people in a meeting, not like essays. */
export const TURN_MAX_CHARS = 120;
/**
 * The reply length a turn asks the model for (options.num_predict): 120
 * characters are about 30 tokens of English; 80 leave room for a name prefix
 * or a link the sanitizer strips, and stop a rambling model from spending
 * seconds of a CPU-bound host on words that are cut anyway.
 */
export const TURN_MAX_TOKENS = 80;

const MARKDOWN_LINK = /\[([^\]]*)\]\([^)]*\)/g;
const URL_PATTERN = /\b(?:[a-z][a-z0-9+.-]*:\/\/|www\.)\S*/gi;
const BARE_DOMAIN = /\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.(?:com|org|net|io|ai|dev|co|app|xyz|me|ly|gg|tv|info|biz|site|link)\b(?:\/\S*)?/gi;
const CODE_BLOCK = /```[\s\S]*?(?:```|$)/g;

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Makes a model's reply a clean turn: code blocks, links and bare domains
 * removed, markdown emphasis and a leading "Name:" dropped, wrapping quotes
 * stripped, whitespace folded to single spaces, and cut to 120 characters on
 * a word boundary. May return "" — the caller never stores an empty turn.
 */
export function sanitizeTurn(raw: string, speakerNames: readonly string[] = []): string {
  let t = raw.replace(CODE_BLOCK, ' ').replace(MARKDOWN_LINK, '$1').replace(URL_PATTERN, ' ').replace(BARE_DOMAIN, ' ');
  t = t.replace(/[*_`#>|~]+/g, ' ').replace(/\s+/g, ' ').trim();
  // a speaker label the model added: "Opus:", "opus -", "[Brain]:"
  if (speakerNames.length) {
    const names = speakerNames.map(escapeRegExp).join('|');
    const label = new RegExp(`^\\[?(?:${names})\\]?\\s*(?::|-|—)\\s*`, 'i');
    for (let i = 0; i < 2; i++) t = t.replace(label, '');
  }
  t = t.replace(/^["'“”‘’]+|["'“”‘’]+$/g, '').trim();
  // dangling separators left where a link was cut out
  t = t.replace(/\s+([,.;:!?])/g, '$1').replace(/\(\s*\)/g, '').replace(/\s+/g, ' ').trim();
  if (!/[\p{L}\p{N}]/u.test(t)) return '';
  return capOnWord(t, TURN_MAX_CHARS).replace(/[\s,;:(\-—]+$/, '').trim();
}
