/**
 * Helpers for one statement that returns rows of several tables side by side:
 * each table's columns under a prefix, split apart again in JS (timestamps and
 * ids arrive through the same type parsers as in a plain SELECT).
 */

/** The names a column list (`id, mission_id AS "missionId", …`) gives its columns. */
export function columnNames(columns: string): string[] {
  return columns.split(', ').map((c) => {
    const m = /AS "([A-Za-z]+)"$/.exec(c);
    return m ? m[1]! : c;
  });
}

/** `alias."name" AS "<prefix>name", …` for a SELECT list. */
export const prefixed = (alias: string, prefix: string, names: readonly string[]): string => names.map((c) => `${alias}."${c}" AS "${prefix}${c}"`).join(', ');

/** The row of one table back out of a prefixed result row. */
export function unprefix<T>(row: Record<string, unknown>, prefix: string, names: readonly string[]): T {
  return Object.fromEntries(names.map((c) => [c, row[prefix + c]])) as T;
}

/** `id, mission_id AS "missionId"` → `m.id, m.mission_id AS "missionId"`. */
export const qualify = (columns: string, alias: string): string => columns.replace(/(^|, )([a-z_]+)/g, `$1${alias}.$2`);
