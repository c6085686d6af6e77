// 409 uniqueness (RFC 7644 §3.12): userName and group displayName are unique per company, ignoring case in
// every script; externalId is not unique (idp-requests §6 rules 5, 17). On every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { GROUP_URN, USER_URN, assertScimError, counts, createGroup, createUser, groupRow, patchOp, unique, userRow, address } from '../support/scim.ts';

/** [stored name, name sent later, why they are the same name] */
const sameNames: [string, string, string][] = [
  ['bjensen@example.com', 'BJensen@Example.COM', 'differs only in ASCII case'],
  ['DUPRÉ', 'duprÉ', 'differs in case outside ASCII (SQLite lower() would not fold É)'],
  ['DUPRÉ', 'dupré', 'is all lower case outside ASCII'],
  ['dupré', 'dupre\u0301', 'is the same text in decomposed Unicode (NFD)'],
  ['ИВАНОВ', 'Иванов', 'differs in case in Cyrillic'],
];

for (const kind of storeKinds()) {
  describe(`Uniqueness on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    sameNames.forEach(([stored, sent, why], i) => {
      // A suffix per row keeps the rows apart; it is the same in both spellings.
      const suffix = `-${i}@x.example`;

      it(`answers 409 uniqueness when a new userName ${why}, and creates nothing`, async () => {
        await createUser(s, { userName: stored + suffix, emails: [{ value: `row${i}@x.example` }] });
        const before = await counts(s.store);
        const res = await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: sent + suffix, emails: [{ value: `row${i}@x.example` }] });
        assertScimError(res, 409, 'uniqueness');
        assert.match(res.body.detail, /userName/);
        assert.deepEqual(await counts(s.store), before);
      });

      it(`answers 409 uniqueness when a new group displayName ${why}`, async () => {
        await createGroup(s, { displayName: `${stored} group${suffix}` });
        const res = await s.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName: `${sent} group${suffix}` });
        assertScimError(res, 409, 'uniqueness');
        assert.match(res.body.detail, /displayName/);
      });
    });

    it('accepts a userName that another company already has', async () => {
      const userName = address('shared');
      await createUser(s, { userName });
      const other = await s.otherTenant();
      const res = await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: userName.toUpperCase() }, { authorization: `Bearer ${other.token}` });
      assert.equal(res.status, 201, res.raw);
    });

    it('accepts a group displayName that another company already has', async () => {
      const displayName = unique('Everyone');
      await createGroup(s, { displayName });
      const other = await s.otherTenant();
      const res = await s.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName }, { authorization: `Bearer ${other.token}` });
      assert.equal(res.status, 201, res.raw);
    });

    it('lets two users and two groups share an externalId', async () => {
      const externalId = unique('mailNickname');
      const [a, b] = [await createUser(s, { externalId }), await createUser(s, { externalId })];
      assert.notEqual(a.id, b.id);
      assert.equal(b.externalId, externalId);
      const [g, h] = [await createGroup(s, { externalId }), await createGroup(s, { externalId })];
      assert.notEqual(g.id, h.id);
    });

    it('lets a user change the case of its own userName', async () => {
      const u = await createUser(s, { userName: address('casey') });
      const res = await s.scim('PATCH', `/scim/v2/Users/${u.id}`, patchOp({ op: 'replace', path: 'userName', value: u.userName.toUpperCase() }));
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.userName, u.userName.toUpperCase());
    });

    const renames: [string, (id: string, taken: string) => [string, string, unknown]][] = [
      ['PUT', (id, taken) => ['PUT', `/scim/v2/Users/${id}`, { schemas: [USER_URN], userName: taken.toUpperCase() }]],
      ['PATCH', (id, taken) => ['PATCH', `/scim/v2/Users/${id}`, patchOp({ op: 'replace', path: 'userName', value: taken.toUpperCase() })]],
      ['path-less PATCH', (id, taken) => ['PATCH', `/scim/v2/Users/${id}`, patchOp({ op: 'replace', value: { userName: taken, title: 'x' } })]],
    ];
    for (const [how, request] of renames) {
      it(`answers 409 to renaming a user onto another's userName by ${how}, and changes nothing`, async () => {
        const taken = await createUser(s);
        const u = await createUser(s, { title: 'kept', emails: [{ value: 'kept@x.example' }] });
        const before = { row: await userRow(s.store, u.id), counts: await counts(s.store) };
        assertScimError(await s.scim(...request(u.id, taken.userName)), 409, 'uniqueness');
        assert.deepEqual({ row: await userRow(s.store, u.id), counts: await counts(s.store) }, before);
        assert.deepEqual((await s.scim('GET', `/scim/v2/Users/${u.id}`)).body, u);
      });
    }

    it("answers 409 to renaming a group onto another's displayName, and changes neither name nor members", async () => {
      const a = await createUser(s);
      const taken = await createGroup(s);
      const g = await createGroup(s, { members: [{ value: a.id }] });
      const before = await groupRow(s.store, g.id);
      const res = await s.scim(
        'PATCH',
        `/scim/v2/Groups/${g.id}`,
        patchOp({ op: 'remove', path: 'members' }, { op: 'replace', path: 'displayName', value: taken.displayName.toUpperCase() }),
      );
      assertScimError(res, 409, 'uniqueness');
      assert.deepEqual(await groupRow(s.store, g.id), before);
      assert.equal((await s.scim('GET', `/scim/v2/Groups/${g.id}`)).body.members.length, 1);
    });
  });
}
