/**
 * Which of a row's tags fit, whole, on its one line: the feed's rows have a
 * fixed height, so tags that do not fit are left out and counted in a "+N"
 * chip instead of being cut mid-word. Tags are monospace, so a tag's width is
 * its length times the width of one character plus the chip's padding; the
 * feed measures those once (and the room on a line once per resize), not per row.
 */
export interface TagMetrics {
  /** Width of the line the tags sit on. */
  room: number;
  /** Width of one character of a tag. */
  charPx: number;
  /** A chip's width less its text (padding, border). */
  padPx: number;
  /** Space between two chips. */
  gapPx: number;
}

/** The width of a chip showing `chars` characters. */
export function chipWidth(chars: number, m: TagMetrics): number {
  return chars * m.charPx + m.padPx;
}

/**
 * How many of the tags (first ones first) are shown: all of them when they
 * fit; otherwise as many as fit with a "+N" chip for the rest after them.
 * `tags` are the texts as shown ("#deploy").
 */
export function fitTags(tags: readonly string[], m: TagMetrics): number {
  const widths = tags.map((t) => chipWidth(t.length, m));
  const all = widths.reduce((sum, w, i) => sum + w + (i > 0 ? m.gapPx : 0), 0);
  if (all <= m.room) return tags.length;
  let used = 0;
  let fits = 0;
  for (let k = 0; k < tags.length; k++) {
    const next = used + (widths[k] as number) + m.gapPx;
    const more = chipWidth(`+${tags.length - k - 1}`.length, m);
    if (next + more > m.room) break;
    used = next;
    fits = k + 1;
  }
  return fits;
}
