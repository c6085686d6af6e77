// The schema set as data, and name resolution over it. Names and URNs are case-insensitive
// (RFC 7643 §2.1, RFC 7644 §3.10); what is returned is always the canonical definition.
import type { AttrPath } from '../filter/ast.ts';
import { COMMON_ATTRIBUTES } from './common.ts';
import { customSchema, isCustomExtensionUrn, resolveCustom } from './custom.ts';
import { ENTERPRISE_USER_SCHEMA } from './enterprise-user.ts';
import { GROUP_SCHEMA } from './group.ts';
import type { AttributeDef, ResolvedAttr, ResourceTypeDef, SchemaDef } from './types.ts';
import { USER_SCHEMA } from './user.ts';
import { ENTERPRISE_USER_URN, GROUP_URN, USER_URN, type ResourceTypeName } from './urns.ts';

export { COMMON_ATTRIBUTES, ENTERPRISE_USER_SCHEMA, GROUP_SCHEMA, USER_SCHEMA };
export * from './urns.ts';
export { isCustomExtensionUrn, splitCustomKey } from './custom.ts';

/** Every schema published under /Schemas (RFC 7644 §4), in publishing order. */
export const SCHEMAS: readonly SchemaDef[] = [USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA];

/** RFC 7643 §6. Entra's ADSCIM Group URN is deliberately absent: accepted in requests, never advertised. */
export const RESOURCE_TYPES: readonly ResourceTypeDef[] = [
  {
    id: 'User',
    name: 'User',
    endpoint: '/Users',
    description: 'User Account',
    schema: USER_URN,
    schemaExtensions: [{ schema: ENTERPRISE_USER_URN, required: false }],
  },
  { id: 'Group', name: 'Group', endpoint: '/Groups', description: 'Group', schema: GROUP_URN, schemaExtensions: [] },
];

export interface ResourceSchemas {
  core: SchemaDef;
  extensions: readonly SchemaDef[];
}

const USER_SCHEMAS: ResourceSchemas = { core: USER_SCHEMA, extensions: [ENTERPRISE_USER_SCHEMA] };
const GROUP_SCHEMAS: ResourceSchemas = { core: GROUP_SCHEMA, extensions: [] };

export function schemasOf(type: ResourceTypeName): ResourceSchemas {
  return type === 'User' ? USER_SCHEMAS : GROUP_SCHEMAS;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Each attribute list by lower-cased name, built on first use: a body or PATCH value may carry 100,000
 *  keys, and comparing each with every attribute name (lower-casing both) cost ~3 µs a key. */
const byName = new WeakMap<readonly AttributeDef[], ReadonlyMap<string, AttributeDef>>();

export function findAttr(list: readonly AttributeDef[] | undefined, name: string): AttributeDef | undefined {
  if (list === undefined) return undefined;
  let names = byName.get(list);
  if (names === undefined) {
    const built = new Map<string, AttributeDef>();
    for (const a of list) if (!built.has(a.name.toLowerCase())) built.set(a.name.toLowerCase(), a);
    byName.set(list, (names = built));
  }
  return names.get(name.toLowerCase());
}

/** The core schema or one of the type's extensions, by URN. */
export function findSchema(type: ResourceTypeName, urn: string): SchemaDef | undefined {
  const { core, extensions } = schemasOf(type);
  return same(core.id, urn) ? core : extensions.find((s) => same(s.id, urn));
}

/** Top-level attribute lookup; the core schema carries the §3.1 common attributes. */
function topLevel(schema: SchemaDef, core: boolean, name: string): AttributeDef | undefined {
  return findAttr(schema.attributes, name) ?? (core ? findAttr(COMMON_ATTRIBUTES, name) : undefined);
}

/**
 * Resolves an attribute reference for a resource type. A URN-qualified path looks only in that schema;
 * an unqualified name looks in the core schema (and the common attributes) first, then the extensions.
 * A path under a custom extension URN (schemas/custom.ts) resolves to a custom string attribute.
 */
export function resolveAttribute(type: ResourceTypeName, path: AttrPath): ResolvedAttr | undefined {
  const { core, extensions } = schemasOf(type);
  let found: { schema: SchemaDef; attr: AttributeDef } | undefined;
  if (path.uri !== undefined) {
    const schema = findSchema(type, path.uri);
    if (schema === undefined) return resolveCustom(type, path);
    const attr = schema && topLevel(schema, schema === core, path.attr);
    if (schema && attr) found = { schema, attr };
  } else {
    const attr = topLevel(core, true, path.attr);
    if (attr) found = { schema: core, attr };
    for (const schema of extensions) {
      if (found) break;
      const extAttr = findAttr(schema.attributes, path.attr);
      if (extAttr) found = { schema, attr: extAttr };
    }
  }
  if (!found) return undefined;
  const extension = found.schema !== core;
  if (path.sub === undefined) return { schema: found.schema, extension, attr: found.attr };
  const sub = findAttr(found.attr.subAttributes, path.sub);
  return sub ? { schema: found.schema, extension, attr: found.attr, sub } : undefined;
}

/** What a body key, a path-less PATCH value key or an `attributes` entry names. `custom` marks a whole
 *  custom extension (schemas/custom.ts), whose schema has no attribute definitions. */
export type KeyRef =
  | { kind: 'schema'; schema: SchemaDef; extension: boolean; custom?: true }
  | { kind: 'attr'; resolved: ResolvedAttr };

/**
 * Resolves a key that may be plain ("userName"), dotted ("name.givenName"), URN-qualified
 * ("urn:…:enterprise:2.0:User:employeeNumber", "urn:…:User:manager.value") or a bare schema URN.
 * The URN prefix is matched against known schemas, because URNs contain dots ("2.0") and colons.
 */
export function resolveKey(type: ResourceTypeName, key: string): KeyRef | undefined {
  const { core, extensions } = schemasOf(type);
  let uri: string | undefined;
  let rest = key;
  for (const schema of [core, ...extensions]) {
    if (same(schema.id, key)) return { kind: 'schema', schema, extension: schema !== core };
    if (key.length > schema.id.length && same(key.slice(0, schema.id.length + 1), `${schema.id}:`)) {
      uri = schema.id;
      rest = key.slice(schema.id.length + 1);
      break;
    }
  }
  if (uri === undefined && rest.includes(':')) {
    // A custom extension by its URN, unless the part before the last colon is one already
    // ("urn:…:2.0:User:User" is the attribute "User"). Any other unknown URN names nothing.
    const colon = key.lastIndexOf(':');
    if (isCustomExtensionUrn(type, key) && !isCustomExtensionUrn(type, key.slice(0, colon))) {
      return { kind: 'schema', schema: customSchema(key), extension: true, custom: true };
    }
    uri = key.slice(0, colon);
    rest = key.slice(colon + 1);
    if (!isCustomExtensionUrn(type, uri)) return undefined;
  }
  const dot = rest.indexOf('.');
  const path: AttrPath =
    dot < 0 ? { attr: rest } : { attr: rest.slice(0, dot), sub: rest.slice(dot + 1) };
  if (uri !== undefined) path.uri = uri;
  const resolved = resolveAttribute(type, path);
  return resolved ? { kind: 'attr', resolved } : undefined;
}

/**
 * A schema as served by /Schemas: without attributes returned "never". The Microsoft SCIM Validator
 * reports an advertised write-only attribute (password) as "Missing" on read-back (idp-requests §1.10,
 * §6 rule 15), and we never store it anyway.
 */
export function publishedSchema(schema: SchemaDef): SchemaDef {
  const keep = (list: readonly AttributeDef[]): AttributeDef[] =>
    list
      .filter((a) => a.returned !== 'never')
      .map((a) => (a.subAttributes ? { ...a, subAttributes: keep(a.subAttributes) } : { ...a }));
  return { ...schema, attributes: keep(schema.attributes) };
}
