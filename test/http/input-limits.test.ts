// Every input past a limit of SCIM_LIMITS, or one no store can keep (bytes that are not UTF-8, NUL, lone
// surrogates), is a 400 SCIM error naming the limit or the place, the same on SQLite and PostgreSQL, and
// writes nothing. Exactly at each limit is accepted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SCIM_LIMITS } from '../../src/scim/limits.ts';
import { startServer, type Response, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { ENT, GROUP_URN, USER_URN, assertScimError, counts, createGroup, createUser, groupRow, memberIds, patchOp, unique, userRow, address } from '../support/scim.ts';

const L = SCIM_LIMITS;
const nested = (levels: number, inner = '1') => `${'['.repeat(levels)}${inner}${']'.repeat(levels)}`;
/** A JSON body with `value` spliced in as raw text, for what JSON.stringify cannot write (deep nesting). */
const raw = (before: string, value: string, after = '}') => `${before}${value}${after}`;
const emails = (n: number) => Array.from({ length: n }, (_, i) => ({ value: `e${i}@example.com` }));
const users = '/scim/v2/Users';
const groups = '/scim/v2/Groups';
const q = (filter: string) => `${users}?filter=${encodeURIComponent(filter)}`;
const terms = (n: number, term: (i: number) => string, joiner = ' or ') => Array.from({ length: n }, (_, i) => term(i)).join(joiner);

interface Fixture {
  s: TestServer;
  user: { id: string; userName: string };
  group: { id: string };
}

type Case = [what: string, send: (f: Fixture) => Promise<Response>, scimType: string, detail: RegExp];

// [what the client sent, request, scimType, what the detail must say]
const refused: Case[] = [
  // 1. Body text
  ['a body that is not UTF-8', ({ s }) => s.scim('POST', users, Buffer.concat([Buffer.from('{"userName":"caf'), Buffer.from([0xe9]), Buffer.from('"}')])), 'invalidSyntax', /not valid UTF-8/],
  ['a userName with a NUL character', ({ s }) => s.scim('POST', users, { userName: 'x\u0000' }), 'invalidValue', /body\.userName contains a NUL/],
  ['a userName with a lone surrogate', ({ s }) => s.scim('POST', users, '{"userName":"x\\ud800"}'), 'invalidValue', /body\.userName contains a lone UTF-16 surrogate/],
  ['a NUL in a key', ({ s }) => s.scim('POST', users, { userName: address('u'), 'x\u0000': 'y' }), 'invalidValue', /key in body contains a NUL/],
  ['a lone surrogate in a nested key', ({ s }) => s.scim('POST', users, `{"userName":"${unique('u')}","name":{"g\\udc00":"y"}}`), 'invalidValue', /key in body\.name contains a lone/],
  ['a NUL in a PATCH value', ({ s, user }) => s.scim('PATCH', `${users}/${user.id}`, patchOp({ op: 'replace', path: 'title', value: 'a\u0000b' })), 'invalidValue', /body\.Operations\[0\]\.value contains a NUL/],
  ['a NUL in a PUT value', ({ s, user }) => s.scim('PUT', `${users}/${user.id}`, { userName: user.userName, emails: [{ value: 'a\u0000@x.com' }] }), 'invalidValue', /body\.emails\[0\]\.value contains a NUL/],
  ['a lone surrogate in a group displayName', ({ s, group }) => s.scim('PUT', `${groups}/${group.id}`, '{"displayName":"\\ud83d"}'), 'invalidValue', /body\.displayName contains a lone/],
  ['a NUL in a Bulk operation', ({ s }) => s.scim('POST', '/scim/v2/Bulk', { Operations: [{ method: 'POST', bulkId: 'a', path: '/Users', data: { userName: 'x\u0000' } }] }), 'invalidValue', /body\.Operations\[0\]\.data\.userName contains a NUL/],
  ['__proto__ as a key deep in a body', ({ s }) => s.scim('POST', users, `{"userName":"${unique('u')}","name":{"x":[{"__proto__":{"admin":true}}]}}`), 'invalidSyntax', /'__proto__' is not allowed/],
  // 2. Nesting depth
  ['10,000 levels of arrays in a known attribute', ({ s }) => s.scim('POST', users, raw(`{"userName":"${unique('u')}","title":`, nested(10_000))), 'invalidSyntax', /deeper than 32 levels/],
  ['10,000 levels of objects in a known attribute', ({ s }) => s.scim('POST', users, raw(`{"userName":"${unique('u')}","name":`, `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`)), 'invalidSyntax', /deeper than 32 levels/],
  ['10,000 levels in a PATCH value', ({ s, user }) => s.scim('PATCH', `${users}/${user.id}`, raw('{"Operations":[{"op":"add","path":"emails","value":', nested(10_000), '}]}')), 'invalidSyntax', /deeper than 32 levels/],
  ['10,000 levels in a .search field', ({ s }) => s.scim('POST', `${users}/.search`, raw('{"attributes":', nested(10_000))), 'invalidSyntax', /deeper than 32 levels/],
  ['5,000 levels in Bulk data', ({ s }) => s.scim('POST', '/scim/v2/Bulk', raw('{"Operations":[{"method":"POST","bulkId":"a","path":"/Users","data":', nested(5_000), '}]}')), 'invalidSyntax', /deeper than 32 levels/],
  ['one level more than the limit', ({ s }) => s.scim('POST', users, raw(`{"userName":"${unique('u')}","x":`, nested(L.jsonDepth))), 'invalidSyntax', /deeper than 32 levels/],
  // 3. Query strings and filter literals
  ['a NUL in a filter literal (%00)', ({ s }) => s.scim('GET', `${users}?filter=userName%20eq%20%22x%00%22`), 'invalidFilter', /filter query parameter contains a NUL/],
  ['invalid UTF-8 in a filter (%FF)', ({ s }) => s.scim('GET', `${users}?filter=userName+eq+%22%FF%22`), 'invalidFilter', /not percent-encoded UTF-8/],
  ['a lone surrogate in a filter, as UTF-8 bytes (%ED%A0%80)', ({ s }) => s.scim('GET', `${users}?filter=userName+eq+%22%ED%A0%80%22`), 'invalidFilter', /not percent-encoded UTF-8/],
  ['a NUL in a filter, as a \\u0000 escape', ({ s }) => s.scim('GET', q('userName eq "x\\u0000"')), 'invalidFilter', /may not contain a NUL/],
  ['a lone surrogate in a filter, as a \\ud800 escape', ({ s }) => s.scim('GET', q('userName eq "x\\ud800"')), 'invalidFilter', /lone UTF-16 surrogate/],
  ['a NUL escape in a .search filter', ({ s }) => s.scim('POST', `${users}/.search`, { filter: 'userName eq "x\\u0000"' }), 'invalidFilter', /may not contain a NUL/],
  ['a stray % in a filter', ({ s }) => s.scim('GET', `${users}?filter=userName+eq+%22100%%22`), 'invalidFilter', /"%" that does not start a %XX escape/],
  ['a NUL in attributes', ({ s }) => s.scim('GET', `${users}?attributes=userName%00`), 'invalidValue', /"attributes" contains a NUL/],
  ['invalid UTF-8 in a cursor', ({ s }) => s.scim('GET', `${users}?cursor=%C3%28`), 'invalidValue', /"cursor" is not percent-encoded UTF-8/],
  ['a NUL in sortBy', ({ s }) => s.scim('GET', `${users}?sortBy=%00`), 'invalidValue', /"sortBy" contains a NUL/],
  ['a NUL in excludedAttributes of one user', ({ s, user }) => s.scim('GET', `${users}/${user.id}?excludedAttributes=%00`), 'invalidValue', /"excludedAttributes" contains a NUL/],
  ['invalid UTF-8 in a parameter name', ({ s }) => s.scim('GET', `${users}?%FF=1`), 'invalidValue', /parameter name is not percent-encoded UTF-8/],
  ['a NUL in a user id in the path', ({ s }) => s.scim('GET', `${users}/x%00`), 'invalidValue', /path parameter "id" contains a NUL/],
  ['a NUL in a group id in a PATCH path', ({ s }) => s.scim('PATCH', `${groups}/x%00`, patchOp({ op: 'replace', path: 'displayName', value: 'g' })), 'invalidValue', /path parameter "id" contains a NUL/],
  ['201 names in attributes', ({ s }) => s.scim('GET', `${users}?attributes=${Array.from({ length: 201 }, () => 'userName').join(',')}`), 'invalidValue', /"attributes" names 201 attributes; at most 200/],
  ['100,000 names in a .search excludedAttributes', ({ s }) => s.scim('POST', `${users}/.search`, { excludedAttributes: Array.from({ length: 100_000 }, (_, i) => `emails.v${i}`) }), 'invalidValue', /"excludedAttributes" names 100000 attributes; at most 200/],
  ['201 names in the attributes of a POST', ({ s }) => s.scim('POST', `${users}?attributes=${Array.from({ length: 201 }, () => 'id').join(',')}`, { userName: address('u') }), 'invalidValue', /"attributes" names 201/],
  // 4. Filter terms
  [`${L.filterTerms + 1} comparisons in a filter`, ({ s }) => s.scim('GET', q(terms(L.filterTerms + 1, () => 'id pr'))), 'invalidFilter', /at most 100 comparisons/],
  ['999 comparisons in a filter', ({ s }) => s.scim('GET', q(terms(999, () => 'id pr'))), 'invalidFilter', /at most 100 comparisons/],
  [`${L.filterTerms + 1} comparisons in a .search filter`, ({ s }) => s.scim('POST', `${users}/.search`, { filter: terms(L.filterTerms + 1, (i) => `emails[value eq "${i}"]`) }), 'invalidFilter', /at most 100 comparisons/],
  // 5. String lengths
  ['a userName one character too long', ({ s }) => s.scim('POST', users, { userName: 'u'.repeat(L.identifierLength + 1) }), 'invalidValue', /'userName' has 513 characters; at most 512/],
  ['a 2,800-character userName', ({ s }) => s.scim('POST', users, { userName: 'u'.repeat(2800) }), 'invalidValue', /'userName' has 2800 characters; at most 512/],
  ['a userName that folds to more bytes than an index row holds', ({ s }) => s.scim('POST', users, { userName: '\ufb2c'.repeat(342) }), 'invalidValue', /'userName' has 2052 UTF-8 bytes once case-folded; at most 2048/],
  ['an externalId one character too long', ({ s }) => s.scim('POST', users, { userName: address('u'), externalId: 'x'.repeat(513) }), 'invalidValue', /'externalId' has 513 characters; at most 512/],
  ['an email value one character too long', ({ s }) => s.scim('POST', users, { userName: address('u'), emails: [{ value: `${'e'.repeat(501)}@example.com` }] }), 'invalidValue', /'emails\.value' has 513 characters; at most 512/],
  ['a group displayName one character too long', ({ s }) => s.scim('POST', groups, { displayName: 'g'.repeat(513) }), 'invalidValue', /'displayName' has 513 characters; at most 512/],
  ['a group externalId too long, by PUT', ({ s, group }) => s.scim('PUT', `${groups}/${group.id}`, { displayName: unique('g'), externalId: 'x'.repeat(600) }), 'invalidValue', /'externalId' has 600 characters; at most 512/],
  ['a title one character too long', ({ s }) => s.scim('POST', users, { userName: address('u'), title: 't'.repeat(L.stringLength + 1) }), 'invalidValue', /'title' has 16385 characters; at most 16384/],
  ['a name.givenName too long', ({ s }) => s.scim('POST', users, { userName: address('u'), name: { givenName: 'n'.repeat(L.stringLength + 1) } }), 'invalidValue', /'name\.givenName' has 16385 characters/],
  ['an addresses.formatted too long', ({ s }) => s.scim('POST', users, { userName: address('u'), addresses: [{ formatted: 'a'.repeat(L.stringLength + 1) }] }), 'invalidValue', /'addresses\.formatted' has 16385 characters/],
  ['an enterprise department too long', ({ s }) => s.scim('POST', users, { userName: address('u'), [ENT]: { department: 'd'.repeat(L.stringLength + 1) } }), 'invalidValue', new RegExp(`'${ENT}:department' has 16385 characters`)],
  ['an enterprise manager.value too long', ({ s }) => s.scim('POST', users, { userName: address('u'), [ENT]: { manager: 'm'.repeat(L.stringLength + 1) } }), 'invalidValue', new RegExp(`'${ENT}:manager\\.value' has 16385 characters`)],
  ['a userName too long by PUT', ({ s, user }) => s.scim('PUT', `${users}/${user.id}`, { userName: 'u'.repeat(513) }), 'invalidValue', /'userName' has 513 characters/],
  ['a userName too long by PATCH', ({ s, user }) => s.scim('PATCH', `${users}/${user.id}`, patchOp({ op: 'replace', path: 'userName', value: 'u'.repeat(513) })), 'invalidValue', /'userName' has 513 characters/],
  ['an email value too long by a path-less PATCH', ({ s, user }) => s.scim('PATCH', `${users}/${user.id}`, patchOp({ op: 'add', value: { emails: [{ value: 'e'.repeat(513) }] } })), 'invalidValue', /'emails\.value' has 513 characters/],
  ['an addresses.formatted too long through a PATCH filter path', ({ s, user }) => s.scim('PATCH', `${users}/${user.id}`, patchOp({ op: 'replace', path: 'addresses[type eq "work"].formatted', value: 'a'.repeat(L.stringLength + 1) })), 'invalidValue', /'addresses\.formatted' has 16385 characters/],
  ['a group displayName too long by PATCH', ({ s, group }) => s.scim('PATCH', `${groups}/${group.id}`, patchOp({ op: 'replace', path: 'displayName', value: 'g'.repeat(513) })), 'invalidValue', /'displayName' has 513 characters/],
  ['a resource over 64 KiB', ({ s }) => s.scim('POST', users, { userName: address('u'), ...big() }), 'invalidValue', /would be \d+ bytes as JSON; at most 65536/],
  ['a resource over 64 KiB by PATCH', ({ s, user }) => s.scim('PATCH', `${users}/${user.id}`, patchOp(...Object.entries(big()).map(([path, value]) => ({ op: 'add', path, value })))), 'invalidValue', /at most 65536/],
  // 6. Multi-valued attributes
  [`${L.multiValuedElements + 1} emails`, ({ s }) => s.scim('POST', users, { userName: address('u'), emails: emails(L.multiValuedElements + 1) }), 'invalidValue', /'emails' has 1001 values; at most 1000/],
  ['7,000 emails', ({ s }) => s.scim('POST', users, { userName: address('u'), emails: emails(7000) }), 'invalidValue', /'emails' has 7000 values; at most 1000/],
  ['1,001 phoneNumbers by PUT', ({ s, user }) => s.scim('PUT', `${users}/${user.id}`, { userName: user.userName, phoneNumbers: Array.from({ length: 1001 }, (_, i) => ({ value: `+1 555 ${i}` })) }), 'invalidValue', /'phoneNumbers' has 1001 values/],
  ['a 1,001st email by PATCH', ({ s, user }) => s.scim('PATCH', `${users}/${user.id}`, patchOp({ op: 'add', path: 'emails', value: emails(1000) }, { op: 'add', path: 'emails', value: [{ value: 'one-more@example.com' }] })), 'invalidValue', /'emails' has 1001 values/],
  [`${L.membersPerRequest + 1} members in a POST`, ({ s }) => s.scim('POST', groups, { displayName: unique('g'), members: ids(L.membersPerRequest + 1) }), 'invalidValue', /names 100001 members; at most 100000/],
  [`${L.membersPerRequest + 1} members in a PUT`, ({ s, group }) => s.scim('PUT', `${groups}/${group.id}`, { displayName: unique('g'), members: ids(L.membersPerRequest + 1) }), 'invalidValue', /names 100001 members/],
  [`${L.membersPerRequest + 1} members over two PATCH operations`, ({ s, group }) => s.scim('PATCH', `${groups}/${group.id}`, patchOp({ op: 'add', path: 'members', value: ids(50_000) }, { op: 'add', path: 'members', value: ids(50_001, 'b') })), 'invalidValue', /names 100001 members/],
  // 1,000 emails, then 21 scans of the ~1,000 left: 20,790 elements examined.
  ['value filters that would scan more than 20,000 elements', ({ s, user }) => s.scim('PATCH', `${users}/${user.id}`, patchOp({ op: 'add', path: 'emails', value: emails(1000) }, ...Array.from({ length: 21 }, (_, i) => ({ op: 'remove', path: `emails[value sw "e${i}@"]` })))), 'invalidFilter', /more than 20000 elements/],
  // 7. PATCH operation count
  [`${L.patchOperations + 1} PATCH operations`, ({ s, user }) => s.scim('PATCH', `${users}/${user.id}`, patchOp(...Array.from({ length: L.patchOperations + 1 }, () => ({ op: 'replace', path: 'title', value: 't' })))), 'invalidValue', /1001 operations; at most 1000/],
];

function big(): Record<string, string> {
  const s = 'x'.repeat(L.stringLength);
  return { title: s, nickName: s, displayName: s, profileUrl: s, locale: s };
}

function ids(n: number, prefix = 'a'): Array<{ value: string }> {
  return Array.from({ length: n }, (_, i) => ({ value: `${prefix}-${i}` }));
}

// [what the client sent at the limit, request, expected status]
const accepted: Array<[string, (f: Fixture) => Promise<Response>, number]> = [
  ['a 512-character userName', ({ s }) => s.scim('POST', users, { userName: unique('u').padEnd(512, 'u'), emails: [{ value: address('u') }] }), 201],
  ['a userName that folds to 2,046 bytes', ({ s }) => s.scim('POST', users, { userName: '\ufb2c'.repeat(341), emails: [{ value: address('u') }] }), 201],
  ['a 512-character email value, externalId and group displayName', async ({ s }) => {
    const u = await s.scim('POST', users, { userName: address('u'), externalId: 'x'.repeat(512), emails: [{ value: `${'e'.repeat(500)}@example.com` }] });
    assert.equal(u.status, 201, u.raw);
    return s.scim('POST', groups, { displayName: unique('g').padEnd(512, 'g'), externalId: 'x'.repeat(512) });
  }, 201],
  ['a 16,384-character title and enterprise department', ({ s }) => s.scim('POST', users, { userName: address('u'), title: 't'.repeat(L.stringLength), [ENT]: { department: 'd'.repeat(L.stringLength) } }), 201],
  ['1,000 emails', ({ s }) => s.scim('POST', users, { userName: address('u'), emails: emails(L.multiValuedElements) }), 201],
  ['a body nested exactly 32 levels', ({ s }) => s.scim('POST', users, raw(`{"userName":"${address('u')}","x":`, nested(L.jsonDepth - 1))), 201],
  ['1,000 PATCH operations adding one email each', ({ s, user }) => s.scim('PATCH', `${users}/${user.id}`, patchOp(...emails(L.patchOperations).map((e) => ({ op: 'add', path: 'emails', value: [e] })))), 200],
  ['1,000 PATCH operations adding one member each, and stores them all', async ({ s, group }) => {
    const members = await Promise.all(Array.from({ length: L.patchOperations }, () => createUser(s)));
    const res = await s.scim('PATCH', `${groups}/${group.id}`, patchOp(...members.map((m) => ({ op: 'add', path: 'members', value: [{ value: m.id }] }))));
    assert.deepEqual(await memberIds(s.store, group.id), members.map((m) => m.id).sort());
    return res;
  }, 204],
  ['200 names in attributes', ({ s }) => s.scim('POST', `${users}/.search`, { attributes: Array.from({ length: 200 }, (_, i) => (i % 2 ? 'userName' : `x${i}`)), count: 1000 }), 200],
  ['a filter of 100 comparisons', ({ s }) => s.scim('GET', q(terms(L.filterTerms, () => 'id pr'))), 200],
  ["Entra's + for spaces, OneLogin's dangling & and a bare ?", async ({ s, user }) => {
    const found = await s.scim('GET', `${users}?filter=userName+eq+%22${encodeURIComponent(user.userName)}%22&`);
    assert.equal(found.body.totalResults, 1, found.raw);
    assert.equal((await s.scim('GET', `${users}?`)).status, 200);
    return s.scim('GET', `${users}?&&count=1&`);
  }, 200],
];

// 100 comparisons of every shape the SQL compiler knows, the last repetition matching the user.
// [shape, repetitions (100 over the comparisons each holds), term, joined by]
const shapes: Array<[string, number, (i: number, u: { id: string; userName: string }) => string, ' or ' | ' and ']> = [
  ['userName eq', 100, (i, u) => `userName eq "${i === 99 ? u.userName : `nobody-${i}`}"`, ' or '],
  ['emails[value eq]', 100, (i, u) => `emails[value eq "${i === 99 ? `${u.userName}@example.com` : `n${i}@x.com`}"]`, ' or '],
  ['emails.value co', 100, (i, u) => `emails.value co "${i === 99 ? u.userName : `zz${i}`}"`, ' or '],
  ['emails[type eq].value eq', 50, (i, u) => `emails[type eq "work"].value eq "${i === 49 ? `${u.userName}@example.com` : `n${i}@x.com`}"`, ' or '],
  ['addresses[country eq] (a JSON array read)', 100, (i) => `addresses[country eq "${i === 99 ? 'NZ' : `C${i}`}"]`, ' or '],
  ['phoneNumbers.value eq', 100, (i) => `phoneNumbers.value eq "${i === 99 ? '+64 1' : `+1 ${i}`}"`, ' or '],
  ['name.givenName sw', 100, (i) => `name.givenName sw "${i === 99 ? 'Ad' : `Q${i}`}"`, ' or '],
  ['title eq (a JSON read)', 100, (i) => `title eq "${i === 99 ? 'Engineer' : `t${i}`}"`, ' or '],
  ['enterprise manager.value eq', 100, (i) => `${ENT}:manager.value eq "${i === 99 ? 'boss' : `m${i}`}"`, ' or '],
  // Joined by "and", these match nearly everyone: the last comparison pins the user down.
  ['not (emails[type eq and value co])', 50, (i, u) => (i === 49 ? `id eq "${u.id}"` : `not (emails[type eq "home" and value co "n${i}"])`), ' and '],
  ['not (title eq)', 100, (i, u) => (i === 99 ? `id eq "${u.id}"` : `not (title eq "t${i}")`), ' and '],
  ['title ne', 100, (i, u) => (i === 99 ? `id eq "${u.id}"` : `title ne "t${i}"`), ' and '],
];

for (const kind of storeKinds()) {
  describe(`Input limits on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    const fixture = async (): Promise<Fixture> => ({ s, user: await createUser(s), group: await createGroup(s) });

    describe('refuses with 400, names the limit or the place, and writes nothing', () => {
      for (const [what, send, scimType, detail] of refused) {
        it(`answers 400 ${scimType} to ${what}`, async () => {
          const f = await fixture();
          const stored = async () => [await counts(s.store), await userRow(s.store, f.user.id), await groupRow(s.store, f.group.id)];
          const before = await stored();
          const res = await send(f);
          assertScimError(res, 400, scimType);
          assert.match(res.body.detail, detail);
          assert.deepEqual(await stored(), before);
        });
      }
    });

    describe('accepts what is exactly at each limit', () => {
      for (const [what, send, status] of accepted) {
        it(`accepts ${what}`, async () => {
          const res = await send(await fixture());
          assert.equal(res.status, status, res.raw.slice(0, 500));
        });
      }

      it('stores the 1,000 emails a 1,000-operation PATCH adds, in order', async () => {
        const { user } = await fixture();
        const res = await s.scim('PATCH', `${users}/${user.id}`, patchOp(...emails(1000).map((e) => ({ op: 'add', path: 'emails', value: [e] }))));
        assert.equal(res.status, 200, res.raw.slice(0, 500));
        assert.deepEqual(res.body.emails, emails(1000));
      });
    });

    describe('answers 200 to a filter of 100 comparisons of every shape', () => {
      for (const [shape, repetitions, term, joiner] of shapes) {
        it(`finds the user with 100 comparisons of ${shape}`, async () => {
          const userName = unique('shape');
          const u = await createUser(s, {
            userName,
            name: { givenName: 'Ada' },
            title: 'Engineer',
            emails: [{ value: `${userName}@example.com`, type: 'work' }],
            addresses: [{ country: 'NZ' }],
            phoneNumbers: [{ value: '+64 1' }],
            [ENT]: { manager: { value: 'boss' } },
          });
          const filter = terms(repetitions, (i) => term(i, u), joiner);
          const res = await s.scim('POST', `${users}/.search`, { filter, count: 1000 });
          assert.equal(res.status, 200, res.raw.slice(0, 500));
          assert.ok(res.body.Resources.some((r: { id: string }) => r.id === u.id), `${shape}: ${res.raw.slice(0, 300)}`);
        });
      }

      it('finds the group with 100 comparisons of members[value eq]', async () => {
        const member = await createUser(s);
        const g = await createGroup(s, { members: [{ value: member.id }] });
        const filter = terms(100, (i) => `members[value eq "${i === 99 ? member.id : `nobody-${i}`}"]`);
        const res = await s.scim('POST', `${groups}/.search`, { filter });
        assert.equal(res.status, 200, res.raw.slice(0, 500));
        assert.ok(res.body.Resources.some((r: { id: string }) => r.id === g.id), res.raw.slice(0, 300));
      });
    });

    it('still accepts UTF-8 bodies with non-ASCII text, as bytes or as a string, with or without a Content-Type', async () => {
      const res = await s.scim('POST', users, Buffer.from(JSON.stringify({ schemas: [USER_URN], userName: address('ünï') })), { 'content-type': 'application/json; charset=utf-8' });
      assert.equal(res.status, 201, res.raw);
      const g = await s.scim('POST', groups, JSON.stringify({ schemas: [GROUP_URN], displayName: unique('grüppe') }));
      assert.equal(g.status, 201, g.raw);
    });
  });
}
