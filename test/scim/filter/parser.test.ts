import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Filter, Literal, PatchPath } from '../../../src/scim/filter/ast.ts';
import { parseFilter, parsePath } from '../../../src/scim/filter/parser.ts';
import { SCIM_LIMITS } from '../../../src/scim/limits.ts';

const MAX_FILTER_LENGTH = SCIM_LIMITS.filterLength;

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const eq = (attr: string, value: Literal): Filter => ({ kind: 'compare', path: { attr }, op: 'eq', value });

// RFC 7644 §3.4.2.2 examples and the shapes IdPs send, with the AST each must produce.
const valid: { filter: string; ast: Filter }[] = [
  { filter: 'userName eq "bjensen"', ast: eq('userName', 'bjensen') },
  { filter: 'name.familyName co "O\'Malley"', ast: { kind: 'compare', path: { attr: 'name', sub: 'familyName' }, op: 'co', value: "O'Malley" } },
  { filter: 'userName sw "J"', ast: { kind: 'compare', path: { attr: 'userName' }, op: 'sw', value: 'J' } },
  {
    filter: 'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"',
    ast: { kind: 'compare', path: { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', attr: 'userName' }, op: 'sw', value: 'J' },
  },
  { filter: 'title pr', ast: { kind: 'present', path: { attr: 'title' } } },
  { filter: 'meta.lastModified gt "2011-05-13T04:42:34Z"', ast: { kind: 'compare', path: { attr: 'meta', sub: 'lastModified' }, op: 'gt', value: '2011-05-13T04:42:34Z' } },
  { filter: 'title pr and userType eq "Employee"', ast: { kind: 'and', left: { kind: 'present', path: { attr: 'title' } }, right: eq('userType', 'Employee') } },
  {
    filter: 'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
    ast: {
      kind: 'and',
      left: eq('userType', 'Employee'),
      right: {
        kind: 'or',
        left: { kind: 'compare', path: { attr: 'emails' }, op: 'co', value: 'example.com' },
        right: { kind: 'compare', path: { attr: 'emails', sub: 'value' }, op: 'co', value: 'example.org' },
      },
    },
  },
  {
    filter: 'userType ne "Employee" and not (emails co "example.com")',
    ast: {
      kind: 'and',
      left: { kind: 'compare', path: { attr: 'userType' }, op: 'ne', value: 'Employee' },
      right: { kind: 'not', filter: { kind: 'compare', path: { attr: 'emails' }, op: 'co', value: 'example.com' } },
    },
  },
  {
    filter: 'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp"]',
    ast: {
      kind: 'or',
      left: {
        kind: 'valuePath',
        path: { attr: 'emails' },
        filter: { kind: 'and', left: eq('type', 'work'), right: { kind: 'compare', path: { attr: 'value' }, op: 'co', value: '@example.com' } },
      },
      right: { kind: 'valuePath', path: { attr: 'ims' }, filter: eq('type', 'xmpp') },
    },
  },
  {
    filter: `${ENT}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`,
    ast: { kind: 'compare', path: { uri: ENT, attr: 'manager', sub: 'value' }, op: 'eq', value: '26118915-6090-4610-87e4-49d8ca9f808d' },
  },
  { filter: `${ENT}:employeeNumber eq "701984"`, ast: { kind: 'compare', path: { uri: ENT, attr: 'employeeNumber' }, op: 'eq', value: '701984' } },
  // and binds tighter than or
  { filter: 'a eq 1 or b eq 2 and c eq 3', ast: { kind: 'or', left: eq('a', 1), right: { kind: 'and', left: eq('b', 2), right: eq('c', 3) } } },
  { filter: 'a eq 1 and b eq 2 or c eq 3', ast: { kind: 'or', left: { kind: 'and', left: eq('a', 1), right: eq('b', 2) }, right: eq('c', 3) } },
  { filter: '(a eq 1 or b eq 2) and c eq 3', ast: { kind: 'and', left: { kind: 'or', left: eq('a', 1), right: eq('b', 2) }, right: eq('c', 3) } },
  // case-insensitive operators, keywords and literals
  { filter: 'userName EQ "x" AND active Eq TRUE', ast: { kind: 'and', left: eq('userName', 'x'), right: eq('active', true) } },
  { filter: 'a eq False Or b eq NULL', ast: { kind: 'or', left: eq('a', false), right: eq('b', null) } },
  { filter: 'NOT (a pr)', ast: { kind: 'not', filter: { kind: 'present', path: { attr: 'a' } } } },
  { filter: 'not(a pr)', ast: { kind: 'not', filter: { kind: 'present', path: { attr: 'a' } } } },
  // numbers
  { filter: 'n eq 42', ast: eq('n', 42) },
  { filter: 'n eq -7', ast: eq('n', -7) },
  { filter: 'n eq 3.25', ast: eq('n', 3.25) },
  { filter: 'n eq 1.5e3', ast: eq('n', 1500) },
  { filter: 'n eq -2E-2', ast: eq('n', -0.02) },
  // JSON string escapes
  { filter: 'a eq "say \\"hi\\""', ast: eq('a', 'say "hi"') },
  { filter: 'a eq "back\\\\slash"', ast: eq('a', 'back\\slash') },
  { filter: 'a eq "DUPR\\u00c9"', ast: eq('a', 'DUPRÉ') },
  { filter: 'a eq "tab\\there\\/\\n"', ast: eq('a', 'tab\there/\n') },
  { filter: 'a eq "\\ud83d\\ude00"', ast: eq('a', '😀') },
  { filter: 'a eq "paren ) and [bracket]"', ast: eq('a', 'paren ) and [bracket]') },
  // unquoted values from older IdP clients
  { filter: 'userName eq bob', ast: eq('userName', 'bob') },
  { filter: 'userName eq bob@example.com', ast: eq('userName', 'bob@example.com') },
  { filter: 'externalId eq 00123', ast: eq('externalId', '00123') },
  { filter: 'emails[value eq bob@example.com]', ast: { kind: 'valuePath', path: { attr: 'emails' }, filter: eq('value', 'bob@example.com') } },
  // whitespace other than single spaces
  { filter: '  userName   eq\t"x"  ', ast: eq('userName', 'x') },
  { filter: 'members.$ref pr', ast: { kind: 'present', path: { attr: 'members', sub: '$ref' } } },
  // Entra ID's lookup shape: a value path with a sub-attribute, read as a condition inside the brackets.
  {
    filter: 'emails[type eq "work"].value eq "user@contoso.com"',
    ast: { kind: 'valuePath', path: { attr: 'emails' }, filter: { kind: 'and', left: eq('type', 'work'), right: eq('value', 'user@contoso.com') } },
  },
  {
    filter: 'emails[type eq "work"].value pr',
    ast: { kind: 'valuePath', path: { attr: 'emails' }, filter: { kind: 'and', left: eq('type', 'work'), right: { kind: 'present', path: { attr: 'value' } } } },
  },
  {
    filter: 'emails[type eq "work"].value ne "x"',
    ast: {
      kind: 'not',
      filter: { kind: 'valuePath', path: { attr: 'emails' }, filter: { kind: 'and', left: eq('type', 'work'), right: eq('value', 'x') } },
    },
  },
  {
    filter: 'emails[type eq "work"].value eq null',
    ast: {
      kind: 'not',
      filter: { kind: 'valuePath', path: { attr: 'emails' }, filter: { kind: 'and', left: eq('type', 'work'), right: { kind: 'present', path: { attr: 'value' } } } },
    },
  },
];

// Each invalid filter with the position the detail must name and a phrase it must contain.
const invalid: { filter: string; pos: number; says: string }[] = [
  { filter: '', pos: 0, says: 'the filter is empty' },
  { filter: '   ', pos: 0, says: 'the filter is empty' },
  { filter: 'userName      xx "x"', pos: 14, says: 'expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after "userName"' },
  { filter: 'userName', pos: 8, says: 'expected a comparison operator' },
  { filter: 'userName eq', pos: 11, says: 'expected a value' },
  { filter: 'userName eq and', pos: 12, says: 'expected a value' },
  { filter: 'userName eq ("x")', pos: 12, says: 'expected a value' },
  { filter: '(userName eq "x"', pos: 16, says: 'expected ")" to close the "(" at position 0' },
  { filter: 'userName eq "x")', pos: 15, says: 'unexpected ")" without a matching "("' },
  { filter: '((a pr) or (b pr)', pos: 17, says: 'to close the "(" at position 0' },
  { filter: 'emails[type eq "work"', pos: 21, says: 'expected "]" to close the "[" at position 6' },
  { filter: 'emails[type eq "work"]]', pos: 22, says: 'unexpected "]" without a matching "["' },
  { filter: 'emails[type eq "work" and value[x eq 1]]', pos: 31, says: 'value filters cannot be nested' },
  { filter: 'emails[type eq "work"].value', pos: 28, says: 'expected a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr) after "emails[...].value"' },
  { filter: 'emails[type eq "work"].__proto__ eq "x"', pos: 23, says: 'not allowed' },
  { filter: 'userName eq "x" garbage', pos: 16, says: 'expected "and", "or" or the end of the filter, got "garbage"' },
  { filter: 'title pr pr', pos: 9, says: 'expected "and", "or" or the end' },
  { filter: 'a eq 1 and', pos: 10, says: 'expected an attribute name, "not" or "("' },
  { filter: 'not a pr', pos: 4, says: 'expected "(" after "not"' },
  { filter: 'userName eq "unterminated', pos: 12, says: 'expected a closing quote' },
  { filter: 'userName eq "bad \\x escape"', pos: 17, says: 'got "\\x"' },
  { filter: 'userName eq "\\u12"', pos: 13, says: 'four hexadecimal digits' },
  { filter: '__proto__ eq 1', pos: 0, says: '"__proto__" is not allowed as an attribute name' },
  { filter: 'name.constructor eq 1', pos: 5, says: '"constructor" is not allowed' },
  { filter: 'emails[Prototype eq 1]', pos: 7, says: '"Prototype" is not allowed' },
  { filter: `${ENT}:__proto__ pr`, pos: ENT.length + 1, says: 'not allowed' },
  { filter: 'a.b.c eq 1', pos: 3, says: 'at most one sub-attribute' },
  { filter: '1abc eq 1', pos: 0, says: 'is not an attribute name' },
  { filter: ':userName eq 1', pos: 0, says: 'expected a schema URN before ":"' },
  { filter: 'n eq 1e999', pos: 5, says: 'within the range' },
  { filter: 'a eq 1 and ' + '('.repeat(80) + 'b pr' + ')'.repeat(80), pos: 11 + 64, says: 'at most 64 levels' },
];

describe('parseFilter', () => {
  for (const { filter, ast } of valid) {
    it(`parses ${JSON.stringify(filter)}`, () => {
      const r = parseFilter(filter);
      assert.ok(r.ok, r.ok ? '' : r.error.detail);
      assert.deepEqual(r.value, ast);
    });
  }

  for (const { filter, pos, says } of invalid) {
    it(`rejects ${JSON.stringify(filter.length > 60 ? `${filter.slice(0, 60)}…` : filter)} naming position ${pos}`, () => {
      const r = parseFilter(filter);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.error.status, 400);
      assert.equal(r.error.scimType, 'invalidFilter');
      assert.match(r.error.detail, new RegExp(`^Invalid filter at position ${pos}: `));
      assert.ok(r.error.detail.includes(says), `${r.error.detail} should say ${says}`);
    });
  }

  it('rejects a filter longer than 10,000 characters with a clear detail', () => {
    const r = parseFilter(`userName eq "${'x'.repeat(MAX_FILTER_LENGTH)}"`);
    assert.equal(r.ok, false);
    if (!r.ok) assert.match(r.error.detail, /expected at most 10000 characters, got 10014/);
  });

  it('accepts a filter of exactly 10,000 characters', () => {
    const filter = `userName eq "${'x'.repeat(MAX_FILTER_LENGTH - 14)}"`;
    assert.equal(filter.length, MAX_FILTER_LENGTH);
    assert.ok(parseFilter(filter).ok);
  });

  it('reads the URN up to the last colon, so dotted schema versions stay in the URN', () => {
    const r = parseFilter('urn:example:params:scim:schemas:extension:v1.2:Thing:part.piece eq "x"');
    assert.ok(r.ok);
    assert.deepEqual(r.ok && r.value.kind === 'compare' && r.value.path, {
      uri: 'urn:example:params:scim:schemas:extension:v1.2:Thing',
      attr: 'part',
      sub: 'piece',
    });
  });
});

const paths: { path: string; ast: PatchPath }[] = [
  { path: 'members', ast: { path: { attr: 'members' } } },
  { path: 'name.familyName', ast: { path: { attr: 'name', sub: 'familyName' } } },
  {
    path: 'emails[type eq "work"].value',
    ast: { path: { attr: 'emails' }, valueFilter: eq('type', 'work'), subAfterFilter: 'value' },
  },
  { path: 'members[value eq "2819c223"]', ast: { path: { attr: 'members' }, valueFilter: eq('value', '2819c223') } },
  { path: `${ENT}:manager`, ast: { path: { uri: ENT, attr: 'manager' } } },
  {
    path: 'urn:ietf:params:scim:schemas:core:2.0:User:name.givenName',
    ast: { path: { uri: 'urn:ietf:params:scim:schemas:core:2.0:User', attr: 'name', sub: 'givenName' } },
  },
  {
    path: 'addresses[type eq "work" and primary eq true].streetAddress',
    ast: {
      path: { attr: 'addresses' },
      valueFilter: { kind: 'and', left: eq('type', 'work'), right: eq('primary', true) },
      subAfterFilter: 'streetAddress',
    },
  },
];

const badPaths: { path: string; pos: number; says: string }[] = [
  { path: '', pos: 0, says: 'the path is empty' },
  { path: 'emails[type eq "work"]value', pos: 22, says: 'expected ".subAttribute" or the end of the path' },
  { path: 'emails[type eq "work"].value.x', pos: 23, says: 'is not an attribute name' },
  { path: 'emails[type eq "work"].__proto__', pos: 23, says: 'not allowed' },
  { path: '__proto__.polluted', pos: 0, says: 'not allowed' },
  { path: 'name.givenName[x eq 1]', pos: 14, says: '"[" follows an attribute, not a sub-attribute' },
  { path: 'emails[type eq "work"', pos: 21, says: 'to close the "[" at position 6' },
  { path: 'members[value[x eq 1]]', pos: 13, says: 'cannot be nested' },
  { path: 'members extra', pos: 8, says: 'expected "[" or the end of the path' },
];

describe('parsePath', () => {
  for (const { path, ast } of paths) {
    it(`parses the PATCH path ${JSON.stringify(path)}`, () => {
      const r = parsePath(path);
      assert.ok(r.ok, r.ok ? '' : r.error.detail);
      assert.deepEqual(r.value, ast);
    });
  }

  for (const { path, pos, says } of badPaths) {
    it(`rejects the PATCH path ${JSON.stringify(path)} as invalidPath at position ${pos}`, () => {
      const r = parsePath(path);
      assert.equal(r.ok, false);
      if (r.ok) return;
      assert.equal(r.error.status, 400);
      assert.equal(r.error.scimType, 'invalidPath');
      assert.match(r.error.detail, new RegExp(`^Invalid path at position ${pos}: `));
      assert.ok(r.error.detail.includes(says), `${r.error.detail} should say ${says}`);
    });
  }
});
