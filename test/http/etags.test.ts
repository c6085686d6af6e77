// ETags (RFC 7644 §3.14): meta.version is the ETag, changes on every change and only then; If-Match guards
// PUT, PATCH and DELETE; If-None-Match answers 304. Users and Groups alike, on every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { GROUP_URN, USER_URN, assertScimError, createGroup, createUser, groupRow, memberIds, patchOp, unique, userRow } from '../support/scim.ts';

interface TypeCase {
  type: 'User' | 'Group';
  create(s: TestServer): Promise<any>;
  /** A full PUT body that changes the resource. */
  putBody(r: any): Record<string, unknown>;
  /** A PUT body that repeats what is stored, in the IdP's own spelling. */
  resend(r: any): Record<string, unknown>;
  patch: unknown;
  row(s: TestServer, id: string): Promise<unknown>;
}

const types: TypeCase[] = [
  {
    type: 'User',
    create: (s) => createUser(s, { name: { givenName: 'Ann' }, emails: [{ value: 'ann@x.example', type: 'work' }], active: true }),
    putBody: (r) => ({ schemas: [USER_URN], userName: r.userName, title: unique('title') }),
    resend: (r) => ({
      schemas: [USER_URN],
      UserName: r.userName,
      name: { GivenName: 'Ann' },
      emails: { value: 'ann@x.example', type: 'work' },
      active: 'True',
      password: 'resent-every-cycle',
    }),
    patch: patchOp({ op: 'replace', path: 'title', value: 'Changed' }),
    row: (s, id) => userRow(s.store, id),
  },
  {
    type: 'Group',
    create: async (s) => {
      const [a, b] = [await createUser(s), await createUser(s)];
      return { ...(await createGroup(s, { members: [{ value: a.id }, { value: b.id }] })), memberIds: [a.id, b.id] };
    },
    putBody: (r) => ({ schemas: [GROUP_URN], displayName: unique('renamed') }),
    resend: (r) => ({ schemas: [GROUP_URN], DisplayName: r.displayName, members: [...r.memberIds].reverse().map((value: string) => ({ value })) }),
    patch: patchOp({ op: 'replace', path: 'externalId', value: 'changed' }),
    row: async (s, id) => ({ group: await groupRow(s.store, id), members: await memberIds(s.store, id) }),
  },
];

for (const kind of storeKinds()) {
  describe(`ETags on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    for (const t of types) {
      const url = (id: string) => `/scim/v2/${t.type}s/${id}`;
      const version = async (id: string) => {
        const res = await s.scim('GET', url(id));
        assert.equal(res.headers.etag, res.body.meta.version);
        return res.body.meta.version as string;
      };

      describe(`${t.type}s`, () => {
        it('sends meta.version as the ETag and changes it on every PUT and PATCH', async () => {
          const r = await t.create(s);
          assert.match(r.meta.version, /^W\/"[^"]+"$/);
          const seen = new Set([r.meta.version]);
          const put = await s.scim('PUT', url(r.id), t.putBody(r));
          assert.equal(put.status, 200, put.raw);
          assert.equal(put.headers.etag, put.body.meta.version);
          seen.add(put.headers.etag as string);
          const patched = await s.scim('PATCH', url(r.id), t.patch);
          assert.ok(patched.status === 200 || patched.status === 204, patched.raw);
          seen.add(patched.headers.etag as string);
          assert.equal(seen.size, 3, [...seen].join(' '));
          assert.equal(await version(r.id), patched.headers.etag);
        });

        const guarded: [string, (r: any) => unknown][] = [
          ['PUT', (r) => t.putBody(r)],
          ['PATCH', () => t.patch],
          ['DELETE', () => undefined],
        ];
        for (const [method, body] of guarded) {
          it(`answers ${method} with a stale If-Match with 412 and writes nothing`, async () => {
            const r = await t.create(s);
            await s.scim('PATCH', url(r.id), patchOp({ op: 'replace', path: 'externalId', value: 'moved-on' }));
            const before = await t.row(s, r.id);
            const res = await s.scim(method, url(r.id), body(r), { 'if-match': r.meta.version });
            assertScimError(res, 412);
            assert.deepEqual(await t.row(s, r.id), before);
          });

          const forms: [string, (tag: string) => string][] = [
            ['weak, as sent', (tag) => tag],
            ['strong', (tag) => tag.replace(/^W\//, '')],
            ['in a list', (tag) => `W/"0", ${tag}`],
          ];
          for (const [form, header] of forms) {
            it(`answers ${method} with the current version in If-Match (${form}) as without one`, async () => {
              const r = await t.create(s);
              const res = await s.scim(method, url(r.id), body(r), { 'if-match': header(r.meta.version) });
              assert.equal(res.status, method === 'DELETE' || (method === 'PATCH' && t.type === 'Group') ? 204 : 200, res.raw);
            });
          }
        }

        it('accepts If-Match: * for any current version', async () => {
          const r = await t.create(s);
          assert.equal((await s.scim('PUT', url(r.id), t.putBody(r), { 'if-match': '*' })).status, 200);
        });

        it('answers a GET with If-None-Match of the current version with 304 and no body, and a stale one with 200', async () => {
          const r = await t.create(s);
          const fresh = await s.scim('GET', url(r.id), undefined, { 'if-none-match': r.meta.version });
          assert.equal(fresh.status, 304);
          assert.equal(fresh.raw, '');
          assert.equal(fresh.headers.etag, r.meta.version);
          await s.scim('PUT', url(r.id), t.putBody(r));
          const stale = await s.scim('GET', url(r.id), undefined, { 'if-none-match': r.meta.version });
          assert.equal(stale.status, 200);
          assert.notEqual(stale.headers.etag, r.meta.version);
        });

        it('changes nothing, not even meta.version or lastModified, on an identical re-PUT (Entra re-sync)', async () => {
          const r = await t.create(s);
          const before = await t.row(s, r.id);
          const res = await s.scim('PUT', url(r.id), t.resend(r));
          assert.equal(res.status, 200, res.raw);
          assert.equal(res.headers.etag, r.meta.version);
          assert.equal(res.body.meta.version, r.meta.version);
          assert.equal(res.body.meta.lastModified, r.meta.lastModified);
          assert.deepEqual(await t.row(s, r.id), before);
        });

        it('keeps meta.version on a PATCH that sets what is already there', async () => {
          const r = await t.create(s);
          const value = t.type === 'User' ? { userName: r.userName, active: true } : { displayName: r.displayName };
          const res = await s.scim('PATCH', url(r.id), patchOp({ op: 'replace', value }));
          assert.equal(res.headers.etag, r.meta.version);
          assert.equal(await version(r.id), r.meta.version);
        });
      });
    }

    it("changes a group's version when one of its members is deleted, so a cached copy is not answered 304", async () => {
      const [a, b] = [await createUser(s), await createUser(s)];
      const g = await createGroup(s, { members: [{ value: a.id }, { value: b.id }] });
      assert.equal((await s.scim('DELETE', `/scim/v2/Users/${a.id}`)).status, 204);
      const res = await s.scim('GET', `/scim/v2/Groups/${g.id}`, undefined, { 'if-none-match': g.meta.version });
      assert.equal(res.status, 200);
      assert.notEqual(res.headers.etag, g.meta.version);
      assert.deepEqual(res.body.members.map((m: any) => m.value), [b.id]);
      assert.ok(res.body.meta.lastModified >= g.meta.lastModified);
    });

    it("keeps a group's version when a PATCH adds members it already has and removes ones it does not", async () => {
      const [a, b] = [await createUser(s), await createUser(s)];
      const g = await createGroup(s, { members: [{ value: a.id }] });
      const res = await s.scim(
        'PATCH',
        `/scim/v2/Groups/${g.id}`,
        patchOp({ op: 'add', path: 'members', value: [{ value: a.id }] }, { op: 'remove', path: `members[value eq "${b.id}"]` }),
      );
      assert.equal(res.status, 204);
      assert.equal(res.headers.etag, g.meta.version);
    });
  });
}
