// OneLogin, replayed as far as idp-requests.md §3 documents it: the admin-editable JSON templates (core and
// enterprise), the logged lookup / PUT / group PATCH sequence with its `+` spaces, dangling `&` and bare `?`,
// made-up schema URNs and an empty User-Agent; RFC-valid variants accepted generously. On every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SCIM_RATE_LIMIT } from '../../src/config.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { ENT, assertScimContentType, counts, groupRow, memberIds, userRow } from '../support/scim.ts';
import { assertList, assertPatched, getResource, send } from './replay.ts';

/** The Custom Headers admins configure (Docker Hub SSO docs). */
const ONELOGIN = { 'content-type': 'application/scim+json', 'user-agent': 'OneLogin SCIM' };
/** What the authentik trace shows arriving on a group PATCH. */
const ONELOGIN_BLANK_AGENT = { 'content-type': 'application/scim+json', 'user-agent': '' };

for (const kind of storeKinds()) {
  describe(`OneLogin replay on ${kind.name}`, () => {
    let s: TestServer;
    const onelogin = (method: string, url: string, body?: string) => send(s, ONELOGIN, method, url, body);
    before(async () => {
      // At the server's default rate limit: a replayed IdP cycle must never be throttled by it.
      s = await startServer(kind, { scimRateLimit: DEFAULT_SCIM_RATE_LIMIT });
    });
    after(() => s.close());

    let userId = '';
    let enterpriseId = '';
    let groupId = '';

    it('answers the API connection\'s initial call with 200 and a ListResponse', async () => {
      assertList(await onelogin('GET', '/scim/v2/Users'), 0);
    });

    it('finds nobody on the logged lookup with + for spaces and a dangling &', async () => {
      assertList(await onelogin('GET', '/scim/v2/Users?filter=userName+eq+%22onelogin-test-user01%22&'), 0);
    });

    it('creates the user of the core-schema template, whose e-mail has no type', async () => {
      const res = await onelogin('POST', '/scim/v2/Users', `{
"schemas": [
    "urn:ietf:params:scim:schemas:core:2.0:User"
],
"userName": "onelogin-test-user01",
"name": {
    "givenName": "AAA Test",
    "familyName": "User 01"
},
"emails": [
    {
        "value": "onelogin-test-user01@example.com",
        "primary": true
    }
]
}`);
      assert.equal(res.status, 201, res.raw);
      assertScimContentType(res);
      userId = res.body.id;
      assert.deepEqual(res.body.name, { givenName: 'AAA Test', familyName: 'User 01' }, 'OneLogin needs name back');
      assert.deepEqual(res.body.emails, [{ value: 'onelogin-test-user01@example.com', primary: true }]);
      const [found] = assertList(await onelogin('GET', '/scim/v2/Users?filter=userName+eq+%22onelogin-test-user01%22&'), 1);
      assert.equal(found.id, userId);
    });

    it('creates the user of the enterprise template: active as a string, id null, meta, extension without its URN', async () => {
      const res = await onelogin('POST', '/scim/v2/Users', `{
"schemas": [
    "urn:ietf:params:scim:schemas:core:2.0:User"
],
"id": null,
"userName": "jdoe@example.com",
"name": {
    "givenName": "Jane",
    "familyName": "Doe"
},
"emails": [
    {
        "value": "jdoe@example.com",
        "primary": true
    }
],
"active": "true",
"meta": {
    "resourceType": "User"
},
"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "department": "Sales",
    "manager": {
        "managerId": "00u1234",
        "displayName": "Mary Manager"
    }
}
}`);
      assert.equal(res.status, 201, res.raw);
      enterpriseId = res.body.id;
      assert.equal(typeof res.body.id, 'string');
      assert.equal(res.body.active, true);
      assert.equal(res.body[ENT].department, 'Sales');
      assert.ok(res.body.schemas.includes(ENT), 'the extension is declared in the answer');
      const manager = res.body[ENT].manager;
      assert.deepEqual(manager, { value: '00u1234' }, 'managerId answered in the RFC form');
      assert.equal(Boolean((await userRow(s.store, enterpriseId))?.active), true);
    });

    // The logged body is cut off after name.givenName; emails and active are completed from the core template.
    it('applies the logged PUT with a bare ?, made-up schema URNs and names kept exactly as sent', async () => {
      const res = await onelogin('PUT', `/scim/v2/Users/${userId}?`, `{"schemas":["urn:scim:schemas:core:2.0","urn:scim:schemas:extension:enterprise:2.0"],"userName":"onelogin-test-user01","name":{"familyName":" User 01","givenName":"AAA Test"},"emails":[{"value":"onelogin-test-user01@example.com","primary":true}],"active":true}`);
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.name.familyName, ' User 01');
      const held = await getResource(s, `/scim/v2/Users/${userId}`);
      assert.equal(held.name.familyName, ' User 01');
      assert.equal(held.userName, 'onelogin-test-user01');
    });

    it('accepts an old template\'s SCIM 1.1 core URN and a single e-mail object instead of an array', async () => {
      const res = await onelogin('POST', '/scim/v2/Users', `{
"schemas": [
    "urn:scim:schemas:core:1.0"
],
"userName": "legacy-template-user",
"name": {
    "givenName": "Legacy",
    "familyName": "Template"
},
"emails": {
    "value": "legacy@example.com",
    "primary": true
}
}`);
      assert.equal(res.status, 201, res.raw);
      assert.deepEqual(res.body.schemas, ['urn:ietf:params:scim:schemas:core:2.0:User']);
      assert.deepEqual(res.body.emails, [{ value: 'legacy@example.com', primary: true }]);
      const [found] = assertList(await onelogin('GET', '/scim/v2/Users?filter=userName+eq+%22legacy-template-user%22&'), 1);
      assert.deepEqual(found.emails, [{ value: 'legacy@example.com', primary: true }]);
      assert.equal((await onelogin('DELETE', `/scim/v2/Users/${res.body.id}`)).status, 204);
    });

    describe('groups', () => {
      it('creates a group, then adds and removes members by PATCH with an empty User-Agent', async () => {
        const created = await onelogin('POST', '/scim/v2/Groups', '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:Group"],"displayName":"OneLogin Role Sales"}');
        assert.equal(created.status, 201, created.raw);
        groupId = created.body.id;
        const add = await send(s, ONELOGIN_BLANK_AGENT, 'PATCH', `/scim/v2/Groups/${groupId}`,
          `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"${userId}"},{"value":"${enterpriseId}"}]}]}`);
        assertPatched(add);
        assert.deepEqual(await memberIds(s.store, groupId), [userId, enterpriseId].sort());
        const remove = await send(s, ONELOGIN_BLANK_AGENT, 'PATCH', `/scim/v2/Groups/${groupId}`,
          `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"remove","path":"members[value eq \\"${enterpriseId}\\"]"}]}`);
        assertPatched(remove);
        assert.deepEqual(await memberIds(s.store, groupId), [userId]);
      });
    });

    it('suspends a user by PUT with active false, and the user stays visible', async () => {
      const res = await onelogin('PUT', `/scim/v2/Users/${enterpriseId}?`, `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"jdoe@example.com","name":{"givenName":"Jane","familyName":"Doe"},"emails":[{"value":"jdoe@example.com","primary":true}],"active":"false"}`);
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.active, false);
      const [found] = assertList(await onelogin('GET', '/scim/v2/Users?filter=userName+eq+%22jdoe%40example.com%22&'), 1);
      assert.equal(found.active, false);
    });

    it('changes nothing and duplicates nothing when the same PUT cycle runs again', async () => {
      const body = `{"schemas":["urn:scim:schemas:core:2.0","urn:scim:schemas:extension:enterprise:2.0"],"userName":"onelogin-test-user01","name":{"familyName":" User 01","givenName":"AAA Test"},"emails":[{"value":"onelogin-test-user01@example.com","primary":true}],"active":true}`;
      const cycle = async () => {
        const [u] = assertList(await onelogin('GET', '/scim/v2/Users?filter=userName+eq+%22onelogin-test-user01%22&'), 1);
        const put = await onelogin('PUT', `/scim/v2/Users/${u.id}?`, body);
        assert.equal(put.status, 200, put.raw);
        return { version: put.body.meta.version, counts: await counts(s.store) };
      };
      const first = await cycle();
      const second = await cycle();
      assert.deepEqual(second, first);
    });

    it('deletes a user when the admin chose Delete, leaving the group without that member', async () => {
      const res = await onelogin('DELETE', `/scim/v2/Users/${userId}`);
      assert.equal(res.status, 204, res.raw);
      assert.equal(await userRow(s.store, userId), undefined);
      assert.deepEqual(await memberIds(s.store, groupId), []);
      assert.ok(await groupRow(s.store, groupId));
    });
  });
}
