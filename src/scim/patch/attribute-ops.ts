// add / replace / remove on one attribute of a resource copy (RFC 7644 §3.5.2.1-§3.5.2.3). Values are
// coerced with the same rules as POST bodies as they are written.
import { isDeepStrictEqual } from 'node:util';
import { coerceAttribute, coerceTopLevel, isObject } from '../coerce.ts';
import { err, ok, type Result } from '../errors.ts';
import { foldString, foldsCase } from '../fold.ts';
import { problem } from '../problems.ts';
import type { ScimResource } from '../resource.ts';
import { findAttr } from '../schemas/index.ts';
import type { AttributeDef } from '../schemas/types.ts';
import { ENTERPRISE_USER_URN, type ResourceTypeName } from '../schemas/urns.ts';
import { ElementIndex, type ElementIndexes } from './element-index.ts';
import { elementMatcher, eqPairs } from './value-filter.ts';
import type { AttrTarget, PatchOpName } from './types.ts';

type Obj = Record<string, unknown>;
const done: Result<void> = ok(undefined);

/** The object that holds the attribute: the resource, or its extension object (created on demand). */
function holderOf(resource: ScimResource, t: AttrTarget): Obj {
  if (!t.extension) return resource;
  const existing = resource[t.schema.id];
  if (isObject(existing)) return existing;
  const created: Obj = {};
  resource[t.schema.id] = created;
  return created;
}

function sameScalar(def: AttributeDef, a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && foldsCase(def) ? foldString(a) === foldString(b) : a === b;
}

/** Every sub-attribute `probe` sets has the same value in `element` (caseExact respected). */
function contains(def: AttributeDef, element: unknown, probe: unknown): boolean {
  if (def.type !== 'complex') return sameScalar(def, element, probe);
  if (!isObject(element) || !isObject(probe)) return false;
  return Object.entries(probe).every(([key, value]) => {
    const sub = findAttr(def.subAttributes, key);
    return sub !== undefined && sameScalar(sub, element[key], value);
  });
}

/** RFC 7644 §3.5.2: setting "primary" true on one value sets it false on the others (RFC 7643 §2.4). */
function keepOnePrimary(items: unknown[], touched: unknown[]): void {
  const winner = touched.find((e) => isObject(e) && e.primary === true);
  if (winner === undefined) return;
  for (const e of items) if (e !== winner && isObject(e) && e.primary === true) e.primary = false;
}

function writeItems(holder: Obj, name: string, items: unknown[]): Result<void> {
  const kept = items.filter((e) => !(isObject(e) && Object.keys(e).length === 0));
  if (kept.length === 0) delete holder[name];
  else holder[name] = kept;
  return done;
}

const itemsOf = (value: unknown): unknown[] =>
  Array.isArray(value) ? value.map((e: unknown) => (isObject(e) ? { ...e } : e)) : [];

function checkImmutable(def: AttributeDef, before: unknown, after: unknown, label: string): Result<void> {
  // RFC 7643 §2.2 "immutable": may be set once, never changed.
  return def.mutability === 'immutable' && before !== undefined && !isDeepStrictEqual(before, after)
    ? { ok: false, error: problem.immutable(label) }
    : done;
}

/** Single-valued complex (name): RFC 7644 §3.5.2.1/§3.5.2.3 both merge the sub-attributes given and leave
 *  the others unchanged; a null sub-attribute is unassigned. */
function mergeComplex(holder: Obj, attr: AttributeDef, raw: unknown): Result<void> {
  if (raw === null) {
    delete holder[attr.name];
    return done;
  }
  if (!isObject(raw)) return err(problem.wrongType(attr.name, 'an object', raw));
  const current: Obj = isObject(holder[attr.name]) ? { ...(holder[attr.name] as Obj) } : {};
  for (const [key, value] of Object.entries(raw)) {
    const sub = findAttr(attr.subAttributes, key);
    if (sub === undefined || sub.mutability === 'readOnly' || sub.mutability === 'writeOnly') continue;
    const label = `${attr.name}.${sub.name}`;
    const coerced = coerceAttribute(sub, value, label);
    if (!coerced.ok) return coerced;
    const same = checkImmutable(sub, current[sub.name], coerced.value, label);
    if (!same.ok) return same;
    if (coerced.value === undefined) delete current[sub.name];
    else current[sub.name] = coerced.value;
  }
  if (Object.keys(current).length === 0) delete holder[attr.name];
  else holder[attr.name] = current;
  return done;
}

/** path "emails" / "active" / "name" / "urn:…:manager": the attribute as a whole. */
function whole(holder: Obj, t: AttrTarget, op: PatchOpName, raw: unknown, indexes: ElementIndexes): Result<void> {
  const { attr, schema } = t;
  const before = holder[attr.name];
  if (op === 'remove') {
    // Entra's dialect for members (value = the elements to remove) applies to any multi-valued complex
    // attribute, e.g. roles; without a value the whole attribute goes (RFC 7644 §3.5.2.2).
    if (attr.multiValued && attr.type === 'complex' && raw !== undefined && raw !== null) {
      const probes = coerceAttribute(attr, raw);
      if (!probes.ok) return probes;
      const listed = (probes.value as unknown[] | undefined) ?? [];
      return writeItems(holder, attr.name, itemsOf(before).filter((e) => !listed.some((p) => contains(attr, e, p))));
    }
    delete holder[attr.name];
    return done;
  }
  const isManager = schema.id === ENTERPRISE_USER_URN && attr.name === 'manager';
  // The manager is replaced as a unit: a new id with the old $ref would point at someone else.
  if (attr.type === 'complex' && !attr.multiValued && !isManager) return mergeComplex(holder, attr, raw);
  const coerced = coerceTopLevel(schema, attr, raw);
  if (!coerced.ok) return coerced;
  if (coerced.value === undefined) {
    // null, [] or an empty manager unassign (RFC 7643 §2.5); adding nothing to a list changes nothing.
    if (!(attr.multiValued && op === 'add')) delete holder[attr.name];
    return done;
  }
  if (attr.multiValued && op === 'add') {
    // RFC 7644 §3.5.2.1: values are appended; a value already present is not added again. The array is
    // the request's working copy, grown in place with its index: no copy or scan per operation.
    const current = Array.isArray(before) ? before : [];
    let index = indexes.get(current);
    if (index === undefined) indexes.set(current, (index = new ElementIndex(attr, current)));
    for (const item of coerced.value as unknown[]) if (!index.has(item)) index.add(item);
    holder[attr.name] = current;
    return done;
  }
  const same = checkImmutable(attr, before, coerced.value, attr.name);
  if (!same.ok) return same;
  holder[attr.name] = coerced.value;
  return done;
}

/** path "name.givenName": one sub-attribute of a single-valued complex attribute. */
function subOfOne(holder: Obj, t: AttrTarget, sub: AttributeDef, op: PatchOpName, raw: unknown): Result<void> {
  return mergeComplex(holder, t.attr, { [sub.name]: op === 'remove' ? null : raw });
}

/** path "emails.type" without a filter: that sub-attribute of every element. */
function subOfEach(holder: Obj, t: AttrTarget, sub: AttributeDef, op: PatchOpName, raw: unknown): Result<void> {
  const items = itemsOf(holder[t.attr.name]);
  const coerced = op === 'remove' ? ok(undefined) : coerceAttribute(sub, raw, `${t.attr.name}.${sub.name}`);
  if (!coerced.ok) return coerced;
  if (items.length === 0 && coerced.value !== undefined) items.push({ [sub.name]: coerced.value });
  for (const e of items) {
    if (!isObject(e)) continue;
    if (coerced.value === undefined) delete e[sub.name];
    else e[sub.name] = coerced.value;
  }
  return writeItems(holder, t.attr.name, items);
}

/** path "emails[type eq \"work\"]" or "emails[type eq \"work\"].value". */
function viaFilter(type: ResourceTypeName, holder: Obj, t: AttrTarget, op: PatchOpName, raw: unknown): Result<void> {
  const { attr, sub } = t;
  const items = itemsOf(holder[attr.name]);
  const hits = items.filter(elementMatcher(type, t));
  const element = { ...attr, multiValued: false };

  if (op === 'remove') {
    // RFC 7644 §3.5.2.2 defines no error for a filter that matches nothing (noTarget is for a missing
    // path, and for replace in §3.5.2.3): the values are already absent.
    if (sub === undefined) return writeItems(holder, attr.name, items.filter((e) => !hits.includes(e)));
    for (const e of hits) if (isObject(e)) delete e[sub.name];
    return writeItems(holder, attr.name, items);
  }

  if (hits.length === 0) {
    if (raw === null) return done;
    // RFC 7644 §3.5.2.1: add through a filter creates the value; Entra and the MS validator rely on it
    // (emails[type eq "work"].value on a user without one, idp-requests §1.5, §1.10). RFC 7644 §3.5.2.3
    // wants 400 noTarget for replace, but Entra sends "Replace" for emails[type eq "work"].value whether or
    // not the user has a work e-mail yet, so a replace through a filter that is a conjunction of eq
    // comparisons (which pins down the element to create) is treated as add. Anything else is noTarget.
    const pairs = t.filter === undefined ? undefined : eqPairs(t.filter, attr);
    if (pairs === undefined) return err(problem.noTarget(t.text));
    const seed: Obj = {};
    for (const [def, value] of pairs) seed[def.name] = value;
    let given: Obj;
    if (sub !== undefined) given = { ...seed, [sub.name]: raw };
    else if (isObject(raw)) given = { ...seed, ...raw };
    else return err(problem.wrongType(attr.name, 'an object', raw));
    const created = coerceAttribute(element, given, attr.name);
    if (!created.ok) return created;
    if (created.value === undefined) return done;
    items.push(created.value);
    keepOnePrimary(items, [created.value]);
    return writeItems(holder, attr.name, items);
  }

  if (sub !== undefined) {
    const coerced = coerceAttribute(sub, raw, `${attr.name}.${sub.name}`);
    if (!coerced.ok) return coerced;
    for (const e of hits) {
      if (!isObject(e)) continue;
      if (coerced.value === undefined) delete e[sub.name];
      else e[sub.name] = coerced.value;
    }
    keepOnePrimary(items, hits);
    return writeItems(holder, attr.name, items);
  }

  // The matched elements as a whole: add merges into them, replace swaps them (RFC 7644 §3.5.2.3).
  if (raw === null) return writeItems(holder, attr.name, op === 'replace' ? items.filter((e) => !hits.includes(e)) : items);
  const coerced = coerceAttribute(element, raw, attr.name);
  if (!coerced.ok) return coerced;
  const value = (coerced.value ?? {}) as Obj;
  const touched: unknown[] = [];
  const next = items.map((e) => {
    if (!hits.includes(e)) return e;
    const updated = op === 'add' && isObject(e) ? { ...e, ...value } : { ...value };
    touched.push(updated);
    return updated;
  });
  keepOnePrimary(next, touched);
  return writeItems(holder, attr.name, next);
}

/** Applies one operation to one attribute of `resource` (a working copy); `indexes` live as long as it. */
export function applyToAttribute(
  type: ResourceTypeName,
  resource: ScimResource,
  t: AttrTarget,
  op: PatchOpName,
  raw: unknown,
  indexes: ElementIndexes,
): Result<void> {
  const holder = holderOf(resource, t);
  if (t.filter !== undefined) return viaFilter(type, holder, t, op, raw);
  if (t.sub === undefined) return whole(holder, t, op, raw, indexes);
  return t.attr.multiValued ? subOfEach(holder, t, t.sub, op, raw) : subOfOne(holder, t, t.sub, op, raw);
}
