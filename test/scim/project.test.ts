import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAttributeList, project, wantsAttribute, type ProjectionParams } from '../../src/scim/project.ts';
import { ENTERPRISE_USER_URN as ENT, GROUP_URN, USER_URN } from '../../src/scim/schemas/urns.ts';

const meta = {
  resourceType: 'User',
  created: '2024-01-31T09:00:00Z',
  lastModified: '2024-02-01T09:00:00Z',
  location: 'https://roster.example/scim/v2/Users/2819c223',
  version: 'W/"3"',
};
const user: Record<string, unknown> = {
  schemas: [USER_URN, ENT],
  id: '2819c223',
  externalId: 'bjensen-ext',
  meta,
  userName: 'bjensen',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  active: true,
  emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
  groups: [{ value: 'g1', display: 'Tour Guides', type: 'direct' }],
  [ENT]: { employeeNumber: '701984', manager: { value: 'm1', displayName: 'Boss' } },
  // Never stored; here to prove it could not leak even if it were.
  password: 't1meMa$heen',
};
const { password: _never, ...everything } = user;
const base = { schemas: [USER_URN, ENT], id: '2819c223' };

const rows: Array<[string, ProjectionParams, Record<string, unknown>]> = [
  ['returns every attribute but the password when nothing is asked', {}, everything],
  ['returns only id and schemas beside a requested userName (RFC 7643 §7 returned "always")', { attributes: ['userName'] }, { ...base, userName: 'bjensen' }],
  ['matches requested names whatever their case', { attributes: ['USERNAME'] }, { ...base, userName: 'bjensen' }],
  ['returns one sub-attribute of a complex attribute', { attributes: ['name.givenName'] }, { ...base, name: { givenName: 'Barbara' } }],
  ['returns one sub-attribute of each element', { attributes: ['emails.value'] }, { ...base, emails: [{ value: 'bjensen@example.com' }] }],
  ['returns a URN-qualified extension attribute', { attributes: [`${ENT}:employeeNumber`] }, { ...base, [ENT]: { employeeNumber: '701984' } }],
  ['returns an unqualified extension attribute', { attributes: ['employeeNumber'] }, { ...base, [ENT]: { employeeNumber: '701984' } }],
  ['returns a whole extension named by its URN', { attributes: [ENT.toLowerCase()] }, { ...base, [ENT]: user[ENT] as Record<string, unknown> }],
  ['returns the manager id alone', { attributes: [`${ENT}:manager.value`] }, { ...base, [ENT]: { manager: { value: 'm1' } } }],
  ['returns meta.lastModified alone', { attributes: ['meta.lastModified'] }, { ...base, meta: { lastModified: meta.lastModified } }],
  ['never returns the password, even when asked', { attributes: ['password'] }, base],
  ['ignores unknown names', { attributes: ['favouriteColour'] }, base],
  ['reads a value-filtered name as the attribute it filters (Microsoft\'s test collection)', { attributes: ['emails[type eq "work"]'] }, { ...base, emails: user.emails as unknown[] }],
  ['leaves out excluded attributes', { excludedAttributes: ['emails', 'groups'] }, (({ emails: _e, groups: _g, ...rest }) => rest)(everything)],
  ['cannot exclude id or schemas', { excludedAttributes: ['id', 'schemas'] }, everything],
  ['leaves out an excluded sub-attribute', { excludedAttributes: ['name.familyName'] }, { ...everything, name: { givenName: 'Barbara' } }],
  ['leaves out an excluded extension', { excludedAttributes: [ENT] }, (({ [ENT]: _x, ...rest }) => rest)(everything)],
  ['drops an extension object left empty', { excludedAttributes: ['employeeNumber', 'manager'] }, (({ [ENT]: _x, ...rest }) => rest)(everything)],
  ['lets attributes win when a client sends both (RFC 7644 §3.9 makes them exclusive)', { attributes: ['userName'], excludedAttributes: ['userName'] }, { ...base, userName: 'bjensen' }],
  ['treats empty lists as no parameter', { attributes: [], excludedAttributes: [''] }, everything],
];

describe('project for users', () => {
  for (const [name, params, expected] of rows) it(name, () => assert.deepEqual(project('User', user, params), expected));

  it('does not modify the resource it projects, nor share objects with it', () => {
    const before = structuredClone(user);
    const out = project('User', user, {});
    (out.name as Record<string, unknown>).givenName = 'changed';
    assert.deepEqual(user, before);
  });
});

const group = {
  schemas: [GROUP_URN],
  id: 'e9e30dba',
  displayName: 'Tour Guides',
  members: [{ value: '2819c223', display: 'Babs Jensen', type: 'User' }],
  meta: { resourceType: 'Group' },
};

describe('project for groups', () => {
  it('leaves out members for Entra\'s excludedAttributes=members', () => {
    const { members: _m, ...rest } = group;
    assert.deepEqual(project('Group', group, { excludedAttributes: ['members'] }), rest);
  });
  it('returns only the displayName, id and schemas when asked for the displayName', () => {
    assert.deepEqual(project('Group', group, { attributes: ['displayName'] }), { schemas: [GROUP_URN], id: 'e9e30dba', displayName: 'Tour Guides' });
  });
  it('returns member ids alone for members.value', () => {
    assert.deepEqual(project('Group', group, { attributes: ['members.value'] }), { schemas: [GROUP_URN], id: 'e9e30dba', members: [{ value: '2819c223' }] });
  });
});

describe('wantsAttribute', () => {
  const rows: Array<[string, 'User' | 'Group', ProjectionParams, string, boolean]> = [
    ['reads members by default', 'Group', {}, 'members', true],
    ['skips members for excludedAttributes=members', 'Group', { excludedAttributes: ['members'] }, 'members', false],
    ['skips members excluded in another case', 'Group', { excludedAttributes: ['MEMBERS'] }, 'members', false],
    ['reads members when only a sub-attribute is excluded', 'Group', { excludedAttributes: ['members.display'] }, 'members', true],
    ['skips members when other attributes are asked for', 'Group', { attributes: ['displayName'] }, 'members', false],
    ['reads members when a sub-attribute is asked for', 'Group', { attributes: ['members.value'] }, 'members', true],
    ['reads groups by default', 'User', {}, 'groups', true],
    ['skips groups when only userName is asked for', 'User', { attributes: ['userName'] }, 'groups', false],
    ['skips excluded groups', 'User', { excludedAttributes: ['groups'] }, 'groups', false],
    ['never wants the password', 'User', {}, 'password', false],
    ['always wants the id', 'User', { attributes: ['userName'] }, 'id', true],
  ];
  for (const [name, type, params, attribute, expected] of rows) {
    it(name, () => assert.equal(wantsAttribute(type, params, attribute), expected));
  }
});

describe('parseAttributeList', () => {
  const rows: Array<[string | undefined, string[]]> = [
    [undefined, []],
    ['', []],
    ['userName, name.givenName ,emails', ['userName', 'name.givenName', 'emails']],
    [',,members,', ['members']],
    [`${ENT}:manager`, [`${ENT}:manager`]],
  ];
  for (const [text, expected] of rows) {
    it(`splits ${JSON.stringify(text)} into ${JSON.stringify(expected)}`, () => assert.deepEqual(parseAttributeList(text), expected));
  }
});
