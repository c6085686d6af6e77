// POST/PUT bodies -> the canonical stored form of a resource (RFC 7643 §4, RFC 7644 §3.3, §3.5.1).
// Tolerant of what IdPs really send (idp-requests §6 rules 8, 13): unknown attributes and schema URNs,
// read-only attributes, nulls and empty arrays are ignored rather than refused.
import { coerceTopLevel, findForbiddenKey, isObject } from './coerce.ts';
import { err, ok, type Result } from './errors.ts';
import { SCIM_LIMITS } from './limits.ts';
import { problem } from './problems.ts';
import { checkResourceLimits } from './resource-limits.ts';
import { COMMON_ATTRIBUTES, findAttr, resolveKey, schemasOf } from './schemas/index.ts';
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

type Given = Map<AttributeDef, { schema: SchemaDef; raw: unknown; qualified: boolean }>;

/** Collects top-level attributes by definition. A URN-qualified spelling wins over a bare one. */
function collect(type: ResourceTypeName, body: Record<string, unknown>): Result<Given> {
  const given: Given = new Map();
  const put = (schema: SchemaDef, def: AttributeDef, raw: unknown, qualified: boolean) => {
    if (!qualified && given.get(def)?.qualified) return;
    given.set(def, { schema, raw, qualified });
  };
  for (const [key, raw] of Object.entries(body)) {
    // `schemas` is recomputed from what is present; a client's list may be wrong (idp-requests §3, §1.5).
    if (key.toLowerCase() === 'schemas') continue;
    const ref = resolveKey(type, key);
    if (ref === undefined) continue;
    if (ref.kind === 'schema') {
      // RFC 7644 §3.3: extension attributes sit in an object under the extension URN.
      if (!ref.extension || raw === null) continue;
      if (!isObject(raw)) return err(problem.wrongType(ref.schema.id, 'an object', raw));
      for (const [name, value] of Object.entries(raw)) {
        const def = findAttr(ref.schema.attributes, name);
        if (def) put(ref.schema, def, value, true);
      }
    } else if (ref.resolved.sub === undefined) {
      // An unqualified extension attribute (Entra's older sample puts `department` at the top level)
      // resolves like a filter attribute would: core first, then extensions.
      put(ref.resolved.schema, ref.resolved.attr, raw, key.includes(':'));
    }
  }
  return ok(given);
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
      const entry = given.value.get(def);
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
      if (value.value !== undefined) target[def.name] = value.value;
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
  const missing = missingRequired(resource, core);
  if (missing !== undefined) return err(problem.required(missing));
  const limited = checkResourceLimits(type, resource);
  if (!limited.ok) return limited;
  return ok(members === undefined ? { resource } : { resource, members });
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
