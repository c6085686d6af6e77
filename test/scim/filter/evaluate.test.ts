import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Filter } from '../../../src/scim/filter/ast.ts';
import { compareCodePoints, matches, matchesElement } from '../../../src/scim/filter/evaluate.ts';
import { parseFilter } from '../../../src/scim/filter/parser.ts';
import { unknownAttribute, validateFilter, validateValueFilter } from '../../../src/scim/filter/validate.ts';
import { foldString } from '../../../src/scim/fold.ts';
import { ENTERPRISE, resolveGroup, resolveUser } from './fixtures.ts';

function parse(text: string): Filter {
  const r = parseFilter(text);
  if (!r.ok) throw new Error(r.error.detail);
  return r.value;
}

const bjensen: Record<string, unknown> = {
  id: '2819c223-7f76-453a-919d-413861904646',
  externalId: 'BJensen-Ext',
  userName: 'BJensen',
  name: { givenName: 'Barbara', familyName: 'DUPRÉ' },
  title: 'Tour Guide',
  active: true,
  loginCount: 12,
  score: 4.5,
  tags: ['blue', 'Green'],
  emails: [
    { value: 'bjensen@Example.com', type: 'work', primary: true },
    { value: 'babs@jensen.org', type: 'home' },
  ],
  meta: { created: '2024-03-01T10:00:00.000Z', lastModified: '2024-06-01T12:30:00.000Z' },
  [ENTERPRISE]: { employeeNumber: '701984', costCenter: 'CC-1', manager: { value: 'mgr-1', displayName: 'Jim' } },
};

// A sparse user: most attributes missing, some null or empty.
const sparse: Record<string, unknown> = {
  id: 'sparse-1',
  userName: 'sparse',
  title: '',
  active: false,
  externalId: null,
  emails: [],
  meta: { created: '2023-12-31T23:59:59.999Z', lastModified: '2023-12-31T23:59:59.999Z' },
};

const cases: { filter: string; bjensen: boolean; sparse: boolean }[] = [
  { filter: 'userName eq "bjensen"', bjensen: true, sparse: false },
  { filter: 'USERNAME EQ "BJENSEN"', bjensen: true, sparse: false },
  { filter: 'externalId eq "bjensen-ext"', bjensen: false, sparse: false },
  { filter: 'externalId eq "BJensen-Ext"', bjensen: true, sparse: false },
  { filter: 'name.familyName eq "dupré"', bjensen: true, sparse: false },
  { filter: 'name.familyName eq "DUPRE\u0301"', bjensen: true, sparse: false },
  { filter: 'name.givenName sw "bar" and name.givenName ew "RA"', bjensen: true, sparse: false },
  { filter: 'title co "our g"', bjensen: true, sparse: false },
  { filter: 'title pr', bjensen: true, sparse: false },
  { filter: 'title eq null', bjensen: false, sparse: true },
  { filter: 'title ne null', bjensen: true, sparse: false },
  { filter: 'externalId pr', bjensen: true, sparse: false },
  { filter: 'externalId ne "x"', bjensen: true, sparse: true },
  { filter: 'not (externalId eq "x")', bjensen: true, sparse: true },
  { filter: 'name.givenName ne "Barbara"', bjensen: false, sparse: true },
  { filter: 'name pr', bjensen: true, sparse: false },
  { filter: 'active eq true', bjensen: true, sparse: false },
  { filter: 'active eq "True"', bjensen: true, sparse: false },
  { filter: 'active eq false', bjensen: false, sparse: true },
  { filter: 'active ne true', bjensen: false, sparse: true },
  { filter: 'loginCount gt 11', bjensen: true, sparse: false },
  { filter: 'loginCount ge 12 and loginCount le 12', bjensen: true, sparse: false },
  { filter: 'loginCount lt 12', bjensen: false, sparse: false },
  { filter: 'score gt 4.25', bjensen: true, sparse: false },
  { filter: 'loginCount eq "12"', bjensen: true, sparse: false },
  { filter: 'meta.created gt "2024-01-01T00:00:00Z"', bjensen: true, sparse: false },
  { filter: 'meta.created lt "2024-01-01"', bjensen: false, sparse: true },
  { filter: 'meta.created eq "2024-03-01T11:00:00+01:00"', bjensen: true, sparse: false },
  { filter: 'meta.lastModified ge "2024-06-01T12:30:00Z"', bjensen: true, sparse: false },
  { filter: 'userName gt "a"', bjensen: true, sparse: true },
  { filter: 'userName lt "c"', bjensen: true, sparse: false },
  { filter: 'emails co "example.COM"', bjensen: true, sparse: false },
  { filter: 'emails.value ew ".org"', bjensen: true, sparse: false },
  { filter: 'emails[type eq "work" and value co "@example.com"]', bjensen: true, sparse: false },
  { filter: 'emails[type eq "home" and primary eq true]', bjensen: false, sparse: false },
  { filter: 'emails[type eq "home" and not (primary eq true)]', bjensen: true, sparse: false },
  { filter: 'emails[type ne "work"]', bjensen: true, sparse: false },
  { filter: 'emails.type ne "work"', bjensen: false, sparse: true },
  { filter: 'emails pr', bjensen: true, sparse: false },
  { filter: 'emails eq null', bjensen: false, sparse: true },
  { filter: 'emails.primary eq true', bjensen: true, sparse: false },
  { filter: 'tags eq "green"', bjensen: true, sparse: false },
  { filter: 'tags pr', bjensen: true, sparse: false },
  { filter: `${ENTERPRISE}:employeeNumber eq "701984"`, bjensen: true, sparse: false },
  { filter: `${ENTERPRISE.toLowerCase()}:EMPLOYEENUMBER eq "701984"`, bjensen: true, sparse: false },
  { filter: `${ENTERPRISE}:manager.value eq "mgr-1"`, bjensen: true, sparse: false },
  { filter: `${ENTERPRISE}:manager.value eq "MGR-1"`, bjensen: false, sparse: false },
  { filter: `${ENTERPRISE}:costCenter sw "cc"`, bjensen: false, sparse: false },
  { filter: `${ENTERPRISE}:manager[value eq "mgr-1" and displayName eq "jim"]`, bjensen: true, sparse: false },
  { filter: 'urn:ietf:params:scim:schemas:core:2.0:User:userName eq "sparse"', bjensen: false, sparse: true },
  { filter: 'userName eq "x" or not (title pr)', bjensen: false, sparse: true },
  { filter: 'id eq "sparse-1"', bjensen: false, sparse: true },
];

describe('matches', () => {
  for (const c of cases) {
    it(`evaluates ${c.filter} as ${c.bjensen} for a full user and ${c.sparse} for a sparse one`, () => {
      const f = parse(c.filter);
      assert.ok(validateFilter(f, resolveUser).ok, 'the filter must validate');
      assert.equal(matches(f, bjensen, resolveUser), c.bjensen, 'full user');
      assert.equal(matches(f, sparse, resolveUser), c.sparse, 'sparse user');
    });
  }

  it('finds attributes whatever the case of the keys in the resource', () => {
    const shouting = { USERNAME: 'Bob', EMAILS: [{ VALUE: 'bob@x.com', TYPE: 'work' }] };
    assert.equal(matches(parse('userName eq "bob" and emails[type eq "WORK"]'), shouting, resolveUser), true);
  });

  it('never reads inherited properties of the resource', () => {
    const resource = Object.create({ userName: 'inherited' }) as Record<string, unknown>;
    assert.equal(matches(parse('userName pr'), resource, resolveUser), false);
  });

  it('matches group members by value', () => {
    const group = { displayName: 'Admins', members: [{ value: 'u1' }, { value: 'u2', display: 'Two' }] };
    assert.equal(matches(parse('members[value eq "u2"]'), group, resolveGroup), true);
    assert.equal(matches(parse('members.value eq "u3"'), group, resolveGroup), false);
    assert.equal(matches(parse('displayName eq "ADMINS"'), group, resolveGroup), true);
  });

  it('matches one element against a PATCH value filter', () => {
    const f = parse('type eq "work" and primary eq true');
    assert.ok(validateValueFilter({ attr: 'emails' }, f, resolveUser).ok);
    assert.equal(matchesElement(f, { value: 'a@x', type: 'Work', primary: true }, { attr: 'emails' }, resolveUser), true);
    assert.equal(matchesElement(f, { value: 'a@x', type: 'home', primary: true }, { attr: 'emails' }, resolveUser), false);
  });

  it('orders text by code point as the databases do, not by UTF-16 unit', () => {
    assert.equal(compareCodePoints('\u{1F600}', '\uFFFD'), 1);
    assert.equal('\u{1F600}' < '\uFFFD', true);
    assert.equal(compareCodePoints('ab', 'abc'), -1);
    assert.equal(compareCodePoints('abc', 'abc'), 0);
  });

  it('folds with NFC before lower-casing', () => {
    assert.equal(foldString('DUPRE\u0301'), 'dupr\u00e9');
    assert.equal(foldString('ÄÖÜ'), 'äöü');
  });
});

const rejected: { filter: string; says: string }[] = [
  { filter: 'nickName eq "x"', says: 'Unknown attribute "nickName"' },
  { filter: 'name.middle eq "x"', says: 'Unknown attribute "name.middle"' },
  { filter: 'urn:example:unknown:schema:userName eq "x"', says: 'Unknown attribute' },
  { filter: 'emails[kind eq "work"]', says: 'Unknown attribute "emails.kind"' },
  { filter: 'emails[type.x eq "work"]', says: 'name a sub-attribute of emails' },
  { filter: 'userName[value eq "x"]', says: 'needs a complex attribute' },
  { filter: 'password eq "secret"', says: 'never returned' },
  { filter: 'active gt true', says: '"gt" is not defined on boolean' },
  { filter: 'active co "t"', says: '"co" applies to text' },
  { filter: 'active eq "yes"', says: 'expected true or false' },
  { filter: 'active eq 1', says: 'expected true or false' },
  { filter: 'loginCount eq "many"', says: 'expected a number' },
  { filter: 'loginCount sw 1', says: '"sw" applies to text' },
  { filter: 'certificate gt "AAA"', says: '"gt" is not defined on binary' },
  { filter: 'meta.created gt "yesterday"', says: 'expected a date' },
  { filter: 'meta.created co "2024"', says: '"co" applies to text' },
  { filter: 'name eq "Barbara"', says: 'is complex' },
  { filter: 'name gt "a"', says: 'is complex' },
  { filter: 'title gt null', says: 'use "pr" or "eq null"' },
  { filter: 'title eq true', says: 'expected a quoted string' },
];

describe('validateFilter', () => {
  for (const { filter, says } of rejected) {
    it(`rejects ${filter} as invalidFilter saying ${JSON.stringify(says)}`, () => {
      const r = validateFilter(parse(filter), resolveUser);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.error.status, 400);
      assert.equal(r.error.scimType, 'invalidFilter');
      assert.ok(r.error.detail.includes(says), `${r.error.detail} should say ${says}`);
    });
  }

  it('coerces "True" to true, digits to text and dateTimes to ISO form', () => {
    const r = validateFilter(parse('active eq "True" and externalId eq 12345 and meta.created gt "2024-03-01T11:00:00+01:00"'), resolveUser);
    assert.ok(r.ok);
    assert.deepEqual(r.value, parse('active eq true and externalId eq "12345" and meta.created gt "2024-03-01T10:00:00.000Z"'));
  });

  it('rejects a value filter nested in a hand-built AST', () => {
    const inner: Filter = { kind: 'valuePath', path: { attr: 'emails' }, filter: parse('type pr') };
    const r = validateFilter({ kind: 'valuePath', path: { attr: 'emails' }, filter: inner }, resolveUser);
    assert.equal(r.ok, false);
  });
});

// POST /.search at the root searches the types that have every attribute a filter names.
const names: { filter: string; user?: string; group?: string }[] = [
  { filter: 'externalId eq "x" and meta.created gt "2024-01-01"' },
  { filter: 'userName eq "x"', group: 'userName' },
  { filter: 'members[value eq "x"]', user: 'members' },
  { filter: 'emails[type eq "work"].value eq "x"', group: 'emails' },
  { filter: 'emails[kind eq "work"]', user: 'emails.kind', group: 'emails' },
  { filter: 'userName eq "x" or members pr', user: 'members', group: 'userName' },
  { filter: 'not (name.nosuch pr)', user: 'name.nosuch', group: 'name.nosuch' },
  { filter: `${ENTERPRISE}:employeeNumber eq "x"`, group: `${ENTERPRISE}:employeeNumber` },
  // Misuse of a known attribute is validateFilter's to report, not an unknown name.
  { filter: 'active gt true', group: 'active' },
  { filter: 'emails[type.x eq "work"]', group: 'emails' },
];

describe('unknownAttribute', () => {
  for (const { filter, user, group } of names) {
    it(`finds ${user ?? 'nothing'} unknown to User and ${group ?? 'nothing'} unknown to Group in ${filter}`, () => {
      const show = (p: ReturnType<typeof unknownAttribute>) =>
        p && `${p.uri !== undefined ? `${p.uri}:` : ''}${p.attr}${p.sub !== undefined ? `.${p.sub}` : ''}`;
      assert.equal(show(unknownAttribute(parse(filter), resolveUser)), user);
      assert.equal(show(unknownAttribute(parse(filter), resolveGroup)), group);
    });
  }
});
