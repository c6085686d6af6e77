// Statements over many rows or ids (a 100,000-member group PUT, a user with many emails) are split so none
// binds more than MAX_PARAMETERS values: SQLite refuses more than 32,766 variables per statement and
// PostgreSQL's bind message carries at most 65,535. The pieces run in the caller's transaction.

/** Bound parameters per statement, well below both databases' limits. */
export const MAX_PARAMETERS = 10_000;

/**
 * `items` in slices for statements that bind `perItem` parameters per item (the columns of a row, or one
 * per id of an IN list) plus `fixed` others (e.g. the group id of `WHERE group_id = ? AND user_id IN (…)`).
 */
export function* chunks<T>(items: readonly T[], perItem: number, fixed = 0): Generator<T[]> {
  const size = Math.max(1, Math.floor((MAX_PARAMETERS - fixed) / perItem));
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
