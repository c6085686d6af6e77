// Hand-written schemas for the filter tests: small, and independent of the production schema data.
import type { AttrPath } from '../../../src/scim/filter/ast.ts';
import type { Resolve } from '../../../src/scim/filter/validate.ts';
import type { AttrType, AttributeDef, SchemaDef } from '../../../src/scim/schemas/types.ts';

export const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
export const CORE_GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function def(name: string, type: AttrType, more: Partial<AttributeDef> = {}): AttributeDef {
  return {
    name,
    type,
    multiValued: false,
    description: name,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...more,
  };
}

const plural = (name: string, extra: AttributeDef[] = []) =>
  def(name, 'complex', {
    multiValued: true,
    subAttributes: [def('value', 'string'), def('type', 'string'), def('primary', 'boolean'), def('display', 'string'), ...extra],
  });

const COMMON: AttributeDef[] = [
  def('id', 'string', { caseExact: true }),
  def('externalId', 'string', { caseExact: true }),
  def('meta', 'complex', {
    subAttributes: [def('created', 'dateTime'), def('lastModified', 'dateTime'), def('location', 'reference', { caseExact: true })],
  }),
];

export const USER: SchemaDef = {
  id: CORE_USER,
  name: 'User',
  description: 'User',
  attributes: [
    def('userName', 'string'),
    def('name', 'complex', { subAttributes: [def('givenName', 'string'), def('familyName', 'string')] }),
    def('displayName', 'string'),
    def('title', 'string'),
    def('active', 'boolean'),
    def('loginCount', 'integer'),
    def('score', 'decimal'),
    def('password', 'string', { returned: 'never', mutability: 'writeOnly' }),
    def('tags', 'string', { multiValued: true }),
    def('certificate', 'binary', { caseExact: true }),
    plural('emails'),
    plural('phoneNumbers'),
    def('groups', 'complex', { multiValued: true, subAttributes: [def('value', 'string', { caseExact: true }), def('display', 'string')] }),
  ],
};

export const ENTERPRISE_USER: SchemaDef = {
  id: ENTERPRISE,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    def('employeeNumber', 'string'),
    def('costCenter', 'string', { caseExact: true }),
    def('manager', 'complex', { subAttributes: [def('value', 'string', { caseExact: true }), def('displayName', 'string')] }),
  ],
};

export const GROUP: SchemaDef = {
  id: CORE_GROUP,
  name: 'Group',
  description: 'Group',
  attributes: [
    def('displayName', 'string'),
    def('members', 'complex', {
      multiValued: true,
      subAttributes: [def('value', 'string', { caseExact: true }), def('display', 'string'), def('type', 'string')],
    }),
  ],
};

const find = (defs: readonly AttributeDef[] | undefined, name: string) =>
  defs?.find((d) => d.name.toLowerCase() === name.toLowerCase());

/** Resolves against a core schema (plus the common attributes) and its extensions, ignoring case. */
export function resolver(core: SchemaDef, extensions: SchemaDef[] = []): Resolve {
  return (path: AttrPath) => {
    let schema = core;
    let extension = false;
    if (path.uri !== undefined) {
      const uri = path.uri.toLowerCase();
      const ext = extensions.find((s) => s.id.toLowerCase() === uri);
      if (ext) [schema, extension] = [ext, true];
      else if (core.id.toLowerCase() !== uri) return undefined;
    }
    const attr = find(schema.attributes, path.attr) ?? (extension ? undefined : find(COMMON, path.attr));
    if (!attr) return undefined;
    if (path.sub === undefined) return { schema, extension, attr };
    const sub = find(attr.subAttributes, path.sub);
    return sub ? { schema, extension, attr, sub } : undefined;
  };
}

export const resolveUser = resolver(USER, [ENTERPRISE_USER]);
export const resolveGroup = resolver(GROUP);
