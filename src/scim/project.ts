// Which attributes a response carries: RFC 7644 §3.4.2.5 / §3.9 (`attributes`, `excludedAttributes`)
// combined with the RFC 7643 §7 "returned" characteristic of each attribute:
//   always  - returned whatever the parameters say (id, schemas)
//   never   - never returned (password)
//   default - returned unless excluded, or unless `attributes` lists others
//   request - returned only when `attributes` names it
// Names are case-insensitive and may be sub-attributes ("name.givenName", "emails.value"), URN-qualified
// ("urn:…:enterprise:2.0:User:employeeNumber") or a whole extension URN. Unknown names are ignored.
// RFC 7644 §3.9 makes the two parameters mutually exclusive; when a client sends both, `attributes` wins
// and `excludedAttributes` is ignored, which returns at most what the client asked for.
import { isForbiddenKey, isObject } from './coerce.ts';
import { COMMON_ATTRIBUTES, findAttr, findSchema, isCustomExtensionUrn, resolveKey, schemasOf } from './schemas/index.ts';
import type { AttributeDef, SchemaDef } from './schemas/types.ts';
import type { ResourceTypeName } from './schemas/urns.ts';

export interface ProjectionParams {
  attributes?: readonly string[];
  excludedAttributes?: readonly string[];
}

/** "userName, name.givenName,emails" -> ["userName", "name.givenName", "emails"]. */
export function parseAttributeList(text?: string): string[] {
  if (text === undefined) return [];
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

type Mode = 'default' | 'include' | 'exclude';

interface Selection {
  mode: Mode;
  schemas: Set<SchemaDef>;
  whole: Set<AttributeDef>;
  subs: Map<AttributeDef, Set<AttributeDef>>;
  /** Custom extensions (schemas/custom.ts) named: by lower-cased URN, `true` for the whole extension, else
   *  the lower-cased attribute names. Their attributes have no definitions to hold in the sets above. */
  custom: Map<string, true | Set<string>>;
}

function selectionOf(type: ResourceTypeName, params: ProjectionParams): Selection {
  const attributes = params.attributes?.filter((s) => s.trim() !== '') ?? [];
  const excluded = params.excludedAttributes?.filter((s) => s.trim() !== '') ?? [];
  const mode: Mode = attributes.length > 0 ? 'include' : excluded.length > 0 ? 'exclude' : 'default';
  const selection: Selection = { mode, schemas: new Set(), whole: new Set(), subs: new Map(), custom: new Map() };
  for (const name of mode === 'include' ? attributes : mode === 'exclude' ? excluded : []) {
    // `attributes` takes attribute names (RFC 7644 §3.10); Microsoft's SCIM test collection sends
    // `emails[type eq "work"]`. Read such a name as the attribute it filters rather than dropping it.
    const ref = resolveKey(type, name.trim().replace(/\[[^\]]*\]/, ''));
    if (ref === undefined) continue;
    if (ref.kind === 'schema' && ref.custom) {
      selection.custom.set(ref.schema.id.toLowerCase(), true);
    } else if (ref.kind === 'attr' && ref.resolved.custom) {
      const urn = ref.resolved.schema.id.toLowerCase();
      const names = selection.custom.get(urn) ?? new Set<string>();
      if (names !== true) selection.custom.set(urn, names.add(ref.resolved.attr.name.toLowerCase()));
    } else if (ref.kind === 'schema') {
      selection.schemas.add(ref.schema);
    } else if (ref.resolved.sub === undefined) {
      selection.whole.add(ref.resolved.attr);
    } else {
      const subs = selection.subs.get(ref.resolved.attr) ?? new Set<AttributeDef>();
      subs.add(ref.resolved.sub);
      selection.subs.set(ref.resolved.attr, subs);
    }
  }
  return selection;
}

/** Keeps the sub-attributes of each element (or of the one object) that `keep` accepts. */
function pickSubs(def: AttributeDef, value: unknown, keep: (sub: AttributeDef | undefined) => boolean): unknown {
  const one = (item: unknown): unknown => {
    if (!isObject(item)) return item;
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(item)) {
      if (isForbiddenKey(key)) continue;
      const sub = findAttr(def.subAttributes, key);
      if (keep(sub)) out[key] = v;
    }
    return Object.keys(out).length === 0 ? undefined : out;
  };
  if (def.type !== 'complex') return value;
  if (!Array.isArray(value)) return one(value);
  const items = value.map(one).filter((v) => v !== undefined);
  return items.length === 0 ? undefined : items;
}

/** Whether the attribute appears at all, before looking at its sub-attributes. */
function included(def: AttributeDef, schema: SchemaDef, s: Selection): boolean {
  if (def.returned === 'never') return false;
  if (def.returned === 'always') return true;
  const named = s.whole.has(def) || s.subs.has(def) || s.schemas.has(schema);
  if (s.mode === 'include') return named;
  if (def.returned === 'request') return false;
  return s.mode === 'default' || !(s.whole.has(def) || s.schemas.has(schema));
}

function projectAttribute(def: AttributeDef, schema: SchemaDef, value: unknown, s: Selection): unknown {
  if (!included(def, schema, s)) return undefined;
  const asked = s.subs.get(def);
  const wholeAsked = s.whole.has(def) || s.schemas.has(schema);
  return pickSubs(def, value, (sub) => {
    // Keys no schema defines follow their parent, unless the client picked particular sub-attributes.
    if (sub === undefined) return s.mode !== 'include' || wholeAsked || def.returned === 'always';
    if (sub.returned === 'never') return false;
    if (sub.returned === 'always') return true;
    if (s.mode === 'include' && def.returned !== 'always') return wholeAsked || asked?.has(sub) === true;
    if (s.mode === 'include') return asked?.has(sub) === true || sub.returned !== 'request';
    if (sub.returned === 'request') return false;
    return s.mode === 'default' || asked?.has(sub) !== true;
  });
}

/**
 * Projects a resource in full wire form (id, meta, groups or members included) for a response.
 * Returns a new object; the input is not modified.
 */
export function project(
  type: ResourceTypeName,
  resource: Record<string, unknown>,
  params: ProjectionParams,
): Record<string, unknown> {
  return structuredClone(projector(type, params)(resource));
}

/** `project` for every resource of a page: the parameters are resolved against the schemas once, not
 *  once per resource (200 names × 1,000 resources would be 200,000 resolutions). Its result may share
 *  values with the input, so it is for serialising at once (a list page), not for keeping. */
export function projector(type: ResourceTypeName, params: ProjectionParams): (resource: Record<string, unknown>) => Record<string, unknown> {
  const s = selectionOf(type, params);
  return (resource) => projectWith(type, resource, s);
}

function projectWith(type: ResourceTypeName, resource: Record<string, unknown>, s: Selection): Record<string, unknown> {
  const { core } = schemasOf(type);
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(resource)) {
    if (isForbiddenKey(key)) continue;
    const schema = findSchema(type, key);
    if (schema !== undefined && schema !== core) {
      if (!isObject(value)) continue;
      const ext: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(value)) {
        const def = findAttr(schema.attributes, name);
        const projected = def ? projectAttribute(def, schema, v, s) : s.mode === 'include' ? undefined : v;
        if (projected !== undefined && !isForbiddenKey(name)) ext[name] = projected;
      }
      if (Object.keys(ext).length > 0) out[key] = ext;
      continue;
    }
    if (isCustomExtensionUrn(type, key) && isObject(value)) {
      const ext = projectCustom(value, s.custom.get(key.toLowerCase()), s.mode);
      if (ext !== undefined) out[key] = ext;
      continue;
    }
    const def = findAttr(core.attributes, key) ?? findAttr(COMMON_ATTRIBUTES, key);
    // Keys no schema defines are not ours to hide, except when the client listed what it wants.
    const projected = def ? projectAttribute(def, core, value, s) : s.mode === 'include' ? undefined : value;
    if (projected !== undefined) out[key] = projected;
  }
  return out;
}

/** A custom extension's attributes are all returned by default (returned "default"); `attributes` and
 *  `excludedAttributes` pick them by the URN or by URN-qualified name. */
function projectCustom(value: Record<string, unknown>, named: true | Set<string> | undefined, mode: Mode): Record<string, unknown> | undefined {
  if (mode === 'default' || (mode === 'exclude' && named === undefined)) return value;
  if (named === true) return mode === 'include' ? value : undefined;
  const out: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(value)) if ((named?.has(name.toLowerCase()) ?? false) === (mode === 'include')) out[name] = v;
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * Whether a projection would include (any part of) an attribute, so the store can skip reading a
 * Group's members when the client excluded them (Entra: excludedAttributes=members, idp-requests §1.6).
 */
export function wantsAttribute(type: ResourceTypeName, params: ProjectionParams, name: string): boolean {
  const ref = resolveKey(type, name);
  if (ref === undefined) return false;
  if (ref.kind === 'schema') return true;
  return included(ref.resolved.attr, ref.resolved.schema, selectionOf(type, params));
}
