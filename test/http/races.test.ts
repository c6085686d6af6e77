// Concurrent requests through the real server: uniqueness holds by database constraint, and concurrent
// changes to one resource are all applied (optimistic concurrency with retry, provisioning/scim/kind.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { GROUP_URN, USER_URN, assertScimError, createGroup, createUser, memberIds, patchOp, unique } from '../support/scim.ts';

const CONCURRENCY = 20;

for (const kind of storeKinds()) {
  describe(`Concurrent requests on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    /** Sends one request per body, all at once, through the server's own request handling. */
    const fire = (method: 'POST' | 'PATCH', url: string, bodies: unknown[]) => Promise.all(bodies.map((body) => s.scim(method, url, body)));

    it(`gives exactly one 201 and ${CONCURRENCY - 1} × 409 uniqueness to ${CONCURRENCY} simultaneous creates of one userName`, async () => {
      const userName = unique('racer');
      // Mixed case on purpose: the constraint is on the folded name.
      const bodies = Array.from({ length: CONCURRENCY }, (_, i) => ({ schemas: [USER_URN], userName: i % 2 ? userName.toUpperCase() : userName, emails: [{ value: `${userName}@x.example` }] }));
      const responses = await fire('POST', '/scim/v2/Users', bodies);
      const statuses = responses.map((r) => r.status).sort();
      assert.deepEqual(statuses, [201, ...Array(CONCURRENCY - 1).fill(409)]);
      for (const r of responses.filter((x) => x.status === 409)) {
        assertScimError(r, 409, 'uniqueness');
        assert.deepEqual(Object.keys(r.body).sort(), ['detail', 'schemas', 'scimType', 'status']);
      }
      const rows = await s.store.db.selectFrom('scim_users').select('id').where('company_id', '=', s.companyId).where('user_name_ci', '=', userName.toLowerCase()).execute();
      assert.equal(rows.length, 1);
    });

    it(`gives exactly one 201 to ${CONCURRENCY} simultaneous creates of one group displayName`, async () => {
      const displayName = unique('Racers');
      const responses = await fire('POST', '/scim/v2/Groups', Array.from({ length: CONCURRENCY }, () => ({ schemas: [GROUP_URN], displayName })));
      assert.deepEqual(responses.map((r) => r.status).sort(), [201, ...Array(CONCURRENCY - 1).fill(409)]);
    });

    it(`applies all of ${CONCURRENCY} simultaneous PATCHes that each add a different e-mail to one user`, async () => {
      const u = await createUser(s);
      const emails = Array.from({ length: CONCURRENCY }, (_, i) => `mail-${i}@x.example`);
      const responses = await fire(
        'PATCH',
        `/scim/v2/Users/${u.id}`,
        emails.map((value) => patchOp({ op: 'add', path: 'emails', value: [{ value, type: 'work' }] })),
      );
      assert.deepEqual(responses.map((r) => r.status), Array(CONCURRENCY).fill(200), responses.map((r) => r.raw).join('\n'));
      const read = await s.scim('GET', `/scim/v2/Users/${u.id}`);
      assert.deepEqual(read.body.emails.map((e: any) => e.value).sort(), [...emails].sort());
      assert.equal(read.body.meta.version, `W/"${CONCURRENCY + 1}"`);
      const rows = await s.store.db.selectFrom('scim_user_emails').select('value_ci').where('user_id', '=', u.id).execute();
      assert.equal(rows.length, CONCURRENCY);
    });

    it(`applies all of ${CONCURRENCY} simultaneous member adds to one group`, async () => {
      const users = await Promise.all(Array.from({ length: CONCURRENCY }, () => createUser(s)));
      const g = await createGroup(s);
      const responses = await fire(
        'PATCH',
        `/scim/v2/Groups/${g.id}`,
        users.map((u) => patchOp({ op: 'add', path: 'members', value: [{ value: u.id }] })),
      );
      assert.deepEqual(responses.map((r) => r.status), Array(CONCURRENCY).fill(204), responses.map((r) => r.raw).join('\n'));
      assert.deepEqual(await memberIds(s.store, g.id), users.map((u) => u.id).sort());
    });
  });
}
