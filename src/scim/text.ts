// Strings no store can keep as sent: PostgreSQL text cannot hold a NUL (a 500 there, stored on SQLite),
// and a lone surrogate has no UTF-8 encoding (drivers would write U+FFFD, so two values become one).

/** Why `s` cannot be stored, as a phrase ("a NUL character (\u0000)"), or undefined when it can. */
export function unstorable(s: string): string | undefined {
  if (s.includes('\u0000')) return 'a NUL character (\\u0000)';
  if (!s.isWellFormed()) return 'a lone UTF-16 surrogate (an unpaired \\uD800-\\uDFFF)';
  return undefined;
}

/** Attribute names that would reach Object.prototype through naive assignment (STACK.md: scim-patch): refused
 *  as keys and attribute names, and as segments of a custom extension URN (schemas/custom.ts). */
const FORBIDDEN = new Set(['__proto__', 'constructor', 'prototype']);

export const isForbiddenKey = (key: string): boolean => FORBIDDEN.has(key.trim().toLowerCase());
