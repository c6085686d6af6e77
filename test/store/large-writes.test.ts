// A whole group's membership in one request (Okta pushes it as one PUT; SCIM_LIMITS.membersPerRequest is
// 100,000) must not hit SQLite's variable limit or PostgreSQL's bind limit: the store splits its statements.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { SCIM_LIMITS } from '../../src/scim/limits.ts';
import { MAX_PARAMETERS, chunks } from '../../src/store/chunks.ts';
import { inTransaction, type Store } from '../../src/store/open.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { GROUP_URN, createGroup, memberIds } from '../support/scim.ts';

describe('chunks', () => {
  it('keeps every statement within MAX_PARAMETERS bound parameters, items in order', () => {
    const items = Array.from({ length: 25_001 }, (_, i) => i);
    const slices = [...chunks(items, 3, 1)];
    assert.ok(slices.every((s) => s.length * 3 + 1 <= MAX_PARAMETERS));
    assert.deepEqual(slices.flat(), items);
    assert.deepEqual([...chunks([], 5)], []);
  });
});

/** `n` users written straight into the tables (through HTTP they would take minutes). */
async function seedUsers(store: Store, companyId: string, settingId: string, n: number): Promise<string[]> {
  const at = new Date().toISOString();
  const rows = Array.from({ length: n }, (_, i) => {
    const userName = `bulk-${i}@big.example`;
    const resource = store.dialect.toJson({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName });
    return {
      company_id: companyId, id: randomUUID(), scim_setting_id: settingId, user_name: userName, user_name_ci: userName,
      external_id: null, active: store.dialect.toBool(true), resource, resource_ci: resource, version: 1, created_at: at, updated_at: at,
    };
  });
  await inTransaction(store, async ({ db }) => {
    for (const slice of chunks(rows, 12)) await db.insertInto('scim_users').values(slice).execute();
  });
  return rows.map((r) => r.id);
}

for (const kind of storeKinds()) {
  describe(`A group of ${SCIM_LIMITS.membersPerRequest} members on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      // 100,000 {"value": id} entries are ~5 MB.
      s = await startServer(kind, { bodyLimit: 16 * 1024 * 1024, handlerTimeoutMs: 180_000 });
    });
    after(() => s.close());

    it('is written by one PUT, and a second PUT leaves exactly its own members', async () => {
      const ids = await seedUsers(s.store, s.companyId, s.settingId, SCIM_LIMITS.membersPerRequest);
      const g = await createGroup(s, { members: ids.slice(0, 10).map((value) => ({ value })) });
      const put = (members: string[]) =>
        s.scim('PUT', `/scim/v2/Groups/${g.id}?excludedAttributes=members`, { schemas: [GROUP_URN], displayName: g.displayName, members: members.map((value) => ({ value })) });

      const first = await put(ids);
      assert.equal(first.status, 200, first.raw.slice(0, 500));
      assert.deepEqual(await memberIds(s.store, g.id), [...ids].sort());

      // Half of them stay, half leave: the removal and the insert are chunked too.
      const second = ids.slice(SCIM_LIMITS.membersPerRequest / 2);
      assert.equal((await put(second)).status, 200);
      assert.deepEqual(await memberIds(s.store, g.id), [...second].sort());
    });
  });
}
