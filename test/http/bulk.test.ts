// POST /Bulk (RFC 7644 §3.7) through the real server on every store: bulkId references in any order,
// per-operation results, failOnErrors, and the advertised limits.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { assertScimError } from '../support/scim.ts';
import { GROUP_URN, USER_URN } from './directory-fixture.ts';

const BULK_REQUEST = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
const BULK_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

type Op = Record<string, unknown>;
const user = (bulkId: string, userName: string, extra: Record<string, unknown> = {}): Op => ({
  method: 'POST', path: '/Users', bulkId, data: { schemas: [USER_URN], userName, ...extra },
});
const group = (bulkId: string, displayName: string, members: string[]): Op => ({
  method: 'POST', path: '/Groups', bulkId, data: { schemas: [GROUP_URN], displayName, members: members.map((value) => ({ value })) },
});

for (const kind of storeKinds()) {
  describe(`POST /Bulk on ${kind.name}`, () => {
    let s: TestServer;
    let n = 0;
    /** A userName no other test uses. */
    const fresh = (what: string) => `${what}-${++n}@example.com`;
    const bulk = (Operations: Op[], extra: Record<string, unknown> = {}) =>
      s.scim('POST', '/scim/v2/Bulk', { schemas: [BULK_REQUEST], ...extra, Operations });

    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    it('creates a user and a group whose members refer to it by bulkId', async () => {
      const res = await bulk([user('u1', fresh('member')), group('g1', 'Bulk group 1', ['bulkId:u1'])]);
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(res.body.schemas, [BULK_RESPONSE]);
      const [u, g] = res.body.Operations;
      assert.deepEqual([u.method, u.bulkId, u.status], ['POST', 'u1', '201']);
      assert.deepEqual([g.method, g.bulkId, g.status], ['POST', 'g1', '201']);
      assert.match(u.location, /\/scim\/v2\/Users\/[0-9a-f-]{36}$/);
      assert.match(g.location, /\/scim\/v2\/Groups\/[0-9a-f-]{36}$/);
      assert.equal(u.version, 'W/"1"');
      const read = await s.scim('GET', new URL(g.location).pathname);
      assert.deepEqual(read.body.members.map((m: { value: string }) => m.value), [u.location.split('/').pop()]);
    });

    it('resolves a bulkId used before the operation that defines it', async () => {
      const name = fresh('late');
      const res = await bulk([group('g2', 'Bulk group 2', ['bulkId:u2', 'bulkId:u3']), user('u2', name), user('u3', fresh('later'))]);
      assert.equal(res.status, 200, res.raw);
      // Results keep the request's order.
      assert.deepEqual(res.body.Operations.map((o: Op) => [o.bulkId, o.status]), [['g2', '201'], ['u2', '201'], ['u3', '201']]);
      const read = await s.scim('GET', new URL(res.body.Operations[0].location).pathname);
      assert.equal(read.body.members.length, 2);
    });

    it('answers PUT, PATCH and DELETE with their status, location and version, also on a path that names a bulkId', async () => {
      const name = fresh('cycle');
      const res = await bulk([
        user('u4', name),
        { method: 'PATCH', path: '/Users/bulkId:u4', data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Boss' }] } },
        { method: 'PUT', path: '/Users/bulkId:u4', data: { schemas: [USER_URN], userName: name, title: 'CEO' } },
        { method: 'DELETE', path: '/Users/bulkId:u4' },
      ]);
      assert.equal(res.status, 200, res.raw);
      const [post, patch, put, del] = res.body.Operations;
      assert.deepEqual([patch.status, put.status, del.status], ['200', '200', '204']);
      assert.deepEqual([patch.version, put.version], ['W/"2"', 'W/"3"']);
      for (const op of [patch, put, del]) assert.equal(op.location, post.location, `${op.method} location`);
      assert.equal(del.version, undefined);
      const gone = await s.scim('GET', new URL(post.location).pathname);
      assert.equal(gone.status, 404);
    });

    it('honours a version (If-Match) per operation and answers 412 for a stale one', async () => {
      const created = await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: fresh('etag') });
      const path = `/Users/${created.body.id}`;
      const res = await bulk([
        { method: 'PATCH', path, version: 'W/"1"', data: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'title', value: 'A' }] } },
        { method: 'PATCH', path, version: 'W/"1"', data: { schemas: [PATCH_OP], Operations: [{ op: 'add', path: 'title', value: 'B' }] } },
      ]);
      assert.deepEqual(res.body.Operations.map((o: Op) => o.status), ['200', '412']);
      assert.equal(res.body.Operations[1].location, created.headers.location);
      assert.equal(res.body.Operations[1].response.status, '412');
    });

    it('carries on after a failed operation when failOnErrors is not set', async () => {
      const dup = fresh('dup');
      const res = await bulk([user('a', dup), user('b', dup.toUpperCase()), user('c', fresh('after')), { method: 'DELETE', path: '/Users/no-such-id' }]);
      assert.equal(res.status, 200, res.raw);
      const [a, b, c, d] = res.body.Operations;
      assert.equal(a.status, '201');
      assert.equal(b.status, '409');
      assert.equal(b.location, undefined, 'a failed POST has no location');
      assert.deepEqual(b.response, { schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness', detail: b.response.detail });
      assert.equal(c.status, '201');
      assert.equal(d.status, '404');
      assert.match(d.location, /\/Users\/no-such-id$/);
    });

    it('stops after failOnErrors errors and reports only what it processed', async () => {
      const res = await bulk(
        [
          user('ok1', fresh('fo')),
          user('bad1', ''),
          { method: 'DELETE', path: '/Users/missing-1' },
          user('never', fresh('never')),
        ],
        { failOnErrors: 2 },
      );
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(res.body.Operations.map((o: Op) => o.status), ['201', '400', '404']);
      const never = await s.scim('GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName sw "never-"`)}`);
      assert.equal(never.body.totalResults, 0);
    });

    it('stops at the first error with failOnErrors=1', async () => {
      const res = await bulk([user('x1', ''), user('x2', fresh('skipped'))], { failOnErrors: 1 });
      assert.deepEqual(res.body.Operations.map((o: Op) => o.status), ['400']);
    });

    it('answers each operation of a circular reference with 409', async () => {
      const res = await bulk([
        group('ga', 'Circle A', ['bulkId:gb']),
        group('gb', 'Circle B', ['bulkId:ga']),
        user('free', fresh('free')),
      ]);
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(res.body.Operations.map((o: Op) => [o.bulkId, o.status]), [['ga', '409'], ['gb', '409'], ['free', '201']]);
      assert.match(res.body.Operations[0].response.detail, /[Cc]ircular/);
      const groups = await s.scim('GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName sw "Circle"')}`);
      assert.equal(groups.body.totalResults, 0);
    });

    it('answers an operation that refers to an unknown bulkId with a per-operation error naming it', async () => {
      const res = await bulk([group('gx', 'Dangling', ['bulkId:nobody']), user('fine', fresh('fine'))]);
      assert.equal(res.status, 200, res.raw);
      const [gx, fine] = res.body.Operations;
      assert.equal(gx.status, '400');
      assert.match(gx.response.detail, /bulkId:nobody/);
      assert.equal(fine.status, '201');
    });

    it('fails an operation that refers to a bulkId whose operation failed', async () => {
      const res = await bulk([user('broken', ''), group('gy', 'Depends on broken', ['bulkId:broken'])]);
      assert.deepEqual(res.body.Operations.map((o: Op) => o.status), ['400', '409']);
      assert.match(res.body.Operations[1].response.detail, /bulkId:broken/);
    });

    // RFC 7644 §3.7: each operation fails or succeeds on its own; the applied ones are reported with their
    // location, and failOnErrors counts the malformed ones too.
    const malformed: [string, Op, string][] = [
      ['a POST without bulkId', { method: 'POST', path: '/Users', data: { schemas: [USER_URN], userName: 'noid@example.com' } }, 'invalidSyntax'],
      ['an unknown method', { method: 'FETCH', path: '/Users/x' }, 'invalidSyntax'],
      ['a missing path', { method: 'DELETE' }, 'invalidSyntax'],
      ['an operation that is not an object', 'DELETE /Users/x' as unknown as Op, 'invalidSyntax'],
      ['a malformed percent-encoding in the path', { method: 'DELETE', path: '/Users/%E0%A4%A' }, 'invalidPath'],
      ['a percent-encoded lone surrogate in the path', { method: 'DELETE', path: '/Users/%ED%A0%80' }, 'invalidPath'],
      ['a percent-encoded NUL in the path', { method: 'PATCH', path: '/Users/x%00', data: { schemas: [PATCH_OP], Operations: [] } }, 'invalidPath'],
      ['a path outside /Users and /Groups', { method: 'DELETE', path: '/Schemas/x' }, 'invalidPath'],
      ['a non-string bulkId', { method: 'DELETE', path: '/Users/x', bulkId: 7 }, 'invalidSyntax'],
    ];
    for (const [what, bad, scimType] of malformed) {
      it(`fails ${what} on its own and still applies and reports the operations around it`, async () => {
        const before = await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: fresh('before') });
        const res = await bulk([
          { method: 'PATCH', path: `/Users/${before.body.id}`, data: { schemas: [PATCH_OP], Operations: [{ op: 'replace', path: 'title', value: 'Patched' }] } },
          bad,
          user('after', fresh('after')),
        ]);
        assert.equal(res.status, 200, res.raw);
        const [patched, failed, created] = res.body.Operations;
        assert.equal(patched.status, '200');
        assert.equal(patched.location, before.body.meta.location);
        assert.equal(failed.status, '400');
        assert.equal(failed.response.scimType, scimType);
        assert.equal(created.status, '201');
        assert.match(created.location, /\/Users\/[0-9a-f-]{36}$/);
        assert.equal((await s.scim('GET', new URL(created.location).pathname)).status, 200);
      });
    }

    it('fails a second operation with the same bulkId and lets the first one create', async () => {
      const res = await bulk([user('same', fresh('s1')), user('same', fresh('s2')), group('gs', 'Same bulkId group', ['bulkId:same'])]);
      assert.equal(res.status, 200, res.raw);
      const [first, second, grouped] = res.body.Operations;
      assert.equal(first.status, '201');
      assert.equal(second.status, '400');
      assert.equal(second.response.scimType, 'invalidValue');
      assert.equal(grouped.status, '201');
    });

    it('counts malformed operations against failOnErrors and stops there', async () => {
      const res = await bulk([{ method: 'FETCH', path: '/Users/x' }, user('never', fresh('never'))], { failOnErrors: 1 });
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(res.body.Operations.map((o: Op) => o.status), ['400']);
    });

    it('answers 413 to more operations than the advertised maxOperations', async () => {
      const spc = await s.scim('GET', '/scim/v2/ServiceProviderConfig');
      const max: number = spc.body.bulk.maxOperations;
      const ops = Array.from({ length: max + 1 }, (_, i) => ({ method: 'DELETE', path: `/Users/x${i}` }));
      const res = await bulk(ops);
      assertScimError(res, 413);
      assert.match(res.body.detail, new RegExp(String(max)));
      // Exactly maxOperations is accepted.
      const ok = await bulk(ops.slice(0, max));
      assert.equal(ok.status, 200);
      assert.equal(ok.body.Operations.length, max);
    });
  });

  describe(`Bulk payload limit on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { bodyLimit: 4096 });
    });
    after(() => s.close());

    it('advertises the body limit as bulk.maxPayloadSize and answers 413 above it', async () => {
      const spc = await s.scim('GET', '/scim/v2/ServiceProviderConfig');
      assert.equal(spc.body.bulk.maxPayloadSize, 4096);
      const ops = Array.from({ length: 60 }, (_, i) => user(`p${i}`, `payload-${i}@example.com`));
      const body = JSON.stringify({ schemas: [BULK_REQUEST], Operations: ops });
      assert.ok(body.length > 4096);
      const res = await s.scim('POST', '/scim/v2/Bulk', body, { 'content-type': 'application/scim+json' });
      assertScimError(res, 413);
      const none = await s.scim('GET', '/scim/v2/Users?count=0');
      assert.equal(none.body.totalResults, 0);
    });
  });
}
