// JumpCloud, replayed as far as idp-requests.md §4 documents it: the Test Connection that creates a test user
// and a test group and then deletes both, the lookups of user_lookup_provision and group take-over by
// displayName, non-empty group creation, one PATCH op per attribute, Entra-style member removal by value list,
// rename, deactivation and group deletion. On every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SCIM_RATE_LIMIT } from '../../src/config.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { assertScimContentType, counts, groupRow, memberIds, userRow } from '../support/scim.ts';
import { assertList, assertPatched, getResource, send } from './replay.ts';

const JUMPCLOUD = { 'content-type': 'application/scim+json', accept: 'application/scim+json' };
const JUMPCLOUD_JSON = { 'content-type': 'application/json', accept: 'application/json' };
const q = encodeURIComponent;

for (const kind of storeKinds()) {
  describe(`JumpCloud replay on ${kind.name}`, () => {
    let s: TestServer;
    const jc = (method: string, url: string, body?: string) => send(s, JUMPCLOUD, method, url, body);
    before(async () => {
      // At the server's default rate limit: a replayed IdP cycle must never be throttled by it.
      s = await startServer(kind, { scimRateLimit: DEFAULT_SCIM_RATE_LIMIT });
    });
    after(() => s.close());

    let aliceId = '';
    let bobId = '';
    let groupId = '';

    it('passes Test Connection: lists, creates a test user and group, deletes both, and leaves nothing behind', async () => {
      const empty = await counts(s.store);
      assertList(await jc('GET', '/scim/v2/Users'), 0);
      const user = await jc('POST', '/scim/v2/Users', '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"admin.test@example.com","name":{"givenName":"JumpCloud","familyName":"Test"},"emails":[{"value":"admin.test@example.com","type":"work","primary":true}],"active":true}');
      assert.equal(user.status, 201, user.raw);
      assertScimContentType(user);
      const group = await jc('POST', '/scim/v2/Groups', `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"JumpCloud Test Group","members":[{"value":"${user.body.id}"}]}`);
      assert.equal(group.status, 201, group.raw);
      assert.equal((await jc('DELETE', `/scim/v2/Groups/${group.body.id}`)).status, 204);
      assert.equal((await jc('DELETE', `/scim/v2/Users/${user.body.id}`)).status, 204);
      assert.deepEqual(await counts(s.store), empty);
    });

    it('looks users up by userName and creates them', async () => {
      for (const [name, given] of [['alice@example.com', 'Alice'], ['bob@example.com', 'Bob']] as const) {
        assertList(await jc('GET', `/scim/v2/Users?filter=${q(`userName eq "${name}"`)}`), 0);
        const res = await send(s, JUMPCLOUD_JSON, 'POST', '/scim/v2/Users',
          `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"${name}","name":{"givenName":"${given}","familyName":"Example"},"emails":[{"value":"${name}","type":"work","primary":true}],"active":true}`);
        assert.equal(res.status, 201, res.raw);
        if (given === 'Alice') aliceId = res.body.id;
        else bobId = res.body.id;
      }
    });

    it('updates one attribute per PATCH op with a path', async () => {
      const res = await jc('PATCH', `/scim/v2/Users/${aliceId}`, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"name.givenName","value":"John"},{"op":"replace","path":"title","value":"Engineer"}]}');
      assert.equal(res.status, 200, res.raw);
      const held = await getResource(s, `/scim/v2/Users/${aliceId}`);
      assert.equal(held.name.givenName, 'John');
      assert.equal(held.name.familyName, 'Example');
      assert.equal(held.title, 'Engineer');
    });

    describe('groups', () => {
      it('takes over an existing group whose displayName matches, found case-insensitively', async () => {
        const existing = await jc('POST', '/scim/v2/Groups', '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Engineering"}');
        assert.equal(existing.status, 201, existing.raw);
        const [found] = assertList(await jc('GET', `/scim/v2/Groups?filter=${q('displayName eq "engineering"')}`), 1);
        assert.equal(found.id, existing.body.id);
        groupId = found.id;
      });

      it('creates a new group with its members in one POST', async () => {
        assertList(await jc('GET', `/scim/v2/Groups?filter=${q('displayName eq "Sales"')}`), 0);
        const res = await jc('POST', '/scim/v2/Groups', `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"Sales","members":[{"value":"${aliceId}"},{"value":"${bobId}"}]}`);
        assert.equal(res.status, 201, res.raw);
        assert.deepEqual(await memberIds(s.store, res.body.id), [aliceId, bobId].sort());
      });

      it('adds members with value=[{value}] and removes one by path "members" plus a value list', async () => {
        const add = await jc('PATCH', `/scim/v2/Groups/${groupId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"${aliceId}"},{"value":"${bobId}"}]}]}`);
        assertPatched(add);
        assert.deepEqual(await memberIds(s.store, groupId), [aliceId, bobId].sort());
        const remove = await jc('PATCH', `/scim/v2/Groups/${groupId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members","value":[{"value":"${bobId}"}]}]}`);
        assertPatched(remove);
        assert.deepEqual(await memberIds(s.store, groupId), [aliceId]);
      });

      it('renames the group and keeps its members', async () => {
        const res = await jc('PATCH', `/scim/v2/Groups/${groupId}`, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"displayName","value":"Engineering (JC)"}]}');
        assertPatched(res);
        assert.equal((await groupRow(s.store, groupId))?.display_name, 'Engineering (JC)');
        assert.deepEqual(await memberIds(s.store, groupId), [aliceId]);
      });
    });

    it('deprovisions a user to inactive, who stays visible to GET and the lookup', async () => {
      const res = await jc('PATCH', `/scim/v2/Users/${bobId}`, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"active","value":false}]}');
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.active, false);
      assert.equal(Boolean((await userRow(s.store, bobId))?.active), false);
      const [found] = assertList(await jc('GET', `/scim/v2/Users?filter=${q('userName eq "bob@example.com"')}`), 1);
      assert.equal(found.active, false);
    });

    it('changes nothing and duplicates nothing when the same sync runs again', async () => {
      const cycle = async () => {
        assertList(await jc('GET', `/scim/v2/Users?filter=${q('userName eq "alice@example.com"')}`), 1);
        const user = await jc('PATCH', `/scim/v2/Users/${aliceId}`, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"name.givenName","value":"John"}]}');
        assert.equal(user.status, 200, user.raw);
        const [g] = assertList(await jc('GET', `/scim/v2/Groups?filter=${q('displayName eq "Engineering (JC)"')}`), 1);
        const add = await jc('PATCH', `/scim/v2/Groups/${g.id}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"${aliceId}"}]}]}`);
        assertPatched(add);
        return {
          user: (await getResource(s, `/scim/v2/Users/${aliceId}`)).meta.version,
          group: (await getResource(s, `/scim/v2/Groups/${groupId}`)).meta.version,
          counts: await counts(s.store),
        };
      };
      const first = await cycle();
      const second = await cycle();
      assert.deepEqual(second, first);
    });

    it('deletes a managed group deleted in JumpCloud with 204', async () => {
      const res = await jc('DELETE', `/scim/v2/Groups/${groupId}`);
      assert.equal(res.status, 204, res.raw);
      assert.equal(await groupRow(s.store, groupId), undefined);
    });
  });
}
