// Mapping expressions: the SCIM attribute a setting's mapping reads a field from (`title`,
// `addresses[type eq "work"].country`, `urn:…:enterprise:2.0:User:department`, a custom extension's
// `urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User:country`). Parsed with the PATCH path grammar
// (RFC 7644 §3.5.2), checked against the User schemas, then read from a stored resource in wire form.
// docs/provisioning.md, "Mapping expressions".
import { booleanish } from '../../scim/dialect.ts';
import type { AttrPath, Filter } from '../../scim/filter/ast.ts';
import { getAttribute, matchesElement } from '../../scim/filter/evaluate.ts';
import { parsePath } from '../../scim/filter/parser.ts';
import { validateValueFilter, type Resolve } from '../../scim/filter/validate.ts';
import { attr as attribute, complex } from '../../scim/schemas/define.ts';
import { ENTERPRISE_USER_URN, USER_URN, findAttr, resolveAttribute } from '../../scim/schemas/index.ts';
import type { AttributeDef, ResolvedAttr } from '../../scim/schemas/types.ts';

/** A checked expression, ready to read. */
export interface MappingExpression {
  /** The expression as the admin wrote it (trimmed). */
  text: string;
  /** The extension object the attribute lives in, or undefined for a core attribute. */
  urn?: string;
  attr: string;
  /** The bracketed value filter, literals coerced to the attributes' types. */
  filter?: Filter;
  /** The sub-attribute read from each element, if any. */
  sub?: string;
  /** What the filter's paths resolve against: the User schemas, or any name for an extension we do not define. */
  resolve: Resolve;
  outer: AttrPath;
}

export type Compiled = { ok: true; value: MappingExpression } | { ok: false; detail: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

const resolveUser: Resolve = (path) => resolveAttribute('User', path);

/** An attribute of an extension Roster does not define: any name, read as text. Filters on it compare
 *  text, so `[primary eq true]` works only on the attributes Roster knows. */
const resolveUnknown: Resolve = (path): ResolvedAttr => {
  const schema = { id: path.uri ?? '', name: '', description: '', attributes: [] };
  const top = complex(path.attr, '', [], { multiValued: true });
  return path.sub === undefined ? { schema, extension: true, attr: top } : { schema, extension: true, attr: top, sub: attribute(path.sub, 'string', '') };
};

/** What the stored resource never holds (scim/resource.ts), so a mapping onto it could never get data. */
const NOT_STORED: Readonly<Record<string, string>> = {
  id: 'it is the id Roster assigns, not an attribute the identity provider sends',
  meta: 'it is metadata Roster keeps, not an attribute the identity provider sends',
  schemas: 'it lists schema URNs, not user data',
  groups: 'group membership comes from the Groups endpoint (see --sync-groups), not from the user',
  password: 'Roster never stores passwords',
};

const fail = (detail: string): Compiled => ({ ok: false, detail });

function subNames(def: AttributeDef): string {
  return (def.subAttributes ?? []).map((s) => s.name).join(', ');
}

/** The sub-attribute `name` of `def`, written at `pos`, or a detail saying why there is none. */
function subOf(def: AttributeDef, name: string, pos: number): AttributeDef | string {
  if (def.type !== 'complex') return `"${def.name}" has no sub-attributes, so ".${name}" at position ${pos} reads nothing`;
  return findAttr(def.subAttributes, name) ?? `unknown sub-attribute "${name}" of "${def.name}" at position ${pos} (it has ${subNames(def)})`;
}

/** Parses and checks `expression` against what a stored User can hold. */
export function compileExpression(expression: string): Compiled {
  const text = expression.trim();
  if (text === '') return fail('the expression is empty: name a SCIM attribute such as title or addresses[type eq "work"].country');
  const parsed = parsePath(text);
  if (!parsed.ok) return fail(`"${text}" is not a SCIM attribute expression: ${parsed.error.detail}`);
  const { path, valueFilter, subAfterFilter } = parsed.value;
  const attrPos = path.uri === undefined ? 0 : path.uri.length + 1;
  const subName = path.sub ?? subAfterFilter;
  const subPos = path.sub !== undefined ? attrPos + path.attr.length + 1 : text.lastIndexOf(']') + 2;
  const bracketPos = text.indexOf('[');

  const known = path.uri === undefined || same(path.uri, USER_URN) || same(path.uri, ENTERPRISE_USER_URN);
  if (!known) {
    const uri = path.uri ?? '';
    // Core schemas other than User (Group) are not extensions of a user; any other URN may be one.
    if (!/^urn:/i.test(uri) || /^urn:ietf:params:scim:schemas:core:/i.test(uri)) {
      return fail(`"${uri}" at position 0 is not a User extension schema URN (such as urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User)`);
    }
    const outer: AttrPath = { uri, attr: path.attr };
    let filter: Filter | undefined;
    if (valueFilter !== undefined) {
      const checked = validateValueFilter(outer, valueFilter, resolveUnknown);
      if (!checked.ok) return fail(`in the value filter at position ${bracketPos}: ${checked.error.detail}`);
      filter = checked.value;
    }
    return { ok: true, value: { text, urn: uri, attr: path.attr, ...(filter !== undefined ? { filter } : {}), ...(subName !== undefined ? { sub: subName } : {}), resolve: resolveUnknown, outer } };
  }

  const top = resolveAttribute('User', { ...(path.uri !== undefined ? { uri: path.uri } : {}), attr: path.attr });
  if (top === undefined) {
    const where = path.uri === undefined ? 'a User has no such attribute (an attribute of a custom extension is written with its schema URN, e.g. urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User:country)' : `${path.uri} has no such attribute`;
    return fail(`unknown attribute "${path.attr}" at position ${attrPos}: ${where}`);
  }
  const def = top.attr;
  const notStored = NOT_STORED[def.name];
  if (notStored !== undefined) return fail(`"${def.name}" at position ${attrPos} cannot be mapped: ${notStored}`);
  if (valueFilter !== undefined && !def.multiValued) {
    return fail(`the value filter at position ${bracketPos} needs a multi-valued attribute, and "${def.name}" holds one value`);
  }
  let sub: AttributeDef | undefined;
  if (subName !== undefined) {
    const found = subOf(def, subName, subPos);
    if (typeof found === 'string') return fail(found);
    sub = found;
  } else if (def.type === 'complex') {
    // Like a filter's operand (RFC 7644 §3.4.2.2), a complex attribute named alone means its value:
    // `emails` is emails.value, the enterprise `manager` is manager.value.
    sub = findAttr(def.subAttributes, 'value');
    if (sub === undefined) return fail(`"${def.name}" at position ${attrPos} is complex: name one of its sub-attributes (${subNames(def)}), e.g. ${def.name}.${def.subAttributes?.[0]?.name ?? 'value'}`);
  }
  const urn = top.extension ? top.schema.id : undefined;
  const outer: AttrPath = { ...(urn !== undefined ? { uri: urn } : {}), attr: def.name };
  let filter: Filter | undefined;
  if (valueFilter !== undefined) {
    const checked = validateValueFilter(outer, valueFilter, resolveUser);
    if (!checked.ok) return fail(`in the value filter at position ${bracketPos}: ${checked.error.detail}`);
    filter = checked.value;
  }
  return {
    ok: true,
    value: {
      text,
      ...(urn !== undefined ? { urn } : {}),
      attr: def.name,
      ...(filter !== undefined ? { filter } : {}),
      ...(sub !== undefined ? { sub: sub.name } : {}),
      resolve: resolveUser,
      outer,
    },
  };
}

/** Whether a setting may map a field from `expression`: it must name something a stored User can hold. */
export function validateMappingExpression(expression: string): { ok: true } | { ok: false; detail: string } {
  const compiled = compileExpression(expression);
  return compiled.ok ? { ok: true } : compiled;
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
export function readExpressionValues(expr: MappingExpression, resource: Record<string, unknown>): string[] {
  const container = expr.urn === undefined ? resource : getAttribute(resource, expr.urn);
  let elements = list(getAttribute(container, expr.attr));
  const filter = expr.filter;
  if (filter !== undefined) elements = elements.filter((e) => isObject(e) && matchesElement(filter, e, expr.outer, expr.resolve));
  const texts: string[] = [];
  for (const element of primaryFirst(elements)) {
    // An extension attribute Roster does not define may be complex: named alone, it means its value.
    const leaf = expr.sub !== undefined ? getAttribute(element, expr.sub) : isObject(element) ? getAttribute(element, 'value') : element;
    for (const v of list(leaf)) {
      const text = scalarText(v);
      if (text !== null) texts.push(text);
    }
  }
  return texts;
}

/** The first text `expr` reads, or null. */
export function readExpression(expr: MappingExpression, resource: Record<string, unknown>): string | null {
  return readExpressionValues(expr, resource)[0] ?? null;
}
