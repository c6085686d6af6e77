// The pure parts of the input limits: the depth scan, counting filter comparisons, the resource checks,
// the PATCH operation and member counts, and PATCH adds that go through the element index.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { jsonDepth } from '../../src/http/body.ts';
import { parseFilter, parsePath } from '../../src/scim/filter/parser.ts';
import { SCIM_LIMITS } from '../../src/scim/limits.ts';
import { applyPatch } from '../../src/scim/patch/index.ts';
import { parseResource } from '../../src/scim/resource.ts';
import { ENTERPRISE_USER_URN as ENT, GROUP_URN, USER_URN } from '../../src/scim/schemas/urns.ts';
import { patchBody, runRows, type PatchRow } from './patch-table.ts';

describe('jsonDepth', () => {
  // [JSON text, deepest nesting]
  const rows: Array<[string, number]> = [
    ['1', 0],
    ['[]', 1],
    ['{"a":[1,{"b":[]}]}', 4],
    ['[[1],[2],[3]]', 2],
    ['"[[[{{{"', 0],
    ['["\\"[[["]', 1],
    ['["\\\\", [1]]', 2],
    ['{"k[":"}]", "v":{}}', 2],
  ];
  for (const [text, depth] of rows) {
    it(`counts ${depth} levels in ${text}`, () => assert.equal(jsonDepth(text), depth));
  }

  it('stops one level past the limit however deep the text goes', () => {
    assert.equal(jsonDepth('['.repeat(1_000_000), 32), 33);
  });
});

describe('filter comparison count', () => {
  const limit = SCIM_LIMITS.filterTerms;
  const join = (n: number, term: string, op = ' or ') => Array.from({ length: n }, () => term).join(op);
  // [filter shape, comparisons per repetition]
  const shapes: Array<[string, number]> = [
    ['id pr', 1],
    ['userName eq "x"', 1],
    ['not (title eq "x")', 1],
    ['emails[type eq "work" and value co "x"]', 2],
    ['emails[type eq "work"].value eq "x"', 2],
    [`${ENT}:manager.value eq "x"`, 1],
  ];
  for (const [term, per] of shapes) {
    const fits = Math.floor(limit / per);
    it(`accepts ${fits * per} comparisons and refuses ${(fits + 1) * per} as ${term}`, () => {
      assert.ok(parseFilter(join(fits, term)).ok);
      const over = parseFilter(join(fits + 1, term, ' and '));
      assert.equal(over.ok, false);
      if (!over.ok) {
        assert.equal(over.error.scimType, 'invalidFilter');
        assert.match(over.error.detail, /at most 100 comparisons/);
      }
    });
  }

  it('counts the comparisons of a PATCH path filter too', () => {
    assert.ok(parsePath(`emails[${join(limit, 'type eq "w"')}].value`).ok);
    const over = parsePath(`emails[${join(limit + 1, 'type eq "w"')}].value`);
    assert.equal(over.ok, false);
    if (!over.ok) assert.equal(over.error.scimType, 'invalidPath');
  });
});

describe('resource limits', () => {
  // [what, type, body, detail of the refusal]
  const refused: Array<[string, 'User' | 'Group', Record<string, unknown>, RegExp]> = [
    ['an over-long userName', 'User', { userName: 'u'.repeat(513) }, /^Attribute 'userName' has 513 characters; at most 512 are accepted$/],
    ['a userName folding past the index row', 'User', { userName: '\ufb2c'.repeat(342) }, /^Attribute 'userName' has 2052 UTF-8 bytes once case-folded; at most 2048/],
    ['an over-long email value', 'User', { userName: 'u', emails: [{ value: 'x' }, { value: 'e'.repeat(513) }] }, /'emails\.value' has 513 characters/],
    ['an over-long enterprise employeeNumber', 'User', { userName: 'u', [ENT]: { employeeNumber: 'n'.repeat(16_385) } }, new RegExp(`^Attribute '${ENT}:employeeNumber' has 16385 characters; at most 16384`)],
    ['an over-long x509Certificates value', 'User', { userName: 'u', x509Certificates: [{ value: 'QUJD'.repeat(4097) }] }, /'x509Certificates\.value' has 16388 characters/],
    ['1,001 roles', 'User', { userName: 'u', roles: Array.from({ length: 1001 }, (_, i) => ({ value: `r${i}` })) }, /^Attribute 'roles' has 1001 values; at most 1000 are accepted$/],
    ['an over-long group displayName', 'Group', { displayName: 'g'.repeat(513) }, /'displayName' has 513 characters/],
    ['100,001 members', 'Group', { displayName: 'g', members: Array.from({ length: 100_001 }, (_, i) => ({ value: `m${i}` })) }, /^The request names 100001 members; at most 100000 are accepted in one request$/],
    ['a resource over 64 KiB', 'User', { userName: 'u', title: 't'.repeat(16_000), nickName: 'n'.repeat(16_000), displayName: 'd'.repeat(16_000), locale: 'l'.repeat(16_000), timezone: 'z'.repeat(2_000) }, /^The resource would be \d+ bytes as JSON; at most 65536 are accepted$/],
  ];
  for (const [what, type, body, detail] of refused) {
    it(`refuses ${what} as invalidValue naming it`, () => {
      const parsed = parseResource(type, { schemas: [type === 'User' ? USER_URN : GROUP_URN], ...body });
      assert.equal(parsed.ok, false);
      if (parsed.ok) return;
      assert.equal(parsed.error.scimType, 'invalidValue');
      assert.match(parsed.error.detail, detail);
    });
  }

  it('accepts 100,000 members and a 64 KiB resource', () => {
    assert.ok(parseResource('Group', { displayName: 'g', members: Array.from({ length: 100_000 }, (_, i) => ({ value: `m${i}` })) }).ok);
    assert.ok(parseResource('User', { userName: 'u', title: 't'.repeat(16_000), nickName: 'n'.repeat(16_000), displayName: 'd'.repeat(16_000), locale: 'l'.repeat(16_000) }).ok);
  });
});

describe('PATCH request limits', () => {
  const user = { schemas: [USER_URN], userName: 'bjensen' };
  const group = { schemas: [GROUP_URN], displayName: 'g' };
  const members = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => ({ value: `${prefix}${i}` }));
  const titles = (n: number) => Array.from({ length: n }, (_, i) => ({ op: 'replace', path: 'title', value: `t${i}` }));

  it('applies 1,000 operations and refuses 1,001 as invalidValue naming the limit', () => {
    assert.ok(applyPatch('User', user, patchBody(titles(SCIM_LIMITS.patchOperations))).ok);
    const over = applyPatch('User', user, patchBody(titles(SCIM_LIMITS.patchOperations + 1)));
    assert.equal(over.ok, false);
    if (!over.ok) assert.equal(over.error.detail, 'The PATCH request has 1001 operations; at most 1000 are accepted in one request');
  });

  it('lets unindexed value filters examine 20,000 elements and refuses one operation more', () => {
    const stored = { ...user, emails: Array.from({ length: 1000 }, (_, i) => ({ value: `e${i}@example.com` })) };
    const scans = (n: number) => Array.from({ length: n }, (_, i) => ({ op: 'replace', path: `emails[value co "e${i}@"].type`, value: 'home' }));
    const fits = SCIM_LIMITS.patchFilterScans / 1000;
    assert.ok(applyPatch('User', stored, patchBody(scans(fits))).ok);
    const over = applyPatch('User', stored, patchBody(scans(fits + 1)));
    assert.equal(over.ok, false);
    if (!over.ok) {
      assert.equal(over.error.scimType, 'invalidFilter');
      assert.match(over.error.detail, /more than 20000 elements/);
    }
    // eq comparisons are looked up, not scanned: 1,000 of them over the same 1,000 emails pass.
    const eq = Array.from({ length: 1000 }, (_, i) => ({ op: 'replace', path: `emails[value eq "e${i}@example.com"].type`, value: 'home' }));
    assert.ok(applyPatch('User', stored, patchBody(eq)).ok);
  });

  it('counts the members of every operation of one request together', () => {
    const half = SCIM_LIMITS.membersPerRequest / 2;
    const at = applyPatch('Group', group, patchBody([{ op: 'add', path: 'members', value: members(half, 'a') }, { op: 'remove', path: 'members', value: members(half, 'b') }]));
    assert.ok(at.ok);
    const over = applyPatch('Group', group, patchBody([{ op: 'add', path: 'members', value: members(half, 'a') }, { op: 'replace', path: 'members', value: members(half + 1, 'b') }]));
    assert.equal(over.ok, false);
    if (!over.ok) assert.match(over.error.detail, /names 100001 members; at most 100000/);
  });
});

describe('PATCH adds to a multi-valued attribute within one request', () => {
  const base = { schemas: [USER_URN], userName: 'bjensen' };
  const a = { value: 'a@example.com', type: 'work' };
  const b = { value: 'b@example.com', type: 'home' };
  const rows: PatchRow[] = [
    { name: 'adds a value once when two operations add it', resource: base, ops: [{ op: 'add', path: 'emails', value: [a] }, { op: 'add', path: 'emails', value: [{ ...a, value: 'A@Example.com' }] }], expected: { ...base, emails: [a] } },
    { name: 'adds a value again after an operation removed it', resource: base, ops: [{ op: 'add', path: 'emails', value: [a] }, { op: 'remove', path: 'emails[value eq "a@example.com"]' }, { op: 'add', path: 'emails', value: [a] }], expected: { ...base, emails: [a] } },
    { name: 'adds to what a replace left', resource: { ...base, emails: [a] }, ops: [{ op: 'replace', path: 'emails', value: [b] }, { op: 'add', path: 'emails', value: [a] }], expected: { ...base, emails: [b, a] } },
    { name: 'sees a sub-attribute a filtered operation changed', resource: { ...base, emails: [a] }, ops: [{ op: 'replace', path: 'emails[type eq "work"].type', value: 'other' }, { op: 'add', path: 'emails', value: [a] }], expected: { ...base, emails: [{ ...a, type: 'other' }, a] } },
    { name: 'keeps the newest primary across operations', resource: base, ops: [{ op: 'add', path: 'emails', value: [{ ...a, primary: true }] }, { op: 'add', path: 'emails', value: [{ ...b, primary: true }] }, { op: 'add', path: 'emails', value: [{ ...a, primary: false }] }], expected: { ...base, emails: [{ ...a, primary: false }, { ...b, primary: true }] } },
    { name: 'treats a value with a sub-attribute the present one lacks as new', resource: { ...base, emails: [{ value: 'a@example.com' }] }, ops: [{ op: 'add', path: 'emails', value: [a] }], expected: { ...base, emails: [{ value: 'a@example.com' }, a] } },
  ];
  runRows(rows);
});

describe('PATCH member changes', () => {
  const group = { schemas: [GROUP_URN], displayName: 'g' };
  const add = (...ids: string[]) => ({ op: 'add', path: 'members', value: ids.map((value) => ({ value })) });
  const remove = (id: string) => ({ op: 'remove', path: `members[value eq "${id}"]` });
  runRows([
    { name: 'merges consecutive adds into one change, each member once', type: 'Group', resource: group, ops: [add('a'), add('b', 'a'), add('c')], expected: group, members: [{ op: 'add', ids: ['a', 'b', 'c'] }] },
    { name: 'merges consecutive removes and keeps the order of adds and removes', type: 'Group', resource: group, ops: [add('a'), remove('a'), remove('b'), add('a')], expected: group, members: [{ op: 'add', ids: ['a'] }, { op: 'remove', ids: ['a', 'b'] }, { op: 'add', ids: ['a'] }] },
    { name: 'never merges across a replace or a remove of all members', type: 'Group', resource: group, ops: [add('a'), { op: 'replace', path: 'members', value: [{ value: 'b' }] }, add('c'), { op: 'remove', path: 'members' }, add('d')], expected: group, members: [{ op: 'add', ids: ['a'] }, { op: 'replace', ids: ['b'] }, { op: 'add', ids: ['c'] }, { op: 'removeAll' }, { op: 'add', ids: ['d'] }] },
  ]);
});
