// The in-memory side of every SQL-versus-evaluator comparison: which of `rows` (SCIM wire form) a filter
// selects, decided by the parser, the validator and matches() alone — what the SQL must return too.
import { matches } from '../../../src/scim/filter/evaluate.ts';
import { parseFilter } from '../../../src/scim/filter/parser.ts';
import { validateFilter, type Resolve } from '../../../src/scim/filter/validate.ts';
import type { ScimError } from '../../../src/scim/errors.ts';

export interface WireRow {
  id: string;
  wire: Record<string, unknown>;
}

/** The sorted ids of the rows the filter matches, or the parser's or validator's refusal. */
export function evaluatorIds(filter: string, rows: readonly WireRow[], resolve: Resolve): { ok: true; ids: string[] } | { ok: false; error: ScimError } {
  const parsed = parseFilter(filter);
  if (!parsed.ok) return parsed;
  const valid = validateFilter(parsed.value, resolve);
  if (!valid.ok) return valid;
  return { ok: true, ids: rows.filter((r) => matches(valid.value, r.wire, resolve)).map((r) => r.id).sort() };
}
