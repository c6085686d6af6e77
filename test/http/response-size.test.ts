// SCIM_LIMITS.responseBytes: a list page of very large resources holds fewer resources than asked for,
// never more bytes than the budget (plus the one resource a page always holds), and every way of paging
// — startIndex + itemsPerPage, cursors, the root /.search — still visits each resource exactly once.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SCIM_LIMITS } from '../../src/scim/limits.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { USER_URN } from '../support/scim.ts';

// Four strings of 15,000 characters: a user of ~60 KB, under SCIM_LIMITS.resourceBytes.
const big = (i: number) => `${i}`.padEnd(15_000, 'x');
const USERS = Math.ceil((SCIM_LIMITS.responseBytes * 1.5) / 60_000);

for (const kind of storeKinds()) {
  describe(`List pages of very large users on ${kind.name}`, () => {
    let s: TestServer;
    const ids = new Set<string>();
    before(async () => {
      s = await startServer(kind);
      for (let i = 0; i < USERS; i++) {
        const res = await s.scim('POST', '/scim/v2/Users', {
          schemas: [USER_URN],
          userName: `big-${i}@example.com`,
          title: big(i),
          nickName: big(i),
          displayName: big(i),
          name: { formatted: big(i) },
        });
        assert.equal(res.status, 201, res.raw);
        ids.add(res.body.id);
      }
    });
    after(() => s.close());

    it('cuts a page to the byte budget and says so in itemsPerPage', async () => {
      const res = await s.scim('GET', '/scim/v2/Users?count=1000');
      assert.equal(res.status, 200);
      assert.equal(res.body.totalResults, USERS);
      assert.ok(res.body.itemsPerPage < USERS, `itemsPerPage ${res.body.itemsPerPage}`);
      assert.equal(res.body.Resources.length, res.body.itemsPerPage);
      assert.ok(Buffer.byteLength(res.raw) <= SCIM_LIMITS.responseBytes + 1024, `${Buffer.byteLength(res.raw)} bytes`);
    });

    it('visits every user once when paging by startIndex + itemsPerPage', async () => {
      const seen: string[] = [];
      for (let start = 1; start <= USERS; ) {
        const res = await s.scim('GET', `/scim/v2/Users?attributes=id&startIndex=${start}&count=1000`);
        // attributes=id makes the page small: the budget counts what is sent, not what is stored.
        assert.equal(res.body.itemsPerPage, USERS - start + 1);
        seen.push(...res.body.Resources.map((r: { id: string }) => r.id));
        start += res.body.itemsPerPage;
      }
      assert.deepEqual(new Set(seen), ids);
      const full: string[] = [];
      for (let start = 1; start <= USERS; ) {
        const res = await s.scim('GET', `/scim/v2/Users?startIndex=${start}&count=1000`);
        assert.ok(res.body.itemsPerPage >= 1);
        full.push(...res.body.Resources.map((r: { id: string }) => r.id));
        start += res.body.itemsPerPage;
      }
      assert.equal(full.length, USERS);
      assert.deepEqual(new Set(full), ids);
    });

    for (const [what, path, body] of [
      ['GET /Users', '/scim/v2/Users', undefined],
      ['POST /Users/.search', '/scim/v2/Users/.search', {}],
      ['the root POST /.search', '/scim/v2/.search', {}],
    ] as const) {
      it(`visits every user once when paging ${what} by cursor`, async () => {
        const seen: string[] = [];
        let cursor = '';
        for (let pages = 0; pages < USERS + 1; pages++) {
          const res = body
            ? await s.scim('POST', path, { ...body, cursor, count: 1000 })
            : await s.scim('GET', `${path}?cursor=${cursor}&count=1000`);
          assert.equal(res.status, 200, res.raw);
          assert.ok(Buffer.byteLength(res.raw) <= SCIM_LIMITS.responseBytes + 70_000);
          seen.push(...res.body.Resources.map((r: { id: string }) => r.id));
          if (!res.body.nextCursor) break;
          cursor = res.body.nextCursor;
        }
        assert.equal(seen.length, USERS);
        assert.deepEqual(new Set(seen), ids);
      });
    }

    it('visits every user once when paging the root /.search by startIndex', async () => {
      const seen: string[] = [];
      for (let start = 1; start <= USERS; ) {
        const res = await s.scim('POST', '/scim/v2/.search', { startIndex: start, count: 1000 });
        assert.equal(res.status, 200, res.raw);
        assert.ok(res.body.itemsPerPage >= 1);
        seen.push(...res.body.Resources.map((r: { id: string }) => r.id));
        start += res.body.itemsPerPage;
      }
      assert.deepEqual(new Set(seen), ids);
      assert.equal(seen.length, USERS);
    });
  });
}
