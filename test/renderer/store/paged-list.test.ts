import { describe, expect, it } from 'vitest';
import { appendPage, cursorAfter, mergeHead } from '../../../renderer/store/paged-list.js';

const rows = (...ids: number[]) => ids.map((id) => ({ id }));

describe('paged lists', () => {
  it('pages older by id and knows when it reached the end', () => {
    expect(cursorAfter(rows(9, 8, 7), 3)).toBe(7);
    expect(cursorAfter(rows(9, 8), 3)).toBeNull();
    const first = { items: rows(9, 8, 7), cursor: 7 };
    expect(appendPage(first, rows(6, 5, 4), 3)).toEqual({ items: rows(9, 8, 7, 6, 5, 4), cursor: 4 });
    expect(appendPage(first, rows(6), 3)).toEqual({ items: rows(9, 8, 7, 6), cursor: null });
  });

  it('refreshes the first page live and keeps the pages below it', () => {
    const loaded = { items: rows(9, 8, 7, 6, 5, 4), cursor: 4 };
    // Two new rows arrived and 8 left (a decided proposal): the head covers 11..7, older pages stay.
    expect(mergeHead(loaded, rows(11, 10, 9, 7), 4)).toEqual({ items: rows(11, 10, 9, 7, 6, 5, 4), cursor: 4 });
    // A short head is the whole list.
    expect(mergeHead(loaded, rows(11, 10), 4)).toEqual({ items: rows(11, 10), cursor: null });
  });
});
