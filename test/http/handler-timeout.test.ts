// HANDLER_TIMEOUT_MS: a SCIM request that cannot finish in time answers 503 with Retry-After and changes
// nothing, even when the work it was waiting for goes on afterwards. The wait is made real: another
// transaction holds the user's row (PostgreSQL) or the store's one connection (SQLite) past the deadline.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { sql } from 'kysely';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { assertScimError, BULK_REQUEST_URN, counts, createUser, patchOp, USER_URN, address } from '../support/scim.ts';

const TIMEOUT_MS = 300;

for (const kind of storeKinds()) {
  describe(`Handler timeout on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { handlerTimeoutMs: TIMEOUT_MS });
    });
    after(() => s.close());

    /** Holds `userId`'s row and the company's (which every insert's foreign key check waits for) — or on
     *  SQLite the store's one connection — for `ms`, while `during` runs. */
    async function whileLocked<T>(userId: string, ms: number, during: () => Promise<T>): Promise<T> {
      let locked!: () => void;
      const held = new Promise<void>((r) => (locked = r));
      const holder = s.store.db.transaction().execute(async (trx) => {
        const forUpdate = s.store.dialect.lockRows ? sql`FOR UPDATE` : sql``;
        await sql`SELECT id FROM scim_users WHERE id = ${userId} ${forUpdate}`.execute(trx);
        await sql`SELECT id FROM companies WHERE id = ${s.companyId} ${forUpdate}`.execute(trx);
        locked();
        await new Promise((r) => setTimeout(r, ms));
      });
      await held;
      const result = await during();
      await holder;
      return result;
    }

    const waitForSettled = () => new Promise((r) => setTimeout(r, 200));

    const writes: [string, (id: string) => Promise<{ status: number; headers: Record<string, unknown>; body: any }>][] = [
      ['a PATCH', (id) => s.scim('PATCH', `/scim/v2/Users/${id}`, patchOp({ op: 'replace', path: 'title', value: 'Too late' }))],
      ['a PUT', (id) => s.scim('PUT', `/scim/v2/Users/${id}`, { schemas: [USER_URN], userName: address('late') + '@example.com', title: 'Too late' })],
      ['a DELETE', (id) => s.scim('DELETE', `/scim/v2/Users/${id}`)],
      ['a create', () => s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: address('late') + '@example.com' })],
      [
        'a Bulk request',
        (id) =>
          s.scim('POST', '/scim/v2/Bulk', {
            schemas: [BULK_REQUEST_URN],
            Operations: [
              { method: 'PATCH', path: `/Users/${id}`, data: patchOp({ op: 'replace', path: 'title', value: 'Too late' }) },
              { method: 'POST', path: '/Users', bulkId: 'b1', data: { schemas: [USER_URN], userName: address('late') + '@example.com' } },
            ],
          }),
      ],
    ];
    for (const [what, send] of writes) {
      it(`answers ${what} that outlives the timeout with 503 and Retry-After, and writes nothing`, async () => {
        const user = await createUser(s, { title: 'Before' });
        const before = await counts(s.store);
        const res = await whileLocked(user.id, TIMEOUT_MS * 3, () => send(user.id));
        assertScimError(res as never, 503);
        assert.ok(Number(res.headers['retry-after']) >= 1);
        assert.match(res.body.detail, new RegExp(`\\(request ${res.headers['x-request-id']}\\)$`));
        await waitForSettled();
        assert.deepEqual(await counts(s.store), before);
        const now = await s.scim('GET', `/scim/v2/Users/${user.id}`);
        assert.equal(now.body.title, 'Before');
        assert.equal(now.body.meta.version, user.meta.version);
      });
    }

    it('reports the Bulk operations it applied before the deadline and fails the one that ran past it with 503', async (t) => {
      // Only row locks let one operation commit while the next waits; SQLite's lock is the whole file.
      if (!s.store.dialect.lockRows) return t.skip('needs row locks');
      const free = await createUser(s, { title: 'Before' });
      const locked = await createUser(s, { title: 'Before' });
      const title = (value: string) => patchOp({ op: 'replace', path: 'title', value });
      const res = await whileLocked(locked.id, TIMEOUT_MS * 3, () =>
        s.scim('POST', '/scim/v2/Bulk', {
          schemas: [BULK_REQUEST_URN],
          Operations: [
            { method: 'PATCH', path: `/Users/${free.id}`, data: title('Applied') },
            { method: 'PATCH', path: `/Users/${locked.id}`, data: title('Too late') },
          ],
        }),
      );
      assert.equal(res.status, 200, res.raw);
      const [applied, late] = res.body.Operations;
      assert.equal(applied.status, '200');
      assert.equal(applied.location, free.meta.location);
      assert.equal(late.status, '503');
      assert.equal((await s.scim('GET', `/scim/v2/Users/${free.id}`)).body.title, 'Applied');
      await waitForSettled();
      assert.equal((await s.scim('GET', `/scim/v2/Users/${locked.id}`)).body.title, 'Before');
    });

    it('answers a request that finishes within the timeout as usual', async () => {
      const user = await createUser(s);
      const res = await whileLocked(user.id, TIMEOUT_MS / 3, () => s.scim('PATCH', `/scim/v2/Users/${user.id}`, patchOp({ op: 'replace', path: 'title', value: 'In time' })));
      assert.equal(res.status, 200);
      assert.equal(res.body.title, 'In time');
    });
  });
}
