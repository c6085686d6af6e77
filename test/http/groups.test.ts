// /Groups through the real server: the resource, membership as rows, and the user's derived `groups`
// (RFC 7643 §4.1.2, §4.2; RFC 7644 §3.5.2; idp-requests §6 rules 4, 6, 7), on every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import {
  GROUP_URN,
  USER_URN,
  assertScimContentType,
  assertScimError,
  counts,
  createGroup,
  createUser,
  groupRow,
  memberIds,
  patchOp,
  unique,
  withoutMeta,
} from '../support/scim.ts';

const UNKNOWN_ID = '0b7e5a52-dead-4bee-8000-000000000000';

for (const kind of storeKinds()) {
  describe(`Groups on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    const group = (id: string, query = '') => s.scim('GET', `/scim/v2/Groups/${id}${query}`);
    const user = (id: string) => s.scim('GET', `/scim/v2/Users/${id}`);
    const patchGroup = (id: string, ...ops: unknown[]) => s.scim('PATCH', `/scim/v2/Groups/${id}`, patchOp(...ops));

    describe('POST, GET, PUT, DELETE', () => {
      it('creates a group with 201, a Location, an ETag, its members and meta', async () => {
        const [a, b] = [await createUser(s), await createUser(s)];
        const displayName = unique('Tour Guides');
        const res = await s.scim('POST', '/scim/v2/Groups', {
          schemas: [GROUP_URN],
          displayName,
          externalId: 'ext-guides',
          members: [{ value: a.id }, { value: b.id, type: 'User' }],
        });
        assert.equal(res.status, 201, res.raw);
        assertScimContentType(res);
        const g = res.body;
        assert.deepEqual(g.schemas, [GROUP_URN]);
        assert.equal(g.displayName, displayName);
        assert.equal(g.externalId, 'ext-guides');
        assert.deepEqual(
          [...g.members].sort((x: any, y: any) => x.value.localeCompare(y.value)),
          [a, b]
            .map((u) => ({ value: u.id, $ref: `http://localhost:80/scim/v2/Users/${u.id}`, display: u.userName, type: 'User' }))
            .sort((x, y) => x.value.localeCompare(y.value)),
        );
        assert.equal(g.meta.resourceType, 'Group');
        assert.equal(g.meta.location, `http://localhost:80/scim/v2/Groups/${g.id}`);
        assert.equal(g.meta.created, g.meta.lastModified);
        assert.equal(res.headers.location, g.meta.location);
        assert.equal(res.headers.etag, g.meta.version);
        assert.deepEqual((await group(g.id)).body, g);
      });

      it('keeps membership as rows in its own table, not inside the stored resource', async () => {
        const [a, b] = [await createUser(s), await createUser(s)];
        const g = await createGroup(s, { members: [{ value: a.id }, { value: b.id }] });
        assert.deepEqual(await memberIds(s.store, g.id), [a.id, b.id].sort());
        const row = await groupRow(s.store, g.id);
        assert.doesNotMatch(JSON.stringify(row?.resource), /members/);
      });

      it('answers a GET with excludedAttributes=members without members', async () => {
        const a = await createUser(s);
        const g = await createGroup(s, { members: [{ value: a.id }] });
        const res = await group(g.id, '?excludedAttributes=members');
        assert.equal(res.status, 200);
        assert.equal('members' in res.body, false);
        assert.equal(res.body.displayName, g.displayName);
        assert.equal(res.headers.etag, g.meta.version);
        assert.equal('members' in (await group(g.id, '?excludedAttributes=MEMBERS')).body, false);
      });

      it('clears what a PUT omits, keeps id and meta.created, and sets the members to exactly the listed ones', async () => {
        const [a, b, c] = [await createUser(s), await createUser(s), await createUser(s)];
        const g = await createGroup(s, { externalId: 'ext-1', members: [{ value: a.id }, { value: b.id }] });
        const res = await s.scim('PUT', `/scim/v2/Groups/${g.id}`, {
          schemas: [GROUP_URN],
          id: 'ignored',
          displayName: g.displayName,
          members: [{ value: b.id }, { value: c.id }],
        });
        assert.equal(res.status, 200, res.raw);
        assert.equal(res.body.id, g.id);
        assert.equal(res.body.meta.created, g.meta.created);
        assert.equal('externalId' in res.body, false);
        assert.deepEqual(await memberIds(s.store, g.id), [b.id, c.id].sort());
        assert.deepEqual(res.body.members.map((m: any) => m.value).sort(), [b.id, c.id].sort());
      });

      it('answers DELETE with 204, removes the membership rows, and answers a second DELETE with 404', async () => {
        const a = await createUser(s);
        const g = await createGroup(s, { members: [{ value: a.id }] });
        const res = await s.scim('DELETE', `/scim/v2/Groups/${g.id}`);
        assert.equal(res.status, 204);
        assert.equal(res.raw, '');
        assert.deepEqual(await memberIds(s.store, g.id), []);
        assertScimError(await group(g.id), 404);
        assertScimError(await s.scim('DELETE', `/scim/v2/Groups/${g.id}`), 404);
        assert.equal((await user(a.id)).status, 200, 'deleting a group keeps its members');
      });

      for (const [method, body] of [
        ['GET', undefined],
        ['PUT', { schemas: [GROUP_URN], displayName: 'x' }],
        ['PATCH', patchOp({ op: 'replace', path: 'displayName', value: 'x' })],
        ['DELETE', undefined],
      ] as const) {
        it(`answers ${method} of an unknown group id with a 404 SCIM error`, async () => {
          assertScimError(await s.scim(method, `/scim/v2/Groups/${UNKNOWN_ID}`, body), 404);
        });
      }

      it('answers 400 invalidValue to a group without displayName', async () => {
        assertScimError(await s.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_URN] }), 400, 'invalidValue');
      });
    });

    describe('PATCH', () => {
      it('adds a member with 204 and an ETag, as a new row', async () => {
        const [a, b] = [await createUser(s), await createUser(s)];
        const g = await createGroup(s, { members: [{ value: a.id }] });
        const res = await patchGroup(g.id, { op: 'add', path: 'members', value: [{ value: b.id }] });
        assert.equal(res.status, 204, res.raw);
        assert.equal(res.raw, '');
        const read = await group(g.id);
        assert.equal(res.headers.etag, read.body.meta.version);
        assert.notEqual(read.body.meta.version, g.meta.version);
        assert.deepEqual(await memberIds(s.store, g.id), [a.id, b.id].sort());
      });

      const removals: [string, (id: string) => unknown][] = [
        ['a value filter (Entra, Okta)', (id) => ({ op: 'remove', path: `members[value eq "${id}"]` })],
        ['a value list (Entra default job)', (id) => ({ op: 'Remove', path: 'members', value: [{ value: id }] })],
      ];
      for (const [how, op] of removals) {
        it(`removes one member named by ${how} and keeps the others`, async () => {
          const [a, b] = [await createUser(s), await createUser(s)];
          const g = await createGroup(s, { members: [{ value: a.id }, { value: b.id }] });
          const res = await patchGroup(g.id, op(a.id));
          assert.equal(res.status, 204, res.raw);
          assert.deepEqual(await memberIds(s.store, g.id), [b.id]);
        });
      }

      it('removes every member on a remove of members without a value', async () => {
        const [a, b] = [await createUser(s), await createUser(s)];
        const g = await createGroup(s, { members: [{ value: a.id }, { value: b.id }] });
        assert.equal((await patchGroup(g.id, { op: 'remove', path: 'members' })).status, 204);
        assert.deepEqual(await memberIds(s.store, g.id), []);
      });

      it('replaces the displayName and answers 200 with the group when attributes are asked for', async () => {
        const g = await createGroup(s);
        const displayName = unique('Renamed');
        const res = await s.scim('PATCH', `/scim/v2/Groups/${g.id}?attributes=displayName`, patchOp({ op: 'replace', value: { displayName } }));
        assert.equal(res.status, 200, res.raw);
        assert.equal(res.body.displayName, displayName);
        assert.equal((await group(g.id)).body.displayName, displayName);
      });

      it('treats adding an existing member as a no-op: no second row, no new version', async () => {
        const a = await createUser(s);
        const g = await createGroup(s, { members: [{ value: a.id }] });
        const res = await patchGroup(g.id, { op: 'add', path: 'members', value: [{ value: a.id }, { value: a.id }] });
        assert.equal(res.status, 204, res.raw);
        assert.deepEqual(await memberIds(s.store, g.id), [a.id]);
        assert.equal(res.headers.etag, g.meta.version);
        assert.equal((await group(g.id)).body.meta.version, g.meta.version);
      });

      it('answers 400 naming an unknown member id and applies nothing of the request, not even a rename', async () => {
        const [a, b] = [await createUser(s), await createUser(s)];
        const g = await createGroup(s, { members: [{ value: a.id }] });
        const before = { row: await groupRow(s.store, g.id), counts: await counts(s.store) };
        const res = await patchGroup(
          g.id,
          { op: 'replace', path: 'displayName', value: unique('Renamed') },
          { op: 'remove', path: `members[value eq "${a.id}"]` },
          { op: 'add', path: 'members', value: [{ value: b.id }, { value: UNKNOWN_ID }] },
        );
        assertScimError(res, 400, 'invalidValue');
        assert.match(res.body.detail, new RegExp(UNKNOWN_ID));
        assert.deepEqual({ row: await groupRow(s.store, g.id), counts: await counts(s.store) }, before);
        assert.deepEqual(await memberIds(s.store, g.id), [a.id]);
      });

      it('answers 400 naming an unknown member in a POST and creates no group', async () => {
        const before = await counts(s.store);
        const res = await s.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName: unique('g'), members: [{ value: UNKNOWN_ID }] });
        assertScimError(res, 400, 'invalidValue');
        assert.match(res.body.detail, new RegExp(UNKNOWN_ID));
        assert.deepEqual(await counts(s.store), before);
      });

      it('refuses a group as a member, since only users can be members here', async () => {
        const other = await createGroup(s);
        const g = await createGroup(s);
        const res = await patchGroup(g.id, { op: 'add', path: 'members', value: [{ value: other.id, type: 'Group' }] });
        assertScimError(res, 400, 'invalidValue');
        assert.deepEqual(await memberIds(s.store, g.id), []);
      });

      const refused: [string, unknown, string][] = [
        ['a readOnly path (id)', { op: 'replace', path: 'id', value: 'x' }, 'mutability'],
        ['a readOnly path (meta.lastModified)', { op: 'replace', path: 'meta.lastModified', value: '2024-01-01T00:00:00Z' }, 'mutability'],
        ['removing displayName', { op: 'remove', path: 'displayName' }, 'invalidValue'],
        ['an unknown op', { op: 'merge', path: 'displayName', value: 'x' }, 'invalidSyntax'],
      ];
      for (const [name, third, scimType] of refused) {
        it(`answers 400 ${scimType} for ${name} as third operation, leaving the group and its members as they were`, async () => {
          const [a, b] = [await createUser(s), await createUser(s)];
          const g = await createGroup(s, { members: [{ value: a.id }] });
          const before = await groupRow(s.store, g.id);
          const res = await patchGroup(
            g.id,
            { op: 'replace', path: 'displayName', value: unique('Renamed') },
            { op: 'add', path: 'members', value: [{ value: b.id }] },
            third,
          );
          assertScimError(res, 400, scimType);
          assert.deepEqual(await groupRow(s.store, g.id), before);
          assert.deepEqual(await memberIds(s.store, g.id), [a.id]);
        });
      }
    });

    describe("a user's groups", () => {
      it('shows a group after the user is added and drops it after the user is removed', async () => {
        const a = await createUser(s);
        assert.equal('groups' in a, false);
        const g = await createGroup(s);
        await patchGroup(g.id, { op: 'add', path: 'members', value: [{ value: a.id }] });
        const withGroup = await user(a.id);
        assert.deepEqual(withGroup.body.groups, [
          { value: g.id, $ref: `http://localhost:80/scim/v2/Groups/${g.id}`, display: g.displayName, type: 'direct' },
        ]);
        await patchGroup(g.id, { op: 'remove', path: `members[value eq "${a.id}"]` });
        assert.equal('groups' in (await user(a.id)).body, false);
      });

      it('drops a group from its members when the group is deleted', async () => {
        const a = await createUser(s);
        const g = await createGroup(s, { members: [{ value: a.id }] });
        assert.equal((await user(a.id)).body.groups.length, 1);
        await s.scim('DELETE', `/scim/v2/Groups/${g.id}`);
        assert.equal('groups' in (await user(a.id)).body, false);
      });

      for (const op of ['add', 'replace', 'remove']) {
        it(`answers a PATCH ${op} of the user's groups with 400 mutability and changes nothing`, async () => {
          const a = await createUser(s);
          const g = await createGroup(s);
          const res = await s.scim('PATCH', `/scim/v2/Users/${a.id}`, patchOp({ op, path: 'groups', value: [{ value: g.id }] }));
          assertScimError(res, 400, 'mutability');
          assert.deepEqual(await memberIds(s.store, g.id), []);
          assert.deepEqual((await user(a.id)).body, a);
        });
      }

      it("ignores groups in a user's PUT body: membership stays what the groups say", async () => {
        const [a, b] = [await createUser(s), await createUser(s)];
        const [kept, other] = [await createGroup(s, { members: [{ value: a.id }] }), await createGroup(s)];
        const res = await s.scim('PUT', `/scim/v2/Users/${a.id}`, { schemas: [USER_URN], userName: a.userName, groups: [{ value: other.id }] });
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(res.body.groups.map((x: any) => x.value), [kept.id]);
        const put = await s.scim('PUT', `/scim/v2/Users/${b.id}`, { schemas: [USER_URN], userName: b.userName, groups: [{ value: kept.id }] });
        assert.equal('groups' in put.body, false);
        assert.deepEqual(await memberIds(s.store, kept.id), [a.id]);
        assert.deepEqual(await memberIds(s.store, other.id), []);
      });

      it('removes all memberships of a deleted user and leaves its groups otherwise as they were', async () => {
        const [a, b] = [await createUser(s), await createUser(s)];
        const g1 = await createGroup(s, { members: [{ value: a.id }, { value: b.id }] });
        const g2 = await createGroup(s, { members: [{ value: a.id }] });
        assert.equal((await s.scim('DELETE', `/scim/v2/Users/${a.id}`)).status, 204);
        assert.deepEqual(await memberIds(s.store, g1.id), [b.id]);
        assert.deepEqual(await memberIds(s.store, g2.id), []);
        assert.deepEqual((await group(g1.id)).body.members.map((m: any) => m.value), [b.id]);
        assert.equal((await group(g2.id)).body.displayName, g2.displayName);
      });
    });

    it('answers a group with the same content whether read with or without members excluded, members aside', async () => {
      const a = await createUser(s);
      const g = await createGroup(s, { members: [{ value: a.id }] });
      const { members: _members, ...rest } = withoutMeta((await group(g.id)).body);
      assert.deepEqual(withoutMeta((await group(g.id, '?excludedAttributes=members')).body), rest);
    });
  });
}
