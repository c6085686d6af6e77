// An unfiltered list's totalResults comes from the company's count row (migration 009), kept by triggers, not
// from a count(*). Whatever writes the resources — creates, deletes, failed writes that roll back, Bulk, a
// setting's deletion, simultaneous writers — the count a client sees is the number of rows there are. On
// every store; the upgrade of a database that already holds users is checked on SQLite.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createScimSetting } from '../../src/provisioning/scim-settings.ts';
import { deleteScimSetting } from '../../src/provisioning/scim-setting-rules.ts';
import { openStore } from '../../src/store/open.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { address, unique } from '../support/scim.ts';
import { storeKinds } from '../support/stores.ts';
import { GROUP_URN, USER_URN } from './directory-fixture.ts';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';

for (const kind of storeKinds()) {
  describe(`totalResults of unfiltered lists on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    /** What a client is told, and what the table holds. */
    async function counts(companyId = s.companyId, token?: string) {
      const as: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
      const told = async (path: string) => {
        const res = await s.scim('GET', `${path}?count=1`, undefined, as);
        assert.equal(res.status, 200, res.raw);
        return res.body.totalResults as number;
      };
      const rows = async (table: 'scim_users' | 'scim_groups') =>
        Number((await s.store.db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).where('company_id', '=', companyId).executeTakeFirstOrThrow()).n);
      return { users: await told('/scim/v2/Users'), groups: await told('/scim/v2/Groups'), userRows: await rows('scim_users'), groupRows: await rows('scim_groups') };
    }
    const assertExact = async (expected: { users: number; groups: number }, companyId?: string, token?: string) => {
      const c = await counts(companyId, token);
      assert.deepEqual(c, { users: expected.users, groups: expected.groups, userRows: expected.users, groupRows: expected.groups });
    };
    const createUser = async (token?: string) => {
      const res = await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: address('counted') }, token ? { authorization: `Bearer ${token}` } : {});
      assert.equal(res.status, 201, res.raw);
      return res.body.id as string;
    };

    it('counts nothing in a company with no resources', async () => {
      await assertExact({ users: 0, groups: 0 });
    });

    const cases: [string, () => Promise<void>, { users: number; groups: number }][] = [
      ['three user creates add three', async () => void (await Promise.all([createUser(), createUser(), createUser()])), { users: 3, groups: 0 }],
      [
        'a group create adds a group, not a user',
        async () => assert.equal((await s.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName: unique('Counted') })).status, 201),
        { users: 3, groups: 1 },
      ],
      [
        'a create refused as a duplicate adds nothing',
        async () => {
          const userName = address('twice');
          assert.equal((await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName })).status, 201);
          assert.equal((await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: userName.toUpperCase() })).status, 409);
        },
        { users: 4, groups: 1 },
      ],
      [
        'a delete takes one, a second delete of the same user nothing',
        async () => {
          const id = await createUser();
          assert.equal((await s.scim('DELETE', `/scim/v2/Users/${id}`)).status, 204);
          assert.equal((await s.scim('DELETE', `/scim/v2/Users/${id}`)).status, 404);
        },
        { users: 4, groups: 1 },
      ],
      [
        'a Bulk request counts the operations that succeeded',
        async () => {
          const userName = address('bulk');
          const res = await s.scim('POST', '/scim/v2/Bulk', {
            schemas: [BULK_REQUEST],
            Operations: [
              { method: 'POST', path: '/Users', bulkId: 'a', data: { schemas: [USER_URN], userName } },
              { method: 'POST', path: '/Users', bulkId: 'b', data: { schemas: [USER_URN], userName } },
              { method: 'POST', path: '/Groups', bulkId: 'g', data: { schemas: [GROUP_URN], displayName: unique('Bulk') } },
            ],
          });
          assert.equal(res.status, 200, res.raw);
          assert.deepEqual(res.body.Operations.map((o: { status: string }) => o.status), ['201', '409', '201']);
        },
        { users: 5, groups: 2 },
      ],
    ];
    for (const [what, act, expected] of cases) {
      it(`${what}: totalResults is the number of rows`, async () => {
        await act();
        await assertExact(expected);
      });
    }

    it('stays exact under simultaneous creates and deletes', async () => {
      const before = await counts();
      const doomed = await Promise.all(Array.from({ length: 10 }, () => createUser()));
      await Promise.all([
        ...Array.from({ length: 20 }, () => createUser()),
        ...doomed.map(async (id) => assert.equal((await s.scim('DELETE', `/scim/v2/Users/${id}`)).status, 204)),
      ]);
      await assertExact({ users: before.users + 20, groups: before.groups });
    });

    it("counts each company apart, and drops a deleted setting's users and groups", async () => {
      const other = await s.otherTenant();
      const mine = await counts();
      await Promise.all([createUser(other.token), createUser(other.token)]);
      const second = await createScimSetting(s.store, { companyId: other.companyId, name: 'Okta' }, CLI_ACTOR);
      await createUser(second.token);
      await assertExact({ users: 3, groups: 0 }, other.companyId, other.token);
      await assertExact({ users: mine.users, groups: mine.groups });
      await deleteScimSetting(s.store, other.settingId, CLI_ACTOR);
      await assertExact({ users: 1, groups: 0 }, other.companyId, second.token);
    });
  });
}

describe('upgrading a database that already holds SCIM resources', () => {
  it('counts the users and groups already there when the count rows arrive', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roster-counts-'));
    const url = `sqlite:${join(dir, 'roster.db')}`;
    try {
      const s = await startServer(storeKinds()[0]!, { store: await openStore(url) });
      for (let i = 0; i < 3; i++) assert.equal((await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: address('old') })).status, 201);
      assert.equal((await s.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName: unique('Old') })).status, 201);
      // Back to the schema before migration 009, as a database written by the previous release is.
      for (const trigger of ['scim_users_counted_insert', 'scim_users_counted_delete', 'scim_groups_counted_insert', 'scim_groups_counted_delete']) {
        await sql`DROP TRIGGER ${sql.raw(trigger)}`.execute(s.store.db);
      }
      await sql`DROP TABLE scim_resource_counts`.execute(s.store.db);
      await sql`DELETE FROM kysely_migration WHERE name = '009_scim_resource_counts'`.execute(s.store.db);
      const companyId = s.companyId;
      await s.close();
      await s.store.close();

      const upgraded = await openStore(url);
      try {
        const row = await upgraded.db.selectFrom('scim_resource_counts').selectAll().where('company_id', '=', companyId).executeTakeFirstOrThrow();
        assert.deepEqual([row.user_count, row.group_count], [3, 1]);
      } finally {
        await upgraded.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
