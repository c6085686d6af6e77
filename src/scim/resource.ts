// POST/PUT bodies -> the canonical stored form of a resource (RFC 7643 §4, RFC 7644 §3.3, §3.5.1).
// Tolerant of what IdPs really send (idp-requests §6 rules 8, 13): unknown attributes and schema URNs,
// read-only attributes, nulls and empty arrays are ignored rather than refused. Custom extensions
// (schemas/custom.ts) are the exception among unknown URNs: kept as pushed.
import { coerceTopLevel, findForbiddenKey, isObject } from './coerce.ts';
import { err, ok, type Result } from './errors.ts';
import { SCIM_LIMITS } from './limits.ts';
import { problem } from './problems.ts';
import { checkResourceLimits } from './resource-limits.ts';
import { COMMON_ATTRIBUTES, USER_SCHEMA, findAttr, resolveKey, schemasOf } from './schemas/index.ts';
import type { AttributeDef, SchemaDef } from './schemas/types.ts';
import type { ResourceTypeName } from './schemas/urns.ts';

export { foldResource } from './fold-resource.ts';

/** A resource in canonical wire form: canonical attribute names, extension attributes under their URN,
 *  `schemas` listing the core URN and the extensions present. Never holds id, meta, groups, password,
 *  or a Group's members (membership is rows in its own table). */
export type ScimResource = Record<string, unknown>;

export interface MemberRef {
  value: string;
  type?: 'User' | 'Group';
}

export interface ParsedResource {
  resource: ScimResource;
  /** Group bodies only; absent when the body had no `members` key. */
  members?: MemberRef[];
}

/** How a body gave an attribute, weakest first: nested under the core URN ({"urn:…:core:2.0:User":
 *  {"userName": …}}, which some clients send), bare ("department"), URN-qualified or inside its extension
 *  object. The strongest spelling wins; among equals the last one. */
const enum Spelling {
  NestedCore,
  Bare,
  Qualified,
}

interface Entry {
  raw: unknown;
  spelling: Spelling;
}

/** Custom extensions (schemas/custom.ts) as given: by lower-cased URN, then lower-cased attribute name, each
 *  keeping the spelling it was sent in (the first for a URN, the winning one for a name). */
type CustomGiven = Map<string, { urn: string; attrs: Map<string, Entry & { name: string }> }>;

interface Given {
  known: Map<AttributeDef, Entry & { schema: SchemaDef }>;
  custom: CustomGiven;
}

/** Collects top-level attributes by definition, and custom extension attributes by name. */
function collect(type: ResourceTypeName, body: Record<string, unknown>): Result<Given> {
  const given: Given = { known: new Map(), custom: new Map() };
  const put = (schema: SchemaDef, def: AttributeDef, raw: unknown, spelling: Spelling) => {
    if ((given.known.get(def)?.spelling ?? spelling) > spelling) return;
    given.known.set(def, { schema, raw, spelling });
  };
  const putCustom = (urn: string, name: string, raw: unknown) => {
    const ext = given.custom.get(urn.toLowerCase()) ?? { urn, attrs: new Map() };
    given.custom.set(urn.toLowerCase(), ext);
    ext.attrs.set(name.toLowerCase(), { name, raw, spelling: Spelling.Qualified });
  };
  const read = (key: string, raw: unknown, nested: boolean): Result<void> => {
    // `schemas` is recomputed from what is present; a client's list may be wrong (idp-requests §3, §1.5).
    if (key.toLowerCase() === 'schemas') return ok(undefined);
    const ref = resolveKey(type, key);
    if (ref === undefined) return ok(undefined);
    if (ref.kind === 'schema') {
      if (raw === null || nested) return ok(undefined);
      // RFC 7644 §3.3: extension attributes sit in an object under the extension URN.
      if (!isObject(raw)) return ref.extension ? err(problem.wrongType(ref.schema.id, 'an object', raw)) : ok(undefined);
      for (const [name, value] of Object.entries(raw)) {
        if (ref.custom) {
          putCustom(ref.schema.id, name, value);
        } else if (!ref.extension) {
          // Core attributes nested under the core URN read like bare ones, and lose to them.
          const inner = read(`${ref.schema.id}:${name}`, value, true);
          if (!inner.ok) return inner;
        } else {
          const def = findAttr(ref.schema.attributes, name);
          if (def) put(ref.schema, def, value, Spelling.Qualified);
        }
      }
    } else if (ref.resolved.custom) {
      // Like a known attribute, a dotted key ("urn:…:User:address.city") is not read from a body.
      if (ref.resolved.sub === undefined) putCustom(ref.resolved.schema.id, ref.resolved.attr.name, raw);
    } else if (ref.resolved.sub === undefined) {
      // An unqualified extension attribute (Entra's older sample puts `department` at the top level)
      // resolves like a filter attribute would: core first, then extensions.
      put(ref.resolved.schema, ref.resolved.attr, raw, nested ? Spelling.NestedCore : key.includes(':') ? Spelling.Qualified : Spelling.Bare);
    }
    return ok(undefined);
  };
  for (const [key, raw] of Object.entries(body)) {
    const done = read(key, raw, false);
    if (!done.ok) return done;
  }
  return ok(given);
}

/** A custom attribute's value as stored: JSON kept as sent, except that nulls, and arrays and objects left
 *  empty without them, are unassigned (RFC 7643 §2.5). */
function customValue(raw: unknown): unknown {
  if (raw === null || raw === undefined) return undefined;
  if (Array.isArray(raw)) {
    const items = raw.map(customValue).filter((v) => v !== undefined);
    return items.length === 0 ? undefined : items;
  }
  if (isObject(raw)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(raw)) {
      const kept = customValue(value);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  }
  return raw;
}

/** `members` of a Group body or PATCH value: deduplicated by id, first occurrence kept. */
export function parseMembers(raw: unknown): Result<MemberRef[]> {
  const members: MemberRef[] = [];
  const seen = new Set<string>();
  if (raw === null || raw === undefined) return ok(members);
  for (const item of Array.isArray(raw) ? raw : [raw]) {
    if (item === null || item === undefined) continue;
    if (!isObject(item)) return err(problem.memberValue(item));
    const entries = Object.entries(item);
    const value = entries.find(([k]) => k.toLowerCase() === 'value')?.[1];
    if (typeof value !== 'string' || value.trim() === '') return err(problem.memberValue(item));
    if (seen.has(value)) continue;
    seen.add(value);
    const rawType = entries.find(([k]) => k.toLowerCase() === 'type')?.[1];
    const kind = typeof rawType === 'string' ? rawType.trim().toLowerCase() : undefined;
    // canonicalValues are not enforced (RFC 7643 §2.3.1 "MAY"): an unknown type is simply not recorded.
    members.push(kind === 'user' ? { value, type: 'User' } : kind === 'group' ? { value, type: 'Group' } : { value });
  }
  return ok(members);
}

/**
 * Parses a POST/PUT body (RFC 7644 §3.3, §3.5.1) into canonical form. For a Group, `members` is returned
 * beside the resource (the store writes it as rows); for a User it is always absent.
 */
export function parseResource(type: ResourceTypeName, body: unknown): Result<ParsedResource> {
  if (!isObject(body)) return err(problem.bodyNotObject());
  const forbidden = findForbiddenKey(body);
  if (forbidden !== undefined) return err(problem.forbiddenKey(forbidden));
  const given = collect(type, body);
  if (!given.ok) return given;

  const { core, extensions } = schemasOf(type);
  const resource: ScimResource = { schemas: [core.id] };
  let members: MemberRef[] | undefined;
  const fill = (target: Record<string, unknown>, defs: readonly AttributeDef[]): Result<void> => {
    for (const def of defs) {
      const entry = given.value.known.get(def);
      if (entry === undefined) continue;
      if (type === 'Group' && def.name === 'members' && entry.schema === core) {
        // "members": null is read as "not given", like an absent key: a null usually comes from a client
        // echoing a response (Okta's sample group has "members": null, idp-requests §2.5), and reading it
        // as "no members" would empty the group. A client that means it sends [].
        if (entry.raw === null) continue;
        const named = Array.isArray(entry.raw) ? entry.raw.length : 1;
        if (named > SCIM_LIMITS.membersPerRequest) return err(problem.tooManyMembers(named, SCIM_LIMITS.membersPerRequest));
        const parsed = parseMembers(entry.raw);
        if (!parsed.ok) return parsed;
        members = parsed.value;
        continue;
      }
      const value = coerceTopLevel(entry.schema, def, entry.raw);
      if (!value.ok) return value;
      const kept = BLANK_VALUE_IS_NO_VALUE.has(def) ? withoutBlankValues(value.value) : value.value;
      if (kept !== undefined) target[def.name] = kept;
    }
    return ok(undefined);
  };
  const filled = fill(resource, [...COMMON_ATTRIBUTES, ...core.attributes]);
  if (!filled.ok) return filled;
  for (const schema of extensions) {
    const ext: Record<string, unknown> = {};
    const done = fill(ext, schema.attributes);
    if (!done.ok) return done;
    if (Object.keys(ext).length > 0) {
      resource[schema.id] = ext;
      (resource.schemas as string[]).push(schema.id);
    }
  }
  // Kept and returned as pushed (round-trip fidelity: Entra's validator compares what it sent), after the
  // extensions Roster defines, in the order the body first named them.
  for (const { urn, attrs } of given.value.custom.values()) {
    const ext: Record<string, unknown> = {};
    for (const { name, raw } of attrs.values()) {
      const value = customValue(raw);
      if (value !== undefined) ext[name] = value;
    }
    if (Object.keys(ext).length > 0) {
      resource[urn] = ext;
      (resource.schemas as string[]).push(urn);
    }
  }
  const missing = missingRequired(resource, core);
  if (missing !== undefined) return err(problem.required(missing));
  const limited = checkResourceLimits(type, resource);
  if (!limited.ok) return limited;
  return ok(members === undefined ? { resource } : { resource, members });
}

/** An e-mail address or phone number that is empty or blank is none: {"type": "work", "value": ""} (a PATCH
 *  of emails[type eq "work"].value to "") must not be stored as an address or become a target user's mail. */
const BLANK_VALUE_IS_NO_VALUE: ReadonlySet<AttributeDef> = new Set(
  ['emails', 'phoneNumbers'].map((name) => findAttr(USER_SCHEMA.attributes, name)!),
);

function withoutBlankValues(elements: unknown): unknown {
  if (!Array.isArray(elements)) return elements;
  const kept = elements.filter((e) => !(isObject(e) && typeof e.value === 'string' && e.value.trim() === ''));
  return kept.length === 0 ? undefined : kept;
}

/** RFC 7643 §2.2 "required": an empty or blank string counts as missing (a blank userName is no name). */
function missingRequired(resource: ScimResource, core: SchemaDef): string | undefined {
  for (const def of core.attributes) {
    if (!def.required) continue;
    const value = resource[def.name];
    if (value === undefined || (typeof value === 'string' && value.trim() === '')) return def.name;
  }
  return undefined;
}
