// What a create reads back to answer: a new user is in no group, so POST /Users answers without reading
// group membership, and its body is still exactly what a GET of the user answers. A new group's members are
// read as before.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../support/app.ts';
import { GROUP_URN, USER_URN, createGroup, createUser } from '../support/scim.ts';
import { logSql } from '../support/sql-log.ts';
import { storeKinds } from '../support/stores.ts';

for (const kind of storeKinds()) {
  describe(`What a create reads back on ${kind.name}`, () => {
    let s: TestServer;
    let sqlLog: ReturnType<typeof logSql>;
    before(async () => {
      s = await startServer(kind);
      // A group with a member, so membership rows exist to be (not) read.
      const member = await createUser(s, { userName: 'member@example.com' });
      await createGroup(s, { displayName: 'Staff', members: [{ value: member.id }] });
      sqlLog = logSql(s);
    });
    after(async () => {
      sqlLog.stop();
      await s.close();
    });

    const user = (userName: string) => ({
      schemas: [USER_URN],
      userName,
      name: { givenName: 'Ada', familyName: 'Lovelace' },
      emails: [{ value: userName, type: 'work', primary: true }],
      active: true,
    });

    it('answers POST /Users without reading group membership', async () => {
      sqlLog.log.length = 0;
      const res = await s.scim('POST', '/scim/v2/Users', user('ada@example.com'));
      assert.equal(res.status, 201, res.raw);
      // The recorder saw the create itself, so the absence below is about the statements that ran.
      assert.ok(sqlLog.log.some((q) => /insert into "scim_users"/i.test(q.sql)), sqlLog.log.map((q) => q.sql).join('\n'));
      assert.ok(!sqlLog.log.some((q) => /scim_group_members/.test(q.sql)), sqlLog.log.map((q) => q.sql).join('\n'));
    });

    it('answers POST /Users with exactly what a GET of the new user answers, without groups', async () => {
      const created = await s.scim('POST', '/scim/v2/Users', user('grace@example.com'));
      assert.equal(created.status, 201, created.raw);
      assert.equal('groups' in created.body, false);
      const read = await s.scim('GET', `/scim/v2/Users/${created.body.id}`);
      assert.deepEqual(created.body, read.body);
      assert.equal(created.headers.etag, read.headers.etag);
    });

    for (const [label, members] of [['no members', false], ['a member', true]] as const) {
      it(`answers POST /Groups with ${label} with exactly what a GET of the new group answers`, async () => {
        const u = await createUser(s, user(`in-${label.replace(/ /g, '-')}@example.com`));
        const created = await s.scim('POST', '/scim/v2/Groups', {
          schemas: [GROUP_URN],
          displayName: `Group with ${label}`,
          ...(members ? { members: [{ value: u.id }] } : {}),
        });
        assert.equal(created.status, 201, created.raw);
        const read = await s.scim('GET', `/scim/v2/Groups/${created.body.id}`);
        assert.deepEqual(created.body, read.body);
      });
    }
  });
}
