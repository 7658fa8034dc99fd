/**
 * Lists paged by id (missions, proposals): the first page is refreshed live,
 * older pages are fetched on request, and a refresh keeps what was paged in.
 */
export const LIST_PAGE = 50;

export interface Paged<T extends { id: number }> {
  items: T[];
  /** The id to page on from (older than it), or null at the end. */
  cursor: number | null;
}

/** The cursor after a page of `limit` asked for: more may follow only when it came back full. */
export function cursorAfter<T extends { id: number }>(page: readonly T[], limit: number): number | null {
  return page.length === limit ? (page[page.length - 1]?.id ?? null) : null;
}

/** A fresh first page over what is loaded: it replaces the rows it covers and keeps the older pages below it. */
export function mergeHead<T extends { id: number }>(current: Paged<T>, head: readonly T[], limit: number): Paged<T> {
  const headCursor = cursorAfter(head, limit);
  const oldestInHead = head[head.length - 1]?.id;
  if (headCursor === null || oldestInHead === undefined) return { items: [...head], cursor: headCursor };
  const kept = current.items.filter((x) => x.id < oldestInHead);
  if (!kept.length) return { items: [...head], cursor: headCursor };
  return { items: [...head, ...kept], cursor: current.cursor };
}

/** An older page joins the bottom. */
export function appendPage<T extends { id: number }>(current: Paged<T>, page: readonly T[], limit: number): Paged<T> {
  const last = current.items[current.items.length - 1]?.id ?? Infinity;
  return { items: [...current.items, ...page.filter((x) => x.id < last)], cursor: cursorAfter(page, limit) };
}
