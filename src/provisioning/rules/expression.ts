// Mapping expressions: the SCIM attribute a setting's mapping reads a field from (`title`,
// `addresses[type eq "work"].country`, `urn:…:enterprise:2.0:User:department`, a custom extension's
// `urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User:country`). Parsing, checking and reading are
// the SCIM core's (scim/read-path.ts); a mapping adds that it reads one text. docs/provisioning.md,
// "Mapping expressions".
import { isObject } from '../../scim/coerce.ts';
import { booleanish } from '../../scim/dialect.ts';
import { getAttribute } from '../../scim/filter/evaluate.ts';
import { problem } from '../../scim/problems.ts';
import { readElements, validateReadablePath, type ReadablePath } from '../../scim/read-path.ts';
import { findAttr } from '../../scim/schemas/index.ts';

export type Compiled = { ok: true; value: ReadablePath } | { ok: false; detail: string };

const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/** Parses and checks `expression` against what a stored User can hold and a mapping can read as text. */
export function compileExpression(expression: string): Compiled {
  const path = validateReadablePath(expression);
  if (!path.ok) return { ok: false, detail: path.error.detail };
  const { text, resolved } = path.value;
  // Like a filter's operand (RFC 7644 §3.4.2.2), a complex attribute named alone means its value (`emails`,
  // the enterprise `manager`); one without a value has no text, so the sub-attribute goes where the text ends.
  const { attr } = resolved;
  if (resolved.sub === undefined && attr.type === 'complex' && findAttr(attr.subAttributes, 'value') === undefined) {
    const subs = attr.subAttributes ?? [];
    const why = `"${attr.name}" is complex: name one of its sub-attributes (${subs.map((s) => s.name).join(', ')}), e.g. ${text}.${subs[0]?.name ?? 'value'}`;
    return { ok: false, detail: problem.unreadable(text, text.length, why).detail };
  }
  return { ok: true, value: path.value };
}

/** A scalar as text; blank text, objects and arrays yield nothing. */
function scalarText(v: unknown): string | null {
  if (typeof v === 'string') return v.trim() === '' ? null : v.trim();
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : null;
  if (typeof v === 'boolean') return String(v);
  return null;
}

/** RFC 7643 §2.4: the primary element is the preferred one, so it is read first. */
function primaryFirst(elements: unknown[]): unknown[] {
  const primary = elements.filter((e) => booleanish(getAttribute(e, 'primary')) === true);
  return primary.length === 0 ? elements : [...primary, ...elements.filter((e) => !primary.includes(e))];
}

/**
 * The texts `expr` reads from `resource` (SCIM wire form, extensions as objects under their URN; names
 * matched ignoring case), in order: of a multi-valued attribute the primary value first, blanks skipped.
 */
export function readExpressionValues(expr: ReadablePath, resource: Record<string, unknown>): string[] {
  const sub = expr.resolved.sub;
  const texts: string[] = [];
  for (const element of primaryFirst(readElements(resource, expr))) {
    // Named alone, a complex value means its value: `emails`, and an object in an extension Roster does not define.
    const leaf = sub !== undefined ? getAttribute(element, sub.name) : isObject(element) ? getAttribute(element, 'value') : element;
    for (const v of list(leaf)) {
      const text = scalarText(v);
      if (text !== null) texts.push(text);
    }
  }
  return texts;
}

/** The first text `expr` reads, or null. */
export function readExpression(expr: ReadablePath, resource: Record<string, unknown>): string | null {
  return readExpressionValues(expr, resource)[0] ?? null;
}
