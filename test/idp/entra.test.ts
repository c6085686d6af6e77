// Microsoft Entra ID, replayed: the requests of idp-requests.md §1 (Test Connection §1.3, user operations §1.5,
// group operations §1.6, the default job versus the aadOptscim062020 flag §1.8, the SCIM Validator §1.10),
// sent verbatim in Entra's order through the real server, on every store.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SCIM_RATE_LIMIT } from '../../src/config.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { ENT, assertScimContentType, counts, groupRow, memberIds, userRow } from '../support/scim.ts';
import { assertList, assertPatched, getResource, memberValues, send } from './replay.ts';

const ENTRA = { 'content-type': 'application/scim+json' };
const VALIDATOR = { 'content-type': 'application/scim+json; charset=utf-8' };
const q = encodeURIComponent;

for (const kind of storeKinds()) {
  describe(`Entra ID replay on ${kind.name}`, () => {
    let s: TestServer;
    const entra = (method: string, url: string, body?: string) => send(s, ENTRA, method, url, body);
    before(async () => {
      // At the server's default rate limit: a replayed IdP cycle must never be throttled by it.
      s = await startServer(kind, { scimRateLimit: DEFAULT_SCIM_RATE_LIMIT });
    });
    after(() => s.close());

    let userId = '';
    let groupId = '';
    const memberIdsCreated: string[] = [];

    it('answers Test Connection\'s random-GUID user and group lookups with 200 and an empty ListResponse', async () => {
      const guid = randomUUID();
      assertList(await entra('GET', `/scim/v2/Users?filter=${q(`userName eq "${guid}"`)}`), 0);
      assertList(await entra('GET', `/scim/v2/Groups?excludedAttributes=members&filter=${q(`displayName eq "${guid}"`)}`), 0);
      // The tenant URL flag is Entra's; the service still tolerates it if it is forwarded.
      assertList(await entra('GET', `/scim/v2/Users?aadOptscim062020&filter=${q(`userName eq "${guid}"`)}`), 0);
    });

    it('finds nobody on the lookup before create, then creates the user of the documented POST /Users', async () => {
      assertList(await entra('GET', `/scim/v2/Users?filter=${q('userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"')}`), 0);
      const res = await entra('POST', '/scim/v2/Users', `{
    "schemas": [
        "urn:ietf:params:scim:schemas:core:2.0:User",
        "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
    "externalId": "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
    "userName": "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee",
    "active": true,
    "emails": [{
        "primary": true,
        "type": "work",
        "value": "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"
    }],
    "meta": {
        "resourceType": "User"
    },
    "name": {
        "formatted": "givenName familyName",
        "familyName": "familyName",
        "givenName": "givenName"
    },
    "roles": []
}`);
      assert.equal(res.status, 201, res.raw);
      assertScimContentType(res);
      const u = res.body;
      userId = u.id;
      assert.equal(typeof u.id, 'string');
      assert.equal(u.externalId, '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef');
      assert.equal(u.userName, 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee');
      assert.equal(u.active, true);
      assert.deepEqual(u.name, { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' });
      assert.deepEqual(u.emails, [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }]);
      assert.equal(u.meta.resourceType, 'User');
      const row = await userRow(s.store, u.id);
      assert.equal(row?.user_name, 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee');
    });

    it('finds the created user by userName, by externalId unquoted, and by the work e-mail', async () => {
      const [byName] = assertList(await entra('GET', `/scim/v2/Users?filter=${q('userName eq "Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee"')}`), 1);
      assert.equal(byName.id, userId);
      const [byExternal] = assertList(await entra('GET', '/scim/v2/Users?filter=externalId+eq+0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef'), 1);
      assert.equal(byExternal.id, userId);
      const [byMail] = assertList(
        await entra('GET', `/scim/v2/Users?filter=${q('emails[type eq "work"].value eq "Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com"')}`),
        1,
      );
      assert.equal(byMail.id, userId);
    });

    it('accepts the older sample\'s explicit nulls, misspelled extension URN and top-level department/manager', async () => {
      const res = await entra('POST', '/scim/v2/Users', `{
   "schemas":
   [
     "urn:ietf:params:scim:schemas:core:2.0:User",
     "urn:ietf:params:scim:schemas:extension:enterprise:2.0User"],
   "externalId":"jyoung",
   "userName":"jyoung@testuser.com",
   "active":true,
   "addresses":null,
   "displayName":"Joy Young",
   "emails": [
     {
       "type":"work",
       "value":"jyoung@Contoso.com",
       "primary":true}],
   "meta": {
     "resourceType":"User"},
    "name":{
     "familyName":"Young",
     "givenName":"Joy"},
   "phoneNumbers":null,
   "preferredLanguage":null,
   "title":null,
   "department":null,
   "manager":null}`);
      assert.equal(res.status, 201, res.raw);
      assert.equal(res.body.displayName, 'Joy Young');
      assert.equal(res.body.title, undefined);
      assert.equal(res.body.addresses, undefined);
      // Example 1's unquoted lookup finds her.
      const [found] = assertList(await entra('GET', '/scim/v2/Users?filter=externalId eq jyoung'), 1);
      assert.equal(found.userName, 'jyoung@testuser.com');
    });

    it('applies the default job\'s multi-valued update and answers 200 with the user', async () => {
      const res = await entra('PATCH', `/scim/v2/Users/${userId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
            {
            "op": "Replace",
            "path": "emails[type eq \\"work\\"].value",
            "value": "updatedEmail@microsoft.com"
            },
            {
            "op": "Replace",
            "path": "name.familyName",
            "value": "updatedFamilyName"
            }
    ]
}`);
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(res.body.emails, [{ primary: true, type: 'work', value: 'updatedEmail@microsoft.com' }]);
      assert.equal(res.body.name.familyName, 'updatedFamilyName');
      const held = await getResource(s, `/scim/v2/Users/${userId}`);
      assert.deepEqual(held.emails, res.body.emails);
    });

    it('applies the single-valued userName update', async () => {
      const res = await entra('PATCH', `/scim/v2/Users/${userId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Replace",
        "path": "userName",
        "value": "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"
    }]
}`);
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.userName, '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
      assert.equal((await userRow(s.store, userId))?.user_name, '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com');
    });

    it('creates the work e-mail when Entra sends Add through a filter path that matches nothing yet', async () => {
      const created = await entra('POST', '/scim/v2/Users', '{"userName":"joe@contoso.com","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}');
      assert.equal(created.status, 201, created.raw);
      const res = await entra('PATCH', `/scim/v2/Users/${created.body.id}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"title","value":"tester"},
{"op":"Add","path":"emails[type eq \\"work\\"].value","value":"******@joe.com"}]}`);
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.title, 'tester');
      assert.deepEqual(res.body.emails, [{ type: 'work', value: '******@joe.com' }]);
      const [found] = assertList(await entra('GET', `/scim/v2/Users?filter=${q('emails[type eq "work"].value eq "******@joe.com"')}`), 1);
      assert.equal(found.id, created.body.id);
    });

    describe('manager', () => {
      let managerId = '';
      const managerOf = async () => (await getResource(s, `/scim/v2/Users/${userId}`))[ENT]?.manager;

      before(async () => {
        const res = await entra('POST', '/scim/v2/Users', '{"userName":"the.manager@contoso.com","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}');
        assert.equal(res.status, 201, res.raw);
        managerId = res.body.id;
      });

      it('sets the manager from "Example 5"\'s array with a $ref and returns it as an object', async () => {
        const res = await entra('PATCH', `/scim/v2/Users/${userId}`, `{
    "schemas":
    [
      "urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations":
    [
      {
        "op":"Add",
        "path":"manager",
        "value":
          [
            {
              "$ref":"http://.../scim/Users/${managerId}",
              "value":"${managerId}"}]}]}`);
        assert.equal(res.status, 200, res.raw);
        assert.equal(res.body[ENT].manager.value, managerId);
        assert.equal((await managerOf()).value, managerId);
      });

      it('sets the manager from a bare id and answers it as {"value": id}', async () => {
        const res = await entra('PATCH', `/scim/v2/Users/${userId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"${managerId}"}]}`);
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(res.body[ENT].manager, { value: managerId });
        assert.deepEqual(await managerOf(), { value: managerId });
      });

      it('keeps a manager that is no known user exactly as given', async () => {
        const res = await entra('PATCH', `/scim/v2/Users/${userId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":"2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2"}]}`);
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(await managerOf(), { value: '2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2' });
      });

      it('sets the manager from the older validator\'s object', async () => {
        const res = await entra('PATCH', `/scim/v2/Users/${userId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
{"op":"add","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":"mgr-id"}}]}`);
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(await managerOf(), { value: 'mgr-id' });
      });

      it('sets the manager from an array of {"$ref": null, "value"} and answers it as {"value": id}', async () => {
        const res = await entra('PATCH', `/scim/v2/Users/${userId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
{"op":"Add","path":"manager","value":[{"$ref":null,"value":"${managerId}"}]}]}`);
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(res.body[ENT].manager, { value: managerId });
        assert.deepEqual(await managerOf(), { value: managerId });
      });

      it('removes the manager when the validator replaces it with {"value": ""}', async () => {
        const res = await entra('PATCH', `/scim/v2/Users/${userId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":{"value":""}}]}`);
        assert.equal(res.status, 200, res.raw);
        assert.equal(res.body[ENT]?.manager, undefined);
        assert.equal(await managerOf(), undefined);
      });

      it('removes the manager when it is replaced with an empty string', async () => {
        await entra('PATCH', `/scim/v2/Users/${userId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Add","path":"manager","value":"${managerId}"}]}`);
        assert.deepEqual(await managerOf(), { value: managerId });
        const res = await entra('PATCH', `/scim/v2/Users/${userId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
{"op":"replace","path":"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager","value":""}]}`);
        assert.equal(res.status, 200, res.raw);
        assert.equal(await managerOf(), undefined);
      });

      it('accepts a manager sent as a bare string inside the extension of a POST body', async () => {
        const res = await entra('POST', '/scim/v2/Users', `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"],
"userName":"report@contoso.com","urn:ietf:params:scim:schemas:extension:enterprise:2.0:User":{"employeeNumber":"701984","manager":"123456"}}`);
        assert.equal(res.status, 201, res.raw);
        assert.deepEqual(res.body[ENT].manager, { value: '123456' });
        assert.deepEqual((await getResource(s, `/scim/v2/Users/${res.body.id}`))[ENT].manager, { value: '123456' });
      });
    });

    it('disables the user on the default job\'s "False" string and answers a real boolean', async () => {
      const res = await entra('PATCH', `/scim/v2/Users/${userId}`, `{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "Replace", "path": "active", "value": "False"}]
}`);
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.active, false);
      assert.equal(Boolean((await userRow(s.store, userId))?.active), false);
    });

    it('still returns the disabled user to GET and to the userName filter', async () => {
      assert.equal((await getResource(s, `/scim/v2/Users/${userId}`)).active, false);
      const [found] = assertList(await entra('GET', `/scim/v2/Users?filter=${q('userName eq "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"')}`), 1);
      assert.equal(found.active, false);
    });

    it('re-enables the user on "True" and disables again on the flag\'s real false', async () => {
      const on = await entra('PATCH', `/scim/v2/Users/${userId}`, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{ "op": "Replace", "path": "active", "value": "True" }]}');
      assert.equal(on.status, 200, on.raw);
      assert.equal(on.body.active, true);
      const off = await entra('PATCH', `/scim/v2/Users/${userId}`, `{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{"op": "replace", "path": "active", "value": false}]
}`);
      assert.equal(off.status, 200, off.raw);
      assert.equal(off.body.active, false);
      const again = await entra('PATCH', `/scim/v2/Users/${userId}`, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"Replace","path":"active","value":"true"}]}');
      assert.equal(again.body.active, true);
    });

    it('adds a single-valued string attribute in both the default and the flag shape', async () => {
      const def = await entra('PATCH', `/scim/v2/Users/${userId}`, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op": "Add", "path": "nickName", "value": "Babs"}]}');
      assert.equal(def.status, 200, def.raw);
      assert.equal(def.body.nickName, 'Babs');
      const flag = await entra('PATCH', `/scim/v2/Users/${userId}`, '{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op": "add", "path": "nickName", "value": "Babs"}]}');
      assert.equal(flag.status, 200, flag.raw);
      assert.equal(flag.body.nickName, 'Babs');
      assert.equal(flag.body.meta.version, def.body.meta.version, 'the same value again is no change');
    });

    it('replaces multiple attributes in the default job\'s one-op-per-path shape', async () => {
      const res = await entra('PATCH', `/scim/v2/Users/${userId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
        {"op": "Replace", "path": "displayName", "value": "Pvlo"},
        {"op": "Replace", "path": "emails[type eq \\"work\\"].value", "value": "TestBcwqnm@test.microsoft.com"},
        {"op": "Replace", "path": "name.givenName", "value": "Gtfd"},
        {"op": "Replace", "path": "name.familyName", "value": "Pkqf"},
        {"op": "Replace", "path": "externalId", "value": "Eqpj"},
        {"op": "Replace", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "Eqpj"}
    ]
}`);
      assert.equal(res.status, 200, res.raw);
      const u = await getResource(s, `/scim/v2/Users/${userId}`);
      assert.equal(u.displayName, 'Pvlo');
      assert.deepEqual(u.emails, [{ primary: true, type: 'work', value: 'TestBcwqnm@test.microsoft.com' }]);
      assert.equal(u.name.givenName, 'Gtfd');
      assert.equal(u.name.familyName, 'Pkqf');
      assert.equal(u.externalId, 'Eqpj');
      assert.equal(u[ENT].employeeNumber, 'Eqpj');
    });

    it('replaces multiple attributes in the flag\'s path-less shape with dotted and URN-qualified keys', async () => {
      const res = await entra('PATCH', `/scim/v2/Users/${userId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [
        {
            "op": "replace",
            "path": "emails[type eq \\"work\\"].value",
            "value": "TestMhvaes@test.microsoft.com"
        },
        {
            "op": "replace",
            "value": {
                "displayName": "Bjfe",
                "name.givenName": "Kkom",
                "name.familyName": "Unua",
                "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber": "Aklq"
            }
        }
    ]
}`);
      assert.equal(res.status, 200, res.raw);
      const u = await getResource(s, `/scim/v2/Users/${userId}`);
      assert.equal(u.displayName, 'Bjfe');
      assert.deepEqual(u.emails, [{ primary: true, type: 'work', value: 'TestMhvaes@test.microsoft.com' }]);
      assert.equal(u.name.givenName, 'Kkom');
      assert.equal(u.name.familyName, 'Unua');
      assert.equal(u.name.formatted, 'givenName familyName', 'a path-less replace keeps sub-attributes it does not name');
      assert.equal(u[ENT].employeeNumber, 'Aklq');
    });

    it('ignores a PATCH\'s extra op fields and the id and meta of a path-less value', async () => {
      const res = await entra('PATCH', `/scim/v2/Users/${userId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
{"name":"setTitle","op":"Replace","path":"title","value":"Tour Guide"},
{"op":"Replace","value":{"id":"${userId}","meta":{"resourceType":"User"},"preferredLanguage":"en-US"}}]}`);
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.id, userId);
      assert.equal(res.body.title, 'Tour Guide');
      assert.equal(res.body.preferredLanguage, 'en-US');
    });

    it('creates and reads back every attribute of the SCIM Validator\'s create body', async () => {
      const body = `{
  "userName": "julien.vonrueden@ondricka.us",
  "active": true,
  "displayName": "NDSQQTECVAAC",
  "title": "CJSGUNOAAMMQ",
  "emails": [
    { "type": "work", "value": "thaddeus@hammes.info", "primary": true }
  ],
  "preferredLanguage": "hi",
  "name": {
    "givenName": "Elfrieda",
    "familyName": "Urban",
    "formatted": "Myah",
    "middleName": "Cindy",
    "honorificPrefix": "Minerva",
    "honorificSuffix": "Micaela"
  },
  "addresses": [
    {
      "type": "work",
      "formatted": "ZQEHBLETAAQE",
      "streetAddress": "25928 Katlyn Row",
      "locality": "YRAKBQCGOHZF",
      "region": "XCCVLAIDMQYR",
      "postalCode": "cx47 4mz",
      "primary": true,
      "country": "Sierra Leone"
    }
  ],
  "phoneNumbers": [
    { "type": "work", "value": "10-040-1308", "primary": true },
    { "type": "mobile", "value": "10-040-1308" },
    { "type": "fax", "value": "10-040-1308" }
  ],
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
    "employeeNumber": "OXYYEGWVLTGW",
    "department": "ZYWTBPDFHIIP",
    "costCenter": "ASHTVSKANCGL",
    "organization": "DPQRRHJMBXZE",
    "division": "WXNFEJQDRAVI",
    "manager": { "value": "XYMKVVRYDIOO" }
  },
  "roles": [
    {
      "primary": "True",
      "display": "MRONYWGFFHXQ",
      "value": "WDEIISGWWQBE",
      "type": "XVTUOHMYUFRL"
    }
  ],
  "userType": "GZILLRZCFPNC",
  "nickName": "FOGSIQTKHIPG",
  "locale": "RJWNTUNNOHNZ",
  "timezone": "America/Guayaquil",
  "profileUrl": "BAPNQLJSRQGD",
  "schemas": [
    "urn:ietf:params:scim:schemas:core:2.0:User",
    "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
  ]
}`;
      const res = await send(s, VALIDATOR, 'POST', '/scim/v2/Users', body);
      assert.equal(res.status, 201, res.raw);
      const dup = await send(s, VALIDATOR, 'POST', '/scim/v2/Users', body);
      assert.equal(dup.status, 409, dup.raw);
      assert.equal(dup.body.scimType, 'uniqueness');
      const [found] = assertList(await send(s, VALIDATOR, 'GET', `/scim/v2/Users?filter=${q('userName eq "JULIEN.VONRUEDEN@ondricka.us"')}`), 1);
      const sent = JSON.parse(body);
      for (const [key, value] of Object.entries(sent)) {
        if (key === 'roles') continue;
        assert.deepEqual(found[key], value, `${key} reads back as sent`);
      }
      assert.deepEqual(found.roles, [{ primary: true, display: 'MRONYWGFFHXQ', value: 'WDEIISGWWQBE', type: 'XVTUOHMYUFRL' }]);
    });

    it('applies the validator\'s Add Attributes Verbose filter paths onto a bare user', async () => {
      const created = await send(s, VALIDATOR, 'POST', '/scim/v2/Users', '{"userName":"eleanore@boyercorwin.biz","schemas":["urn:ietf:params:scim:schemas:core:2.0:User"]}');
      assert.equal(created.status, 201, created.raw);
      const res = await send(s, VALIDATOR, 'PATCH', `/scim/v2/Users/${created.body.id}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
{"op": "add", "path": "active", "value": true},
{"op": "add", "path": "emails[type eq \\"work\\"].value", "value": "broderick_ohara@blick.name"},
{"op": "add", "path": "emails[type eq \\"work\\"].primary", "value": true},
{"op": "add", "path": "name.givenName", "value": "Terrence"},
{"op": "add", "path": "roles[primary eq \\"True\\"].display", "value": "TQBJFQYVJCAG"},
{"op": "add", "path": "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber", "value": "LXDAHKZRQYLX"}
]}`);
      assert.equal(res.status, 200, res.raw);
      const u = await getResource(s, `/scim/v2/Users/${created.body.id}`);
      assert.equal(u.active, true);
      assert.deepEqual(u.emails, [{ type: 'work', value: 'broderick_ohara@blick.name', primary: true }]);
      assert.equal(u.name.givenName, 'Terrence');
      assert.deepEqual(u.roles, [{ primary: true, display: 'TQBJFQYVJCAG' }]);
      assert.equal(u[ENT].employeeNumber, 'LXDAHKZRQYLX');
    });

    it('creates a user with a single app role and adds a role whose value is a JSON-encoded string', async () => {
      const res = await entra('POST', '/scim/v2/Users', `{
  "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
  "externalId": "alias",
  "userName": "alias@contoso.OnMicrosoft.com",
  "active": true,
  "displayName": "First Name Last Name",
  "meta": {"resourceType": "User"},
  "roles": [{"primary": true, "type": "WindowsAzureActiveDirectoryRole", "value": "Admin"}]
}`);
      assert.equal(res.status, 201, res.raw);
      assert.deepEqual(res.body.roles, [{ primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' }]);
      const add = await entra('PATCH', `/scim/v2/Users/${res.body.id}`, `{
  "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
  "Operations": [{
      "op": "Add",
      "path": "roles",
      "value": [{"value": "{\\"id\\":\\"06b07648-ecfe-589f-9d2f-6325724a46ee\\",\\"value\\":\\"25\\",\\"displayName\\":\\"Role1234\\"}"}]
  }]
}`);
      assert.equal(add.status, 200, add.raw);
      assert.deepEqual((await getResource(s, `/scim/v2/Users/${res.body.id}`)).roles, [
        { primary: true, type: 'WindowsAzureActiveDirectoryRole', value: 'Admin' },
        { value: '{"id":"06b07648-ecfe-589f-9d2f-6325724a46ee","value":"25","displayName":"Role1234"}' },
      ]);
      const assertive = await entra('PATCH', `/scim/v2/Users/${res.body.id}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
{"op": "replace", "path": "roles", "value": [{"primary": false, "type": "WindowsAzureActiveDirectoryRole", "display": "User", "value": "User"}]}]}`);
      assert.equal(assertive.status, 200, assertive.raw);
      assert.deepEqual((await getResource(s, `/scim/v2/Users/${res.body.id}`)).roles, [
        { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'User', value: 'User' },
      ]);
    });

    describe('groups', () => {
      before(async () => {
        for (const name of ['alice', 'bob', 'carol']) {
          const res = await entra('POST', '/scim/v2/Users', `{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"${name}@contoso.com","active":true}`);
          assert.equal(res.status, 201, res.raw);
          memberIdsCreated.push(res.body.id);
        }
      });

      it('creates the group of the documented POST /Groups with the ADSCIM schema URN and meta', async () => {
        assertList(await entra('GET', `/scim/v2/Groups?excludedAttributes=members&filter=${q('displayName eq "displayName"')}`), 0);
        const res = await entra('POST', '/scim/v2/Groups', `{
    "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group", "http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group"],
    "externalId": "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
    "displayName": "displayName",
    "meta": {
        "resourceType": "Group"
    }
}`);
        assert.equal(res.status, 201, res.raw);
        groupId = res.body.id;
        assert.deepEqual(res.body.schemas, ['urn:ietf:params:scim:schemas:core:2.0:Group']);
        assert.equal(res.body.externalId, '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159');
        assert.equal(res.body.displayName, 'displayName');
        assert.equal(res.body.meta.resourceType, 'Group');
        assert.deepEqual(res.body.members ?? [], []);
        assert.equal((await groupRow(s.store, groupId))?.display_name, 'displayName');
      });

      it('reads the group by id and by displayName without members', async () => {
        const one = await entra('GET', `/scim/v2/Groups/${groupId}?excludedAttributes=members`);
        assert.equal(one.status, 200, one.raw);
        assert.equal(one.body.members, undefined);
        const [found] = assertList(await entra('GET', `/scim/v2/Groups?excludedAttributes=members&filter=${q('displayName eq "displayName"')}`), 1);
        assert.equal(found.id, groupId);
        assert.equal(found.members, undefined);
        assertList(await entra('GET', `/scim/v2/Groups?filter=${q('displayName eq "DISPLAYNAME"')}`), 1);
      });

      it('renames the group and answers 204', async () => {
        const res = await entra('PATCH', `/scim/v2/Groups/${groupId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Replace",
        "path": "displayName",
        "value": "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"
    }]
}`);
        assert.equal(res.status, 204, res.raw);
        assert.equal((await groupRow(s.store, groupId))?.display_name, '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName');
      });

      it('adds several members in one Add with $ref null', async () => {
        const [a, b, c] = memberIdsCreated;
        const res = await entra('PATCH', `/scim/v2/Groups/${groupId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Add",
        "path": "members",
        "value": [{
            "$ref": null,
            "value": "${a}"
        }, {
            "$ref": null,
            "value": "${b}"
        }, {
            "$ref": null,
            "value": "${c}"
        }]
    }]
}`);
        assert.equal(res.status, 204, res.raw);
        assert.deepEqual(await memberIds(s.store, groupId), [a, b, c].sort());
      });

      it('removes only the listed member on the default job\'s Remove with path "members" and a value list', async () => {
        const [a, b, c] = memberIdsCreated;
        const res = await entra('PATCH', `/scim/v2/Groups/${groupId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{
        "op": "Remove",
        "path": "members",
        "value": [{
            "$ref": null,
            "value": "${a}"
        }]
    }]
}`);
        assert.equal(res.status, 204, res.raw);
        assert.deepEqual(await memberIds(s.store, groupId), [b, c].sort());
        assert.deepEqual(await memberValues(s, groupId), [b, c].sort());
      });

      it('removes only the filtered member on the flag\'s members[value eq "…"]', async () => {
        const [, b, c] = memberIdsCreated;
        const res = await entra('PATCH', `/scim/v2/Groups/${groupId}`, `{
    "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
    "Operations": [{"op": "remove", "path": "members[value eq \\"${b}\\"]"}]
}`);
        assert.equal(res.status, 204, res.raw);
        assert.deepEqual(await memberIds(s.store, groupId), [c]);
      });

      it('applies the validator\'s add-then-remove of members in one request', async () => {
        const [a, , c] = memberIdsCreated;
        const res = await send(s, VALIDATOR, 'PATCH', `/scim/v2/Groups/${groupId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
{"op":"add","path":"members","value":[{"value":"${a}"}]},
{"op":"remove","path":"members[value eq \\"${a}\\"]"}]}`);
        assertPatched(res);
        assert.deepEqual(await memberIds(s.store, groupId), [c]);
      });
    });

    it('changes nothing and duplicates nothing when the same cycle runs again', async () => {
      const cycle = async () => {
        const found = assertList(await entra('GET', `/scim/v2/Users?filter=${q('userName eq "5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com"')}`), 1);
        assert.equal(found[0].id, userId);
        const patched = await entra('PATCH', `/scim/v2/Users/${userId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
{"op":"Replace","path":"emails[type eq \\"work\\"].value","value":"TestMhvaes@test.microsoft.com"},
{"op":"Replace","path":"name.givenName","value":"Kkom"},
{"op":"Replace","path":"active","value":"True"},
{"op":"Add","path":"manager","value":[{"$ref":null,"value":"2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2"}]}]}`);
        assert.equal(patched.status, 200, patched.raw);
        const [group] = assertList(await entra('GET', `/scim/v2/Groups?excludedAttributes=members&filter=${q('displayName eq "1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName"')}`), 1);
        assert.equal(group.id, groupId);
        const members = await entra('PATCH', `/scim/v2/Groups/${groupId}`, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[
{"op":"Add","path":"members","value":[{"$ref":null,"value":"${memberIdsCreated[2]}"}]}]}`);
        assert.equal(members.status, 204, members.raw);
        return {
          user: (await getResource(s, `/scim/v2/Users/${userId}`)).meta.version,
          group: (await getResource(s, `/scim/v2/Groups/${groupId}`)).meta.version,
          counts: await counts(s.store),
        };
      };
      const first = await cycle();
      const second = await cycle();
      assert.deepEqual(second, first);
    });

    it('deletes a hard-deleted user with 204, drops their membership, and answers the second DELETE with 404', async () => {
      const carol = memberIdsCreated[2] as string;
      assert.deepEqual(await memberIds(s.store, groupId), [carol]);
      const res = await entra('DELETE', `/scim/v2/Users/${carol}`);
      assert.equal(res.status, 204, res.raw);
      const again = await entra('DELETE', `/scim/v2/Users/${carol}`);
      assert.equal(again.status, 404, again.raw);
      assert.equal(await userRow(s.store, carol), undefined);
      assert.deepEqual(await memberIds(s.store, groupId), [], 'the deleted user left no membership behind');
    });

    it('deletes the group with 204', async () => {
      const res = await entra('DELETE', `/scim/v2/Groups/${groupId}`);
      assert.equal(res.status, 204, res.raw);
      assert.equal((await entra('GET', `/scim/v2/Groups/${groupId}`)).status, 404);
      assert.equal(await groupRow(s.store, groupId), undefined);
    });
  });
}
