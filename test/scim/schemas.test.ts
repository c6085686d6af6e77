import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttrPath } from '../../src/scim/filter/ast.ts';
import {
  COMMON_ATTRIBUTES,
  ENTERPRISE_USER_URN,
  GROUP_URN,
  MS_ADSCIM_GROUP_URN,
  RESOURCE_TYPES,
  SCHEMAS,
  USER_URN,
  publishedSchema,
  resolveAttribute,
  resolveKey,
} from '../../src/scim/schemas/index.ts';
import type { AttributeDef, ResolvedAttr } from '../../src/scim/schemas/types.ts';

const TYPES = ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'binary', 'reference', 'complex'];
const MUTABILITY = ['readOnly', 'readWrite', 'immutable', 'writeOnly'];
const RETURNED = ['always', 'never', 'default', 'request'];
const UNIQUENESS = ['none', 'server', 'global'];

function* everyAttribute(list: readonly AttributeDef[], prefix = ''): Generator<[string, AttributeDef]> {
  for (const a of list) {
    yield [`${prefix}${a.name}`, a];
    if (a.subAttributes) yield* everyAttribute(a.subAttributes, `${prefix}${a.name}.`);
  }
}

const all = [
  ...SCHEMAS.flatMap((s) => [...everyAttribute(s.attributes, `${s.name}:`)]),
  ...everyAttribute(COMMON_ATTRIBUTES, 'common:'),
];

describe('schema data', () => {
  it('gives every attribute every RFC 7643 §7 characteristic with a legal value', () => {
    assert.ok(all.length > 80, `only ${all.length} attributes`);
    for (const [name, a] of all) {
      assert.ok(/^\$?[A-Za-z][A-Za-z0-9_-]*$/.test(a.name), name);
      assert.ok(TYPES.includes(a.type), `${name} type`);
      assert.equal(typeof a.multiValued, 'boolean', `${name} multiValued`);
      assert.ok(typeof a.description === 'string' && a.description.length > 5, `${name} description`);
      assert.equal(typeof a.required, 'boolean', `${name} required`);
      assert.equal(typeof a.caseExact, 'boolean', `${name} caseExact`);
      assert.ok(MUTABILITY.includes(a.mutability), `${name} mutability`);
      assert.ok(RETURNED.includes(a.returned), `${name} returned`);
      assert.ok(UNIQUENESS.includes(a.uniqueness), `${name} uniqueness`);
      if (a.canonicalValues) assert.ok(a.canonicalValues.every((v) => typeof v === 'string'), `${name} canonicalValues`);
      if (a.type === 'reference') assert.ok((a.referenceTypes ?? []).length > 0, `${name} referenceTypes`);
      else assert.equal(a.referenceTypes, undefined, `${name} has referenceTypes but is ${a.type}`);
      if (a.type === 'complex') assert.ok((a.subAttributes ?? []).length > 0, `${name} subAttributes`);
      else assert.equal(a.subAttributes, undefined, `${name} has subAttributes but is ${a.type}`);
    }
  });

  it('never nests complex attributes (RFC 7643 §2.3.8)', () => {
    for (const [name, a] of all) {
      for (const sub of a.subAttributes ?? []) assert.notEqual(sub.type, 'complex', `${name}.${sub.name}`);
    }
  });

  const find = (path: string) => all.find(([n]) => n === path)?.[1];
  const rows: Array<[string, Partial<AttributeDef>]> = [
    ['User:userName', { required: true, uniqueness: 'server', caseExact: false, returned: 'default' }],
    ['common:id', { mutability: 'readOnly', returned: 'always', caseExact: true }],
    ['common:externalId', { caseExact: true, uniqueness: 'none', mutability: 'readWrite' }],
    ['common:schemas', { returned: 'always', multiValued: true }],
    ['common:meta.lastModified', { type: 'dateTime', mutability: 'readOnly' }],
    ['User:password', { mutability: 'writeOnly', returned: 'never' }],
    ['User:active', { type: 'boolean' }],
    ['User:groups', { mutability: 'readOnly', multiValued: true }],
    // An id, matched case-sensitively as the SQL does (property-test counterexample: the evaluator folded it).
    ['User:groups.value', { mutability: 'readOnly', caseExact: true }],
    ['User:emails', { multiValued: true, type: 'complex' }],
    ['User:emails.primary', { type: 'boolean' }],
    ['User:emails.type', { canonicalValues: ['work', 'home', 'other'] }],
    ['User:addresses.primary', { type: 'boolean' }],
    ['User:x509Certificates.value', { type: 'binary' }],
    ['User:profileUrl', { type: 'reference', referenceTypes: ['external'] }],
    ['Group:displayName', { required: true }],
    ['Group:members', { multiValued: true, type: 'complex' }],
    ['Group:members.value', { mutability: 'immutable', caseExact: true }],
    ['Group:members.$ref', { referenceTypes: ['User', 'Group'], mutability: 'immutable' }],
    ['Group:members.type', { canonicalValues: ['User', 'Group'] }],
    ['EnterpriseUser:manager', { type: 'complex', multiValued: false }],
    ['EnterpriseUser:manager.displayName', { mutability: 'readOnly' }],
    ['EnterpriseUser:manager.$ref', { referenceTypes: ['User'] }],
    ['EnterpriseUser:employeeNumber', { type: 'string', caseExact: false }],
  ];
  for (const [path, expected] of rows) {
    it(`defines ${path} as ${JSON.stringify(expected)}`, () => {
      const a = find(path);
      assert.ok(a, `${path} is not defined`);
      for (const [k, v] of Object.entries(expected)) assert.deepEqual(a[k as keyof AttributeDef], v, `${path}.${k}`);
    });
  }

  it('publishes no password, because the MS validator reports write-only attributes as missing', () => {
    const user = publishedSchema(SCHEMAS[0]!);
    assert.equal(user.attributes.find((a) => a.name === 'password'), undefined);
    assert.ok(user.attributes.find((a) => a.name === 'userName'));
    assert.ok(SCHEMAS[0]!.attributes.find((a) => a.name === 'password'), 'the data keeps it for parsing');
  });

  it('declares the enterprise extension optional on User and no extension on Group', () => {
    const user = RESOURCE_TYPES.find((r) => r.id === 'User');
    const group = RESOURCE_TYPES.find((r) => r.id === 'Group');
    assert.deepEqual(user?.schemaExtensions, [{ schema: ENTERPRISE_USER_URN, required: false }]);
    assert.equal(user?.schema, USER_URN);
    assert.equal(group?.schema, GROUP_URN);
    assert.deepEqual(group?.schemaExtensions, []);
    assert.ok(!SCHEMAS.some((s) => s.id === MS_ADSCIM_GROUP_URN), 'the Microsoft group URN is accepted, never published');
  });
});

const show = (r: ResolvedAttr | undefined) =>
  r && `${r.schema.name}${r.extension ? '(ext)' : ''}:${r.attr.name}${r.sub ? `.${r.sub.name}` : ''}`;

describe('resolveAttribute', () => {
  const ENT = 'URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:ENTERPRISE:2.0:USER';
  const rows: Array<[string, 'User' | 'Group', AttrPath, string | undefined]> = [
    ['finds userName whatever its case', 'User', { attr: 'USERNAME' }, 'User:userName'],
    ['finds a sub-attribute whatever its case', 'User', { attr: 'Name', sub: 'GIVENNAME' }, 'User:name.givenName'],
    ['finds an unqualified extension attribute after the core', 'User', { attr: 'employeeNumber' }, 'EnterpriseUser(ext):employeeNumber'],
    ['finds a URN-qualified extension sub-attribute with the URN in any case', 'User', { uri: ENT, attr: 'manager', sub: 'value' }, 'EnterpriseUser(ext):manager.value'],
    ['finds a core-URN-qualified attribute', 'User', { uri: USER_URN, attr: 'userName' }, 'User:userName'],
    ['does not find an extension attribute under the core URN', 'User', { uri: USER_URN, attr: 'employeeNumber' }, undefined],
    ['finds meta.lastModified as a common attribute', 'User', { attr: 'meta', sub: 'lastModified' }, 'User:meta.lastModified'],
    ['finds meta.created on groups too', 'Group', { attr: 'META', sub: 'created' }, 'Group:meta.created'],
    ['finds id', 'User', { attr: 'id' }, 'User:id'],
    ['finds externalId', 'Group', { attr: 'externalId' }, 'Group:externalId'],
    ['finds schemas', 'User', { attr: 'schemas' }, 'User:schemas'],
    ['finds emails.value', 'User', { attr: 'emails', sub: 'value' }, 'User:emails.value'],
    ['finds group members.value', 'Group', { attr: 'members', sub: 'value' }, 'Group:members.value'],
    ['finds no members on a user', 'User', { attr: 'members' }, undefined],
    ['finds no enterprise attribute on a group', 'Group', { attr: 'employeeNumber' }, undefined],
    ['finds no unknown sub-attribute', 'User', { attr: 'emails', sub: 'nope' }, undefined],
    ['finds no sub-attribute of a simple attribute', 'User', { attr: 'userName', sub: 'x' }, undefined],
    ['finds nothing under an unknown URN', 'User', { uri: 'urn:example:custom', attr: 'userName' }, undefined],
  ];
  for (const [name, type, path, expected] of rows) {
    it(name, () => assert.equal(show(resolveAttribute(type, path)), expected));
  }
});

describe('resolveKey', () => {
  const rows: Array<[string, string, string | undefined]> = [
    ['a dotted key', 'name.givenName', 'User:name.givenName'],
    ['a URN-qualified key', `${ENTERPRISE_USER_URN}:employeeNumber`, 'EnterpriseUser(ext):employeeNumber'],
    ['a URN-qualified dotted key', `${ENTERPRISE_USER_URN}:manager.value`, 'EnterpriseUser(ext):manager.value'],
    ['a core URN-qualified key', `${USER_URN}:userName`, 'User:userName'],
    ['a custom extension key to a custom string attribute', 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:tag', '(ext):tag'],
    ['an unknown URN that is no extension of a User to nothing', 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:Group:tag', undefined],
    ['an unknown core URN to nothing', 'urn:scim:schemas:core:1.0:User:userName', undefined],
  ];
  for (const [name, key, expected] of rows) {
    it(`resolves ${name}`, () => {
      const ref = resolveKey('User', key);
      assert.equal(ref?.kind === 'attr' ? show(ref.resolved) : ref, expected);
    });
  }

  it('recognises a bare extension URN as the whole extension', () => {
    const ref = resolveKey('User', ENTERPRISE_USER_URN.toLowerCase());
    assert.equal(ref?.kind, 'schema');
    assert.equal(ref?.kind === 'schema' && ref.extension, true);
  });
});
