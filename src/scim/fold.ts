// RFC 7643 §2.1 / §7: attributes with caseExact=false compare case-insensitively. Folding happens here and
// only here, in JavaScript, because SQLite's lower() folds ASCII only (lower('DUPRÉ') = 'duprÉ'): the store
// keeps folded copies (*_ci columns, resource_ci) and filter literals are folded the same way.
import type { AttributeDef } from './schemas/types.ts';

/** NFC first, so "É" typed as E + U+0301 and as U+00C9 fold to the same text. */
export function foldString(s: string): string {
  return s.normalize('NFC').toLowerCase();
}

/** Whether values of `def` are compared (and stored in resource_ci) folded: caseExact=false text.
 *  dateTime and binary are never folded (a folded "…T10:00:00Z" would no longer compare chronologically). */
export function foldsCase(def: AttributeDef): boolean {
  return !def.caseExact && (def.type === 'string' || def.type === 'reference');
}
