// Evaluates a filter against a resource in SCIM wire form (RFC 7644 §3.4.2.2): core attributes at the top
// level, extension attributes under their schema URN. Attribute names match case-insensitively (RFC 7643
// §2.1). The SQL compiler (sql.ts) implements the same semantics; the equivalence test holds them together:
//   - a multi-valued attribute matches when any of its values matches;
//   - `ne` is "not eq", so it is true when the attribute is missing, and `not (...)` of a missing one is true;
//   - `eq null` is "not present", `ne null` is "present";
//   - caseExact=false text compares folded (foldString); gt/ge/lt/le order text by code point (as SQLite's
//     BINARY and PostgreSQL's "C" collation do), numbers numerically, dateTimes chronologically.
// Pass filters through validateFilter first; a comparison it would reject simply matches nothing here.
import { foldString, foldsCase } from '../fold.ts';
import type { AttributeDef, ResolvedAttr } from '../schemas/types.ts';
import type { AttrPath, CompareOp, Filter, Literal } from './ast.ts';
import { coerceLiteral, formatPath, operand, parseDateTime, resolvePath, targetDef, type Resolve } from './validate.ts';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The member of `obj` named `name`, ignoring case. Own properties only: no prototype lookups. */
export function getAttribute(obj: unknown, name: string): unknown {
  if (!isObject(obj)) return undefined;
  if (Object.hasOwn(obj, name)) return obj[name];
  const lower = name.toLowerCase();
  for (const key of Object.keys(obj)) if (key.toLowerCase() === lower) return obj[key];
  return undefined;
}

/** A custom attribute's value as the text it compares as: numbers and booleans by their JSON text. */
const customText = (v: unknown): string | undefined =>
  typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;

const list = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** RFC 7644 §3.4.2.2 pr: "has a non-empty value, or … a non-empty node for complex attributes". */
function present(v: unknown, def: AttributeDef): boolean {
  if (v === undefined || v === null || v === '') return false;
  if (Array.isArray(v)) return v.some((e) => present(e, def));
  if (isObject(v)) {
    // Only defined sub-attributes count, as in SQL, which can only look for those.
    return (def.subAttributes ?? []).some((s) => present(getAttribute(v, s.name), s));
  }
  return true;
}

/** Compares code points, not UTF-16 units, so "\u{1F600}" > "\uFFFD" as in the databases. */
export function compareCodePoints(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(j)!;
    if (x !== y) return x < y ? -1 : 1;
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
  }
  return Math.sign(a.length - i - (b.length - j));
}

function ordered(c: number, op: CompareOp): boolean {
  switch (op) {
    case 'eq':
      return c === 0;
    case 'gt':
      return c > 0;
    case 'ge':
      return c >= 0;
    case 'lt':
      return c < 0;
    case 'le':
      return c <= 0;
    default:
      return false;
  }
}

/** One stored value against a coerced, non-null literal; `op` is never ne (that is "not eq"). */
function compareOne(v: unknown, op: CompareOp, lit: Exclude<Literal, null>, def: AttributeDef): boolean {
  switch (def.type) {
    case 'boolean':
      return op === 'eq' && v === lit;
    case 'integer':
    case 'decimal':
      return typeof v === 'number' && typeof lit === 'number' && ordered(Math.sign(v - lit), op);
    case 'dateTime': {
      const a = typeof v === 'string' ? parseDateTime(v) : undefined;
      const b = typeof lit === 'string' ? parseDateTime(lit) : undefined;
      return a !== undefined && b !== undefined && ordered(Math.sign(a - b), op);
    }
    default: {
      if (typeof v !== 'string' || typeof lit !== 'string') return false;
      const [a, b] = foldsCase(def) ? [foldString(v), foldString(lit)] : [v, lit];
      if (op === 'co') return a.includes(b);
      if (op === 'sw') return a.startsWith(b);
      if (op === 'ew') return a.endsWith(b);
      return ordered(compareCodePoints(a, b), op);
    }
  }
}

class Evaluator {
  /** Each comparison's attribute and literal, resolved and coerced once however many values it meets (a
   *  filter node always sits under the same outer attribute); null when the comparison can match nothing. */
  private readonly comparisons = new Map<Filter, { r: ResolvedAttr; def: AttributeDef; value: Literal } | null>();

  constructor(private readonly resolve: Resolve) {}

  private comparison(f: Extract<Filter, { kind: 'compare' }>, outer: AttrPath | undefined) {
    let c = this.comparisons.get(f);
    if (c === undefined) {
      const r = operand(f.path, f.op, outer, this.resolve);
      const def = r.ok ? targetDef(r.value) : undefined;
      const lit = r.ok && def ? coerceLiteral(def, f.op, f.value, formatPath(f.path)) : undefined;
      c = r.ok && def && lit?.ok ? { r: r.value, def, value: lit.value } : null;
      this.comparisons.set(f, c);
    }
    return c;
  }

  /** The values `r` reaches in `root` (a resource, or with `outer` an element of outer's attribute), flattened. */
  private values(r: ResolvedAttr, root: Json, outer: AttrPath | undefined): unknown[] {
    if (outer) return list(getAttribute(root, r.sub?.name ?? ''));
    if (r.custom) {
      // A custom extension attribute is one string (schemas/custom.ts): an array or an object matches nothing.
      const top = getAttribute(getAttribute(root, r.schema.id), r.attr.name);
      const text = customText(r.sub ? getAttribute(top, r.sub.name) : top);
      return text === undefined ? [] : [text];
    }
    const container = r.extension ? getAttribute(root, r.schema.id) : root;
    const top = list(getAttribute(container, r.attr.name));
    const sub = r.sub;
    return sub ? top.flatMap((t) => list(getAttribute(t, sub.name))) : top;
  }

  test(f: Filter, root: Json, outer: AttrPath | undefined): boolean {
    switch (f.kind) {
      case 'and':
        return this.test(f.left, root, outer) && this.test(f.right, root, outer);
      case 'or':
        return this.test(f.left, root, outer) || this.test(f.right, root, outer);
      case 'not':
        return !this.test(f.filter, root, outer);
      case 'present': {
        const r = resolvePath(f.path, outer, this.resolve);
        return r.ok && this.values(r.value, root, outer).some((v) => present(v, targetDef(r.value)));
      }
      case 'valuePath': {
        if (outer) return false;
        const r = resolvePath(f.path, undefined, this.resolve);
        if (!r.ok) return false;
        return this.values(r.value, root, undefined).some((e) => isObject(e) && this.test(f.filter, e, f.path));
      }
      case 'compare': {
        const c = this.comparison(f, outer);
        if (c === null) return false;
        const { def, value } = c;
        const values = this.values(c.r, root, outer);
        if (value === null) return values.some((v) => present(v, def)) === (f.op === 'ne');
        if (f.op === 'ne') return !values.some((v) => compareOne(v, 'eq', value, def));
        return values.some((v) => compareOne(v, f.op, value, def));
      }
    }
  }
}

/** Whether `resource` (SCIM wire form) matches `filter`. */
export function matches(filter: Filter, resource: Record<string, unknown>, resolve: Resolve): boolean {
  return new Evaluator(resolve).test(filter, resource, undefined);
}

/** Whether one element of `outer` (e.g. one entry of emails) matches the bracketed filter of `outer[...]`:
 *  what PATCH needs for paths like emails[type eq "work"].value (RFC 7644 §3.5.2). */
export function matchesElement(filter: Filter, element: Record<string, unknown>, outer: AttrPath, resolve: Resolve): boolean {
  return elementMatcher(filter, outer, resolve)(element);
}

/** matchesElement for many elements of one attribute: the filter is resolved once, not once per element. */
export function elementMatcher(filter: Filter, outer: AttrPath, resolve: Resolve): (element: Record<string, unknown>) => boolean {
  const evaluator = new Evaluator(resolve);
  return (element) => evaluator.test(filter, element, outer);
}
