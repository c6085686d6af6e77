// Checks a parsed filter against the schemas (RFC 7644 §3.4.2.2): every attribute exists, every operator
// suits the attribute's type, every literal suits the attribute (coerced where IdPs are sloppy). The
// evaluator and the SQL compiler share these rules, so an in-memory match and a database match agree.
import { ScimError, err, ok, type Result } from '../errors.ts';
import type { AttributeDef, ResolvedAttr } from '../schemas/types.ts';
import type { AttrPath, CompareOp, Filter, Literal } from './ast.ts';

/** Resolves an attribute path against the resource type's schemas (names case-insensitive, RFC 7643 §2.1).
 *  Inside a value filter the caller's code resolves `{ uri: outer.uri, attr: outer.attr, sub: inner.attr }`. */
export type Resolve = (path: AttrPath) => ResolvedAttr | undefined;

const invalid = (detail: string) => err(ScimError.badRequest('invalidFilter', detail));

export function formatPath(path: AttrPath): string {
  return `${path.uri !== undefined ? `${path.uri}:` : ''}${path.attr}${path.sub !== undefined ? `.${path.sub}` : ''}`;
}

/** The attribute whose values a resolved path reaches: the sub-attribute if there is one. */
export function targetDef(r: ResolvedAttr): AttributeDef {
  return r.sub ?? r.attr;
}

/**
 * Resolves `path`; with `outer` set, `path` sits inside `outer[...]` and names one of its sub-attributes.
 * Attributes that are never returned (password) cannot be filtered on: a filter would be an oracle for them.
 */
export function resolvePath(path: AttrPath, outer: AttrPath | undefined, resolve: Resolve): Result<ResolvedAttr> {
  if (outer && (path.uri !== undefined || path.sub !== undefined)) {
    return invalid(`Inside "${formatPath(outer)}[...]" name a sub-attribute of ${outer.attr}, got "${formatPath(path)}"`);
  }
  const full: AttrPath = outer ? { ...outer, sub: path.attr } : path;
  const r = resolve(full);
  if (!r) return invalid(`Unknown attribute "${formatPath(full)}" in filter`);
  if (r.attr.returned === 'never' || r.sub?.returned === 'never') {
    return invalid(`"${formatPath(full)}" cannot be used in a filter: it is never returned`);
  }
  return ok(r);
}

/**
 * The attribute a comparison really compares. RFC 7644 §3.4.2.2: a complex multi-valued attribute named
 * without a sub-attribute (emails co "@x") compares its "value" sub-attribute; `pr` tests the attribute itself.
 */
export function operand(path: AttrPath, op: CompareOp | 'pr', outer: AttrPath | undefined, resolve: Resolve): Result<ResolvedAttr> {
  const r = resolvePath(path, outer, resolve);
  if (!r.ok || op === 'pr' || targetDef(r.value).type !== 'complex') return r;
  const value = r.value.attr.multiValued && !r.value.sub ? resolve({ ...path, sub: 'value' }) : undefined;
  if (value) return ok(value);
  return invalid(`"${formatPath(path)}" is complex: compare one of its sub-attributes, e.g. "${path.attr}.${r.value.attr.subAttributes?.[0]?.name ?? 'value'}"`);
}

const NUMBER_TEXT = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
/** xsd:dateTime as RFC 7643 §2.3.5 uses it; a date alone means midnight, a missing offset means UTC. */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:[Tt](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)([Zz]|[+-]\d{2}:\d{2})?)?$/;

/** Milliseconds since the epoch of an xsd:dateTime, or undefined when `s` is not one. */
export function parseDateTime(s: string): number | undefined {
  const m = DATE_TIME.exec(s.trim());
  if (!m) return undefined;
  const ms = Date.parse(`${m[1]}T${m[2] ?? '00:00'}${m[3] ?? 'Z'}`);
  return Number.isNaN(ms) ? undefined : ms;
}

const ORDERING: ReadonlySet<CompareOp> = new Set(['gt', 'ge', 'lt', 'le']);
const SUBSTRING: ReadonlySet<CompareOp> = new Set(['co', 'sw', 'ew']);

/**
 * The literal a comparison uses, checked against the attribute's type (RFC 7644 §3.4.2.2):
 * booleans take eq/ne only, and "True"/"False" strings (Entra, Okta) become booleans; binary takes no
 * ordering; co/sw/ew are for text; numbers and dateTimes must parse (dateTimes are normalised to
 * toISOString(), the form the store keeps). null only with eq/ne: `eq null` means "not present".
 */
export function coerceLiteral(def: AttributeDef, op: CompareOp, value: Literal, path: string): Result<Literal> {
  const got = typeof value === 'string' ? `"${value}"` : String(value);
  if (value === null) {
    return op === 'eq' || op === 'ne' ? ok(null) : invalid(`"${path} ${op} null" compares nothing: use "pr" or "eq null"`);
  }
  if (def.type === 'complex') return invalid(`"${path}" is complex: compare one of its sub-attributes`);
  if (SUBSTRING.has(op) && !['string', 'reference', 'binary'].includes(def.type)) {
    return invalid(`"${op}" applies to text, but "${path}" is ${def.type}`);
  }
  if (ORDERING.has(op) && (def.type === 'boolean' || def.type === 'binary')) {
    return invalid(`"${op}" is not defined on ${def.type} attributes such as "${path}" (RFC 7644 §3.4.2.2)`);
  }
  switch (def.type) {
    case 'boolean': {
      if (typeof value === 'boolean') return ok(value);
      const lower = typeof value === 'string' ? value.toLowerCase() : '';
      if (lower === 'true' || lower === 'false') return ok(lower === 'true');
      return invalid(`"${path}" is boolean: expected true or false, got ${got}`);
    }
    case 'integer':
    case 'decimal':
      if (typeof value === 'number') return ok(value);
      if (typeof value === 'string' && NUMBER_TEXT.test(value.trim())) return ok(Number(value.trim()));
      return invalid(`"${path}" is ${def.type}: expected a number, got ${got}`);
    case 'dateTime': {
      const ms = typeof value === 'string' ? parseDateTime(value) : undefined;
      if (ms === undefined) return invalid(`"${path}" is dateTime: expected a date such as "2024-05-01T12:00:00Z", got ${got}`);
      return ok(new Date(ms).toISOString());
    }
    default:
      if (typeof value === 'string') return ok(value);
      // An unquoted number for a text attribute (externalId eq 12345) meant the digits.
      if (typeof value === 'number' && Number.isSafeInteger(value)) return ok(String(value));
      return invalid(`"${path}" is ${def.type}: expected a quoted string, got ${got}`);
  }
}

function check(filter: Filter, outer: AttrPath | undefined, resolve: Resolve): Result<Filter> {
  switch (filter.kind) {
    case 'compare': {
      const r = operand(filter.path, filter.op, outer, resolve);
      if (!r.ok) return r;
      const value = coerceLiteral(targetDef(r.value), filter.op, filter.value, formatPath(filter.path));
      return value.ok ? ok({ ...filter, value: value.value }) : value;
    }
    case 'present': {
      const r = resolvePath(filter.path, outer, resolve);
      return r.ok ? ok(filter) : r;
    }
    case 'and':
    case 'or': {
      const left = check(filter.left, outer, resolve);
      if (!left.ok) return left;
      const right = check(filter.right, outer, resolve);
      return right.ok ? ok({ ...filter, left: left.value, right: right.value }) : right;
    }
    case 'not': {
      const inner = check(filter.filter, outer, resolve);
      return inner.ok ? ok({ ...filter, filter: inner.value }) : inner;
    }
    case 'valuePath': {
      if (outer) return invalid('Value filters cannot be nested (RFC 7644 §3.4.2.2)');
      const inner = validateValueFilter(filter.path, filter.filter, resolve);
      return inner.ok ? ok({ ...filter, filter: inner.value }) : inner;
    }
  }
}

/**
 * The first attribute the filter names that `resolve` does not know, or undefined when it knows them all.
 * A query across resource types (POST /.search at the root, RFC 7644 §3.4.3) searches only the types that
 * have every attribute the filter names; misuse of a known attribute is left to validateFilter.
 */
export function unknownAttribute(filter: Filter, resolve: Resolve, outer?: AttrPath): AttrPath | undefined {
  switch (filter.kind) {
    case 'compare':
    case 'present': {
      // A malformed inner path (a URN or a sub-attribute inside brackets) is validateFilter's to report.
      if (outer && (filter.path.uri !== undefined || filter.path.sub !== undefined)) return undefined;
      const full: AttrPath = outer ? { ...outer, sub: filter.path.attr } : filter.path;
      return resolve(full) ? undefined : full;
    }
    case 'and':
    case 'or':
      return unknownAttribute(filter.left, resolve, outer) ?? unknownAttribute(filter.right, resolve, outer);
    case 'not':
      return unknownAttribute(filter.filter, resolve, outer);
    case 'valuePath':
      if (outer) return undefined;
      return resolve(filter.path) ? unknownAttribute(filter.filter, resolve, filter.path) : filter.path;
  }
}

/** Validates a filter and returns it with literals coerced to the attributes' types. */
export function validateFilter(filter: Filter, resolve: Resolve): Result<Filter> {
  return check(filter, undefined, resolve);
}

/** Validates the bracketed filter of `outer[...]` (filters and PATCH paths such as emails[type eq "work"]). */
export function validateValueFilter(outer: AttrPath, filter: Filter, resolve: Resolve): Result<Filter> {
  const r = resolvePath(outer, undefined, resolve);
  if (!r.ok) return r;
  if (r.value.sub || r.value.attr.type !== 'complex') {
    return invalid(`"${formatPath(outer)}[...]" needs a complex attribute, and ${formatPath(outer)} is ${targetDef(r.value).type}`);
  }
  return check(filter, outer, resolve);
}
