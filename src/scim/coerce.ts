// Value coercion against RFC 7643 attribute definitions: checks types (§2.3), maps sub-attribute names
// to their canonical case (§2.1), drops what a client may not set, and absorbs IdP dialect (dialect.ts).
// A result of `undefined` means "unassigned": RFC 7643 §2.5 treats null, an empty array and an absent
// attribute alike.
import { booleanish, normaliseManager } from './dialect.ts';
import { err, ok, type Result } from './errors.ts';
import { problem } from './problems.ts';
import { isForbiddenKey } from './text.ts';
import { findAttr } from './schemas/index.ts';
import type { AttributeDef, SchemaDef } from './schemas/types.ts';
import { ENTERPRISE_USER_URN } from './schemas/urns.ts';

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export { isForbiddenKey } from './text.ts';

/** The first forbidden key anywhere in a JSON value, so a request carrying one is refused outright.
 *  Iterative, so a deeply nested body cannot exhaust the stack. */
export function findForbiddenKey(value: unknown): string | undefined {
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const item = pending.pop();
    if (Array.isArray(item)) {
      for (const inner of item) pending.push(inner);
    } else if (isObject(item)) {
      for (const [key, inner] of Object.entries(item)) {
        if (isForbiddenKey(key)) return key;
        pending.push(inner);
      }
    }
  }
  return undefined;
}

// xsd:dateTime as RFC 7643 §2.3.5 requires; Date.parse then rejects impossible dates like month 13.
const DATE_TIME = /^-?\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/;
const BASE64 = /^[A-Za-z0-9+/=\s]*$/;

function coerceScalar(def: AttributeDef, raw: unknown, label: string): Result<unknown> {
  switch (def.type) {
    case 'boolean': {
      const value = booleanish(raw);
      return value === undefined ? err(problem.wrongType(label, 'a boolean', raw)) : ok(value);
    }
    case 'integer':
      return typeof raw === 'number' && Number.isInteger(raw) ? ok(raw) : err(problem.wrongType(label, 'an integer', raw));
    case 'decimal':
      return typeof raw === 'number' && Number.isFinite(raw) ? ok(raw) : err(problem.wrongType(label, 'a decimal number', raw));
    case 'dateTime':
      return typeof raw === 'string' && DATE_TIME.test(raw) && !Number.isNaN(Date.parse(raw))
        ? ok(raw)
        : err(problem.wrongType(label, 'a dateTime such as "2024-01-31T09:00:00Z"', raw));
    case 'binary':
      return typeof raw === 'string' && BASE64.test(raw) ? ok(raw) : err(problem.wrongType(label, 'a base64 string', raw));
    case 'reference':
      return typeof raw === 'string' ? ok(raw) : err(problem.wrongType(label, 'a URI string', raw));
    case 'string':
      return typeof raw === 'string' ? ok(raw) : err(problem.wrongType(label, 'a string', raw));
    case 'complex':
      return coerceComplex(def, raw, label);
  }
}

/** Last key wins when a client repeats a name in different case; unknown and read-only keys are dropped. */
function coerceComplex(def: AttributeDef, raw: unknown, label: string): Result<unknown> {
  if (!isObject(raw)) return err(problem.wrongType(label, 'an object', raw));
  const given = new Map<AttributeDef, unknown>();
  for (const [key, value] of Object.entries(raw)) {
    const sub = findAttr(def.subAttributes, key);
    if (sub) given.set(sub, value);
  }
  const out: Record<string, unknown> = {};
  for (const sub of def.subAttributes ?? []) {
    if (!given.has(sub)) continue;
    const value = coerceAttribute(sub, given.get(sub), `${label}.${sub.name}`);
    if (!value.ok) return value;
    if (value.value !== undefined) out[sub.name] = value.value;
  }
  return ok(Object.keys(out).length === 0 ? undefined : out);
}

/**
 * Coerces one attribute's value. Multi-valued attributes given a single value are wrapped into an array:
 * OneLogin sends `emails` as an object (django-scim2 adapters.py), and the intent is unambiguous.
 */
export function coerceAttribute(def: AttributeDef, raw: unknown, label: string = def.name): Result<unknown> {
  if (raw === null || raw === undefined) return ok(undefined);
  // RFC 7643 §2.2: readOnly values from clients are ignored; writeOnly (password) is accepted, never kept.
  if (def.mutability === 'readOnly' || def.mutability === 'writeOnly') return ok(undefined);
  if (!def.multiValued) return coerceScalar(def, raw, label);
  const items: unknown[] = [];
  for (const item of Array.isArray(raw) ? raw : [raw]) {
    if (item === null || item === undefined) continue;
    const value = coerceScalar(def, item, label);
    if (!value.ok) return value;
    if (value.value !== undefined) items.push(value.value);
  }
  if (items.length === 0) return ok(undefined);
  // RFC 7643 §2.4: "primary" true MUST appear no more than once.
  if (def.type === 'complex' && items.filter((i) => isObject(i) && i.primary === true).length > 1) {
    return err(problem.manyPrimary(label));
  }
  return ok(items);
}

/** coerceAttribute for a top-level attribute of a schema, with the schema-specific dialect applied. */
export function coerceTopLevel(schema: SchemaDef, def: AttributeDef, raw: unknown, label: string = def.name): Result<unknown> {
  const value = schema.id === ENTERPRISE_USER_URN && def.name === 'manager' ? normaliseManager(raw) : raw;
  return coerceAttribute(def, value, label);
}
