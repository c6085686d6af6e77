// Okta, replayed: the requests of idp-requests.md §2 (Test API Credentials §2.3, the user lifecycle §2.4 for
// OIN/PATCH and AIW/PUT apps, Group Push §2.5, the SPEC test's shapes §2.7), sent verbatim in Okta's order
// with Okta's headers through the real server, on every store. Okta never DELETEs a user.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SCIM_RATE_LIMIT } from '../../src/config.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { assertScimContentType, counts, groupRow, memberIds, userRow } from '../support/scim.ts';
import { assertList, assertPatched, getResource, send } from './replay.ts';

/** The headers of a captured Okta PUT (§2.2). */
const OKTA = {
  accept: 'application/scim+json',
  'accept-charset': 'utf-8',
  'accept-encoding': 'gzip,deflate',
  'content-type': 'application/scim+json; charset=utf-8',
  'user-agent': 'Okta SCIM Client 1.0.0',
};
/** GETs carry no Content-Type: there is no body. */
const { 'content-type': _ct, ...OKTA_GET } = OKTA;
/** The SPEC test's GET and POST headers (§2.7). */
const SPEC_GET = { 'accept-charset': 'utf-8', 'content-type': 'application/scim+json; charset=utf-8', accept: 'application/scim+json', 'user-agent': 'OKTA SCIM Integration' };
const SPEC_POST = { 'content-type': 'application/json', accept: 'application/scim+json; charset=utf-8', 'user-agent': 'OKTA SCIM Integration' };
/** SCIM 1.1-era integrations (§2.2). */
const LEGACY_JSON = { 'content-type': 'application/json; charset=utf-8', accept: 'application/json', 'user-agent': 'Okta SCIM Client 1.0.0' };

for (const kind of storeKinds()) {
  describe(`Okta replay on ${kind.name}`, () => {
    let s: TestServer;
    const okta = (method: string, url: string, body?: string) => send(s, body === undefined ? OKTA_GET : OKTA, method, url, body);
    before(async () => {
      // At the server's default rate limit: a replayed IdP cycle must never be throttled by it.
      s = await startServer(kind, { scimRateLimit: DEFAULT_SCIM_RATE_LIMIT });
    });
    after(() => s.close());

    let userId = '';
    let otherId = '';
    let groupId = '';

    it('passes Test API Credentials: the constant Users and Groups probes answer 200 ListResponses', async () => {
      assertList(await okta('GET', '/scim/v2/Users?startIndex=1&count=2'), 0);
      assertList(await okta('GET', '/scim/v2/Groups?startIndex=1&count=100'), 0);
    });

    it('finds nobody on the userName lookup with startIndex=1&count=100, then creates the documented user', async () => {
      assertList(await okta('GET', '/scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100'), 0);
      const res = await okta('POST', '/scim/v2/Users', `{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "userName": "test.user@okta.local",
    "name": {
        "givenName": "Test",
        "familyName": "User"
    },
    "emails": [{
        "primary": true,
        "value": "test.user@okta.local",
        "type": "work"
    }],
    "displayName": "Test User",
    "locale": "en-US",
    "externalId": "00ujl29u0le5T6Aj10h7",
    "groups": [],
    "password": "1mz050nq",
    "active": true
}`);
      assert.equal(res.status, 201, res.raw);
      assertScimContentType(res);
      userId = res.body.id;
      assert.ok(userId);
      assert.equal(res.body.userName, 'test.user@okta.local');
      assert.deepEqual(res.body.name, { givenName: 'Test', familyName: 'User' });
      assert.deepEqual(res.body.emails, [{ primary: true, value: 'test.user@okta.local', type: 'work' }]);
      assert.equal(res.body.active, true);
      assert.equal(res.body.password, undefined, 'the placeholder password is never returned');
      assert.equal((await userRow(s.store, userId))?.external_id, '00ujl29u0le5T6Aj10h7');
    });

    it('matches userName case-insensitively on lookup but returns it exactly as sent', async () => {
      const [found] = assertList(await okta('GET', '/scim/v2/Users?filter=userName%20eq%20%22TEST.USER%40OKTA.LOCAL%22&startIndex=1&count=100'), 1);
      assert.equal(found.id, userId);
      assert.equal(found.userName, 'test.user@okta.local');
    });

    it('creates the SPEC test\'s mixed-case user over application/json, keeps its case, and answers the repeat with 409', async () => {
      const body = `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"Runscope300Hfluaklab151@atko.com","name":{"givenName":"Runscope300","familyName":"Hfluaklab151"},"emails":[{"primary":true,"value":"Runscope300Hfluaklab151@atko.com","type":"work"}],"displayName":"Runscope300 Hfluaklab151","active":true}`;
      const res = await send(s, SPEC_POST, 'POST', '/scim/v2/Users', body);
      assert.equal(res.status, 201, res.raw);
      otherId = res.body.id;
      assert.equal(res.body.userName, 'Runscope300Hfluaklab151@atko.com');
      assert.deepEqual(res.body.schemas, ['urn:ietf:params:scim:schemas:core:2.0:User']);
      const again = await send(s, SPEC_POST, 'POST', '/scim/v2/Users', body);
      assert.equal(again.status, 409, again.raw);
      const caps = await send(s, SPEC_GET, 'GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "RUNSCOPE300HFLUAKLAB151@ATKO.COM"')}`);
      const [found] = assertList(caps, 1);
      assert.equal(found.userName, 'Runscope300Hfluaklab151@atko.com');
      assert.equal((await getResource(s, `/scim/v2/Users/${otherId}`)).userName, 'Runscope300Hfluaklab151@atko.com');
    });

    it('accepts an unquoted filter literal and the SCIM 1.1-era application/json with charset', async () => {
      const bob = await send(s, LEGACY_JSON, 'POST', '/scim/v2/Users', '{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"bob","emails":[{"value":"bob@okta.local","primary":true}],"active":true}');
      assert.equal(bob.status, 201, bob.raw);
      const [found] = assertList(await okta('GET', '/scim/v2/Users?filter=userName%20eq%20bob&startIndex=1&count=100'), 1);
      assert.equal(found.id, bob.body.id);
      const [byMail] = assertList(await okta('GET', '/scim/v2/Users?filter=userName%20eq%20Test.User%40okta.local&startIndex=1&count=100'), 1);
      assert.equal(byMail.id, userId);
    });

    it('replaces the whole profile on the documented PUT that echoes id, meta, groups and display', async () => {
      const before = await okta('GET', `/scim/v2/Users/${userId}`);
      assert.equal(before.status, 200, before.raw);
      const putBody = `{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
    "id": "${userId}",
    "userName": "test.user@okta.local",
    "name": {
        "givenName": "Another",
        "middleName": "Excited",
        "familyName": "User"
    },
    "emails": [{
        "primary": true,
        "value": "test.user@okta.local",
        "type": "work",
        "display": "test.user@okta.local"
    }],
    "active": true,
    "groups": [],
    "meta": {
        "resourceType": "User"
    }
}`;
      const res = await okta('PUT', `/scim/v2/Users/${userId}`, putBody);
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.id, userId);
      assert.deepEqual(res.body.name, { givenName: 'Another', middleName: 'Excited', familyName: 'User' });
      const again = await okta('PUT', `/scim/v2/Users/${userId}`, putBody);
      assert.equal(again.status, 200, again.raw);
      assert.equal(again.body.meta.version, res.body.meta.version, 'the same PUT again is no change');
      assert.deepEqual(res.body.emails, [{ primary: true, value: 'test.user@okta.local', type: 'work', display: 'test.user@okta.local' }]);
      const held = await getResource(s, `/scim/v2/Users/${userId}`);
      assert.deepEqual(held.name, res.body.name);
      assert.equal(held.meta.created, before.body.meta.created);
    });

    it('accepts a PUT that echoes Roster\'s own GET response back, meta and all, as no change', async () => {
      const current = await getResource(s, `/scim/v2/Users/${userId}`);
      const res = await okta('PUT', `/scim/v2/Users/${userId}`, JSON.stringify({ ...current, groups: [] }));
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.meta.version, current.meta.version);
    });

    it('deactivates on the OIN path-less {"op":"replace","value":{"active":false}}', async () => {
      const res = await okta('PATCH', `/scim/v2/Users/${userId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "replace",
        "value": {
            "active": false
        }
    }]
}`);
      assertPatched(res);
      if (res.status === 200) assert.equal(res.body.active, false);
      assert.equal(Boolean((await userRow(s.store, userId))?.active), false);
      const held = await getResource(s, `/scim/v2/Users/${userId}`);
      assert.equal(held.active, false);
      assert.equal(held.name.givenName, 'Another', 'a path-less replace of active leaves the rest');
    });

    it('keeps the deactivated user visible to GET, the lookup and the import', async () => {
      assert.equal((await getResource(s, `/scim/v2/Users/${userId}`)).active, false);
      const [found] = assertList(await okta('GET', '/scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100'), 1);
      assert.equal(found.active, false);
      const all = await okta('GET', '/scim/v2/Users?startIndex=1&count=100');
      assert.equal(all.status, 200, all.raw);
      assert.ok(all.body.Resources.some((u: any) => u.id === userId && u.active === false));
      assert.equal(all.body.totalResults, all.body.Resources.length);
    });

    it('reactivates on a path-less replace whose value carries id and schemas too', async () => {
      const res = await okta('PATCH', `/scim/v2/Users/${userId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"${userId}","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"active":true}}]}`);
      assertPatched(res);
      assert.equal((await getResource(s, `/scim/v2/Users/${userId}`)).active, true);
    });

    it('deactivates an AIW app\'s user by GET then PUT of the whole object with active false', async () => {
      const current = await getResource(s, `/scim/v2/Users/${otherId}`);
      const res = await okta('PUT', `/scim/v2/Users/${otherId}`, JSON.stringify({ ...current, active: false }));
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.active, false);
      assert.equal(res.body.userName, 'Runscope300Hfluaklab151@atko.com');
      assert.equal((await getResource(s, `/scim/v2/Users/${otherId}`)).active, false);
    });

    describe('Group Push', () => {
      it('finds no group by displayName, then creates it with an empty member list', async () => {
        assertList(await okta('GET', '/scim/v2/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100'), 0);
        const res = await okta('POST', '/scim/v2/Groups', `{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    "displayName": "Test SCIMv2",
    "members": []
}`);
        assert.equal(res.status, 201, res.raw);
        groupId = res.body.id;
        assert.equal(res.body.displayName, 'Test SCIMv2');
        assert.deepEqual(res.body.members ?? [], []);
        const [found] = assertList(await okta('GET', '/scim/v2/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100'), 1);
        assert.equal(found.id, groupId);
        const all = assertList(await okta('GET', '/scim/v2/Groups?startIndex=1&count=100'), 1);
        assert.equal(all[0].id, groupId);
      });

      it('adds and removes members in one batch', async () => {
        const add = await okta('PATCH', `/scim/v2/Groups/${groupId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"${otherId}","display":"Runscope300Hfluaklab151@atko.com"}]}]}`);
        assertPatched(add);
        assert.deepEqual(await memberIds(s.store, groupId), [otherId]);
        const res = await okta('PATCH', `/scim/v2/Groups/${groupId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "remove",
        "path": "members[value eq \\"${otherId}\\"]"
        },
        {
        "op": "add",
        "path": "members",
        "value": [{
            "value": "${userId}",
            "display": "test.user@okta.local"
        }]
    }]
}`);
        assertPatched(res);
        assert.deepEqual(await memberIds(s.store, groupId), [userId]);
        const g = await getResource(s, `/scim/v2/Groups/${groupId}`);
        assert.deepEqual(g.members.map((m: any) => m.value), [userId]);
      });

      it('renames with the id inside the value and keeps the members', async () => {
        const res = await okta('PATCH', `/scim/v2/Groups/${groupId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "replace",
        "value": {
            "id": "${groupId}",
            "displayName": "Test SCIMv2 renamed"
        }
    }]
}`);
        assertPatched(res);
        assert.equal((await groupRow(s.store, groupId))?.display_name, 'Test SCIMv2 renamed');
        assert.deepEqual(await memberIds(s.store, groupId), [userId], 'a rename never wipes the members');
      });

      it('replaces the full member list on the membership push', async () => {
        const res = await okta('PATCH', `/scim/v2/Groups/${groupId}`, `{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [
    {
      "op": "replace",
      "path": "members",
      "value": [
        {"value": "${userId}", "display": "test.user@okta.local"},
        {"value": "${otherId}", "display": "test.user@okta.local"}
      ]
    }
  ]
}`);
        assertPatched(res);
        assert.deepEqual(await memberIds(s.store, groupId), [userId, otherId].sort());
      });

      it('replaces name and members on an AIW app\'s PUT', async () => {
        const res = await okta('PUT', `/scim/v2/Groups/${groupId}`, `{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
    "displayName": "Test SCIMv2",
    "members": [
            {
            "value": "${userId}",
            "display": "test.user@okta.local"
            }
    ]
}`);
        assert.equal(res.status, 200, res.raw);
        assert.equal(res.body.displayName, 'Test SCIMv2');
        assert.deepEqual(await memberIds(s.store, groupId), [userId]);
      });
    });

    it('changes nothing and duplicates nothing when the same push cycle runs again', async () => {
      const cycle = async () => {
        const [u] = assertList(await okta('GET', '/scim/v2/Users?filter=userName%20eq%20%22test.user%40okta.local%22&startIndex=1&count=100'), 1);
        // Okta merges its profile into the GET answer and PUTs it back: groups, meta and all.
        const current = await getResource(s, `/scim/v2/Users/${u.id}`);
        assert.equal(current.groups?.length, 1, 'the echoed body carries the read-only groups');
        const put = await okta('PUT', `/scim/v2/Users/${u.id}`, JSON.stringify(current));
        assert.equal(put.status, 200, put.raw);
        const [g] = assertList(await okta('GET', '/scim/v2/Groups?filter=displayName%20eq%20%22Test%20SCIMv2%22&startIndex=1&count=100'), 1);
        const rename = await okta('PATCH', `/scim/v2/Groups/${g.id}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"id":"${g.id}","displayName":"Test SCIMv2"}}]}`);
        assertPatched(rename);
        const add = await okta('PATCH', `/scim/v2/Groups/${g.id}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"add","path":"members","value":[{"value":"${userId}","display":"test.user@okta.local"}]}]}`);
        assertPatched(add);
        const off = await okta('PATCH', `/scim/v2/Users/${otherId}`, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}}]}');
        assertPatched(off);
        return {
          user: (await getResource(s, `/scim/v2/Users/${userId}`)).meta.version,
          other: (await getResource(s, `/scim/v2/Users/${otherId}`)).meta.version,
          group: (await getResource(s, `/scim/v2/Groups/${groupId}`)).meta.version,
          counts: await counts(s.store),
        };
      };
      const first = await cycle();
      const second = await cycle();
      assert.deepEqual(second, first);
    });

    it('deletes the pushed group with 204 when the admin unlinks it', async () => {
      const res = await okta('DELETE', `/scim/v2/Groups/${groupId}`);
      assert.equal(res.status, 204, res.raw);
      assert.equal(await groupRow(s.store, groupId), undefined);
      assert.ok(await userRow(s.store, userId), 'the members stay');
    });
  });
}
