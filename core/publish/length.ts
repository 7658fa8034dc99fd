/**
 * How long a post is, the way each platform counts.
 *
 * Bluesky: at most 300 graphemes (user-perceived characters: an emoji with
 * skin tone is one) and 3000 UTF-8 bytes, per the app.bsky.feed.post lexicon.
 *
 * X: a weighted count of at most 280, after twitter-text's v3 rules: text is
 * NFC-normalized; code points in Latin, general punctuation and a few other
 * ranges weigh 1, everything else (CJK, most symbols) 2; an emoji sequence
 * weighs 2; an http(s) or www. link weighs 23 whatever its length. Bare domains
 * ("example.com"), which X also shortens, are counted as typed.
 */
import type { Platform } from './publisher.js';

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

export function graphemeCount(text: string): number {
  let n = 0;
  for (const _ of segmenter.segment(text)) n++;
  return n;
}

export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

const X_LIGHT_RANGES: [number, number][] = [
  [0, 4351],
  [8192, 8205],
  [8208, 8223],
  [8242, 8247],
];
const X_URL_LENGTH = 23;
const URL_RE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
const EMOJI_RE = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;

function xWeight(cp: number): number {
  return X_LIGHT_RANGES.some(([lo, hi]) => cp >= lo && cp <= hi) ? 1 : 2;
}

/** X's weighted length of `text` (see above). */
export function xWeightedLength(text: string): number {
  const normalized = text.normalize('NFC');
  let total = 0;
  let last = 0;
  const parts: string[] = [];
  for (const m of normalized.matchAll(URL_RE)) {
    parts.push(normalized.slice(last, m.index));
    total += X_URL_LENGTH;
    last = (m.index ?? 0) + m[0].length;
  }
  parts.push(normalized.slice(last));
  for (const part of parts) {
    for (const { segment } of segmenter.segment(part)) {
      if (EMOJI_RE.test(segment)) {
        total += 2;
        continue;
      }
      for (const ch of segment) total += xWeight(ch.codePointAt(0) as number);
    }
  }
  return total;
}

export const lengthLimits: Record<Platform, { max: number; unit: string }> = {
  bluesky: { max: 300, unit: 'characters (graphemes)' },
  x: { max: 280, unit: 'weighted characters' },
};

const BLUESKY_MAX_BYTES = 3000;

export type LengthCheck = { ok: true; length: number } | { ok: false; length: number; message: string };

/** Whether `text` fits `platform`; the message says by how much it does not. */
export function checkPostLength(platform: Platform, text: string): LengthCheck {
  const { max, unit } = lengthLimits[platform];
  const length = platform === 'bluesky' ? graphemeCount(text) : xWeightedLength(text);
  const name = platform === 'bluesky' ? 'Bluesky' : 'X';
  if (length > max) {
    return { ok: false, length, message: `The post is ${length} ${unit} long and ${name} allows at most ${max}; shorten it by ${length - max}.` };
  }
  if (platform === 'bluesky' && utf8Length(text) > BLUESKY_MAX_BYTES) {
    return { ok: false, length, message: `The post is ${utf8Length(text)} bytes long and Bluesky allows at most ${BLUESKY_MAX_BYTES}.` };
  }
  return { ok: true, length };
}
