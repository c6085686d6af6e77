// /Users through the real server: create, read, replace, patch, delete, and the body rules every IdP relies
// on (RFC 7643 §2, RFC 7644 §3.3-§3.6), on every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import {
  ENT,
  USER_URN,
  assertScimContentType,
  assertScimError,
  counts,
  createUser,
  patchOp,
  unique,
  userRow,
  withoutMeta,
  address,
} from '../support/scim.ts';

const barbara = () => ({
  schemas: [USER_URN, ENT],
  userName: address('bjensen'),
  externalId: 'ext-bjensen',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  displayName: 'Babs Jensen',
  title: 'Tour Guide',
  active: true,
  emails: [
    { value: 'bjensen@work.example', type: 'work', primary: true },
    { value: 'babs@home.example', type: 'home' },
  ],
  [ENT]: { department: 'Sales', employeeNumber: '701984' },
});

/** A clock that moves one second per reading, so lastModified visibly changes. */
function tickingClock() {
  let t = Date.parse('2024-05-01T09:00:00Z');
  return () => new Date((t += 1000));
}

for (const kind of storeKinds()) {
  describe(`Users on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { now: tickingClock() });
    });
    after(() => s.close());

    describe('POST', () => {
      it('creates a user with 201, a Location, an ETag and the full resource with meta', async () => {
        const body = barbara();
        const res = await s.scim('POST', '/scim/v2/Users', body);
        assert.equal(res.status, 201, res.raw);
        assertScimContentType(res);
        const u = res.body;
        assert.match(u.id, /^[0-9a-f-]{36}$/);
        assert.deepEqual(u.schemas, [USER_URN, ENT]);
        assert.equal(u.userName, body.userName);
        assert.equal(u.externalId, 'ext-bjensen');
        assert.deepEqual(u.name, body.name);
        assert.equal(u.title, 'Tour Guide');
        assert.equal(u.active, true);
        assert.deepEqual(u.emails, body.emails);
        assert.deepEqual(u[ENT], body[ENT]);
        assert.equal(u.meta.resourceType, 'User');
        assert.equal(u.meta.location, `http://localhost:80/scim/v2/Users/${u.id}`);
        assert.equal(u.meta.created, u.meta.lastModified);
        assert.ok(!Number.isNaN(Date.parse(u.meta.created)));
        assert.equal(res.headers.location, u.meta.location);
        assert.equal(res.headers.etag, u.meta.version);
      });

      it('answers 400 invalidValue when userName is missing or blank', async () => {
        for (const userName of [undefined, '', '   ']) {
          const res = await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName, title: 'x' });
          assertScimError(res, 400, 'invalidValue');
          assert.match(res.body.detail, /userName/);
        }
      });
    });

    describe('GET by id', () => {
      it('reads back exactly what the create answered, with the same ETag', async () => {
        const created = await createUser(s, barbara());
        const res = await s.scim('GET', `/scim/v2/Users/${created.id}`);
        assert.equal(res.status, 200);
        assertScimContentType(res);
        assert.deepEqual(res.body, created);
        assert.equal(res.headers.etag, created.meta.version);
      });

      it('serves the same user under /scim, the URL the product documentation gives', async () => {
        const created = await createUser(s);
        const res = await s.scim('GET', `/scim/Users/${created.id}`);
        assert.equal(res.status, 200);
        assert.equal(res.body.id, created.id);
      });

      it('treats ids as case-sensitive', async () => {
        const created = await createUser(s);
        assertScimError(await s.scim('GET', `/scim/v2/Users/${created.id.toUpperCase()}`), 404);
      });
    });

    describe('an unknown id', () => {
      const requests: [string, unknown][] = [
        ['GET', undefined],
        ['PUT', { schemas: [USER_URN], userName: 'nobody' }],
        ['PATCH', patchOp({ op: 'replace', path: 'title', value: 'x' })],
        ['DELETE', undefined],
      ];
      for (const [method, body] of requests) {
        it(`answers ${method} with a 404 SCIM error naming the id`, async () => {
          const res = await s.scim(method, '/scim/v2/Users/6f1c0e8e-0000-4000-8000-000000000000', body);
          assertScimError(res, 404);
          assert.match(res.body.detail, /6f1c0e8e-0000-4000-8000-000000000000/);
        });
      }
    });

    describe('PUT', () => {
      it('clears every attribute the body omits', async () => {
        const created = await createUser(s, barbara());
        const res = await s.scim('PUT', `/scim/v2/Users/${created.id}`, {
          schemas: [USER_URN],
          userName: created.userName,
          name: { givenName: 'Barbara' },
        });
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(withoutMeta(res.body), { schemas: [USER_URN], id: created.id, userName: created.userName, name: { givenName: 'Barbara' } });
        assert.deepEqual(withoutMeta((await s.scim('GET', `/scim/v2/Users/${created.id}`)).body), withoutMeta(res.body));
        const row = await userRow(s.store, created.id);
        assert.equal(row?.external_id, null);
        assert.equal(await s.store.db.selectFrom('scim_user_emails').select('user_id').where('user_id', '=', created.id).executeTakeFirst(), undefined);
      });

      it('keeps id and meta.created, and moves meta.lastModified', async () => {
        const created = await createUser(s, barbara());
        const res = await s.scim('PUT', `/scim/v2/Users/${created.id}`, { ...barbara(), userName: created.userName, title: 'Chief' });
        assert.equal(res.status, 200, res.raw);
        assert.equal(res.body.id, created.id);
        assert.equal(res.body.meta.created, created.meta.created);
        assert.ok(res.body.meta.lastModified > created.meta.lastModified);
        assert.equal(res.body.meta.location, created.meta.location);
        assert.equal(res.body.title, 'Chief');
      });

      it('ignores readOnly and unknown attributes in the body, and keeps a custom extension', async () => {
        const created = await createUser(s, barbara());
        const res = await s.scim('PUT', `/scim/v2/Users/${created.id}`, {
          ...barbara(),
          userName: created.userName,
          id: 'chosen-by-client',
          meta: { created: '2000-01-01T00:00:00Z', version: 'W/"999"', resourceType: 'Group' },
          groups: [{ value: 'some-group', display: 'Admins' }],
          favouriteColour: 'teal',
          'urn:example:custom:2.0:User': { badge: '42' },
        });
        assert.equal(res.status, 200, res.raw);
        const custom = 'urn:example:custom:2.0:User';
        assert.deepEqual(res.body, { ...created, schemas: [...created.schemas, custom], [custom]: { badge: '42' }, meta: res.body.meta });
        assert.equal(res.body.meta.created, created.meta.created);
        assert.equal(res.body.meta.resourceType, 'User');
        assert.equal((await s.scim('GET', `/scim/v2/Users/chosen-by-client`)).status, 404);
      });

      it('answers 400 invalidValue when the body has no userName, and keeps the user', async () => {
        const created = await createUser(s, barbara());
        const before = await userRow(s.store, created.id);
        const res = await s.scim('PUT', `/scim/v2/Users/${created.id}`, { schemas: [USER_URN], title: 'x' });
        assertScimError(res, 400, 'invalidValue');
        assert.deepEqual(await userRow(s.store, created.id), before);
      });
    });

    describe('PATCH', () => {
      // One row per kind of path: each starts from barbara() and states the whole resulting resource.
      const rows: { name: string; ops: unknown[]; change: (u: any) => void }[] = [
        { name: 'adds a simple attribute', ops: [{ op: 'add', path: 'nickName', value: 'Babs' }], change: (u) => (u.nickName = 'Babs') },
        { name: 'replaces a simple attribute', ops: [{ op: 'replace', path: 'title', value: 'Chief' }], change: (u) => (u.title = 'Chief') },
        { name: 'removes a simple attribute', ops: [{ op: 'remove', path: 'title' }], change: (u) => delete u.title },
        { name: 'adds a sub-attribute', ops: [{ op: 'add', path: 'name.middleName', value: 'Jane' }], change: (u) => (u.name.middleName = 'Jane') },
        { name: 'replaces a sub-attribute', ops: [{ op: 'replace', path: 'name.givenName', value: 'Barb' }], change: (u) => (u.name.givenName = 'Barb') },
        { name: 'removes a sub-attribute', ops: [{ op: 'remove', path: 'name.familyName' }], change: (u) => delete u.name.familyName },
        {
          name: 'adds through a value filter, creating the element',
          ops: [{ op: 'add', path: 'emails[type eq "other"].value', value: 'b@other.example' }],
          change: (u) => u.emails.push({ type: 'other', value: 'b@other.example' }),
        },
        {
          name: 'replaces through a value filter',
          ops: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'barbara@work.example' }],
          change: (u) => (u.emails[0].value = 'barbara@work.example'),
        },
        { name: 'removes through a value filter', ops: [{ op: 'remove', path: 'emails[type eq "home"]' }], change: (u) => u.emails.pop() },
        {
          name: 'adds an extension attribute',
          ops: [{ op: 'add', path: `${ENT}:costCenter`, value: '4130' }],
          change: (u) => (u[ENT].costCenter = '4130'),
        },
        {
          name: 'replaces an extension attribute',
          ops: [{ op: 'replace', path: `${ENT}:department`, value: 'Operations' }],
          change: (u) => (u[ENT].department = 'Operations'),
        },
        { name: 'removes an extension attribute', ops: [{ op: 'remove', path: `${ENT}:department` }], change: (u) => delete u[ENT].department },
        {
          name: 'removes a whole extension and drops it from schemas',
          ops: [{ op: 'remove', path: ENT }],
          change: (u) => {
            delete u[ENT];
            u.schemas = [USER_URN];
          },
        },
        {
          name: 'adds without a path, from a value object with plain and dotted keys',
          ops: [{ op: 'add', value: { nickName: 'Babs', 'name.middleName': 'Jane' } }],
          change: (u) => {
            u.nickName = 'Babs';
            u.name.middleName = 'Jane';
          },
        },
        {
          name: 'replaces without a path, from a value object with URN-qualified keys',
          ops: [{ op: 'replace', value: { title: 'Chief', active: false, [`${ENT}:department`]: 'Operations' } }],
          change: (u) => {
            u.title = 'Chief';
            u.active = false;
            u[ENT].department = 'Operations';
          },
        },
        {
          name: 'reads op and attribute names in any case, as Entra sends them',
          ops: [{ op: 'Replace', path: 'TITLE', value: 'Chief' }, { op: 'Add', path: 'Name.MiddleName', value: 'Jane' }],
          change: (u) => {
            u.title = 'Chief';
            u.name.middleName = 'Jane';
          },
        },
        {
          name: 'applies every operation of the request, in order',
          ops: [
            { op: 'replace', path: 'title', value: 'One' },
            { op: 'replace', path: 'title', value: 'Two' },
            { op: 'remove', path: 'displayName' },
          ],
          change: (u) => {
            u.title = 'Two';
            delete u.displayName;
          },
        },
      ];
      for (const row of rows) {
        it(`${row.name}, answers 200 with the resource and stores it`, async () => {
          const created = await createUser(s, barbara());
          const res = await s.scim('PATCH', `/scim/v2/Users/${created.id}`, patchOp(...row.ops));
          assert.equal(res.status, 200, res.raw);
          assertScimContentType(res);
          const expected = structuredClone(withoutMeta(created)) as any;
          row.change(expected);
          assert.deepEqual(withoutMeta(res.body), expected);
          assert.equal(res.headers.etag, res.body.meta.version);
          const read = await s.scim('GET', `/scim/v2/Users/${created.id}`);
          assert.deepEqual(read.body, res.body);
        });
      }

      it('lists the enterprise extension in schemas once a PATCH gives a user its first extension attribute', async () => {
        const created = await createUser(s);
        assert.deepEqual(created.schemas, [USER_URN]);
        const res = await s.scim('PATCH', `/scim/v2/Users/${created.id}`, patchOp({ op: 'add', path: `${ENT}:employeeNumber`, value: '42' }));
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(res.body.schemas, [USER_URN, ENT]);
        assert.deepEqual(res.body[ENT], { employeeNumber: '42' });
      });

      const refused: { name: string; ops: unknown[]; scimType: string }[] = [
        { name: 'a readOnly path (id)', ops: [{ op: 'replace', path: 'id', value: 'mine' }], scimType: 'mutability' },
        { name: 'a readOnly path (meta.created)', ops: [{ op: 'replace', path: 'meta.created', value: '2000-01-01T00:00:00Z' }], scimType: 'mutability' },
        { name: 'a readOnly path (groups)', ops: [{ op: 'add', path: 'groups', value: [{ value: 'g' }] }], scimType: 'mutability' },
        { name: 'removing userName', ops: [{ op: 'remove', path: 'userName' }], scimType: 'invalidValue' },
        { name: 'an unknown op', ops: [{ op: 'copy', path: 'title', value: 'x' }], scimType: 'invalidSyntax' },
        { name: '"active": "maybe"', ops: [{ op: 'replace', path: 'active', value: 'maybe' }], scimType: 'invalidValue' },
        { name: 'a remove without a path', ops: [{ op: 'remove' }], scimType: 'noTarget' },
        { name: 'a path it cannot parse', ops: [{ op: 'add', path: 'emails[type eq', value: 'x' }], scimType: 'invalidPath' },
      ];
      for (const row of refused) {
        it(`answers 400 ${row.scimType} for ${row.name} and leaves the stored user byte-identical`, async () => {
          const created = await createUser(s, barbara());
          const before = await userRow(s.store, created.id);
          const res = await s.scim('PATCH', `/scim/v2/Users/${created.id}`, patchOp(...row.ops));
          assertScimError(res, 400, row.scimType);
          assert.deepEqual(await userRow(s.store, created.id), before);
        });
      }

      const thirdFails: { name: string; third: unknown }[] = [
        { name: 'a readOnly path', third: { op: 'replace', path: 'meta.version', value: 'W/"7"' } },
        { name: 'a wrong type', third: { op: 'replace', path: 'active', value: 'maybe' } },
        { name: 'an unknown op', third: { op: 'move', path: 'title' } },
      ];
      for (const row of thirdFails) {
        it(`applies none of three operations when the third fails on ${row.name}`, async () => {
          const created = await createUser(s, barbara());
          const before = await userRow(s.store, created.id);
          const emails = await s.store.db.selectFrom('scim_user_emails').selectAll().where('user_id', '=', created.id).execute();
          const res = await s.scim(
            'PATCH',
            `/scim/v2/Users/${created.id}`,
            patchOp(
              { op: 'replace', path: 'title', value: 'Changed' },
              { op: 'add', path: 'emails', value: [{ value: 'third@x.example', type: 'other' }] },
              row.third,
            ),
          );
          assert.equal(res.status, 400, res.raw);
          assert.deepEqual(await userRow(s.store, created.id), before);
          assert.deepEqual(await s.store.db.selectFrom('scim_user_emails').selectAll().where('user_id', '=', created.id).execute(), emails);
          assert.deepEqual((await s.scim('GET', `/scim/v2/Users/${created.id}`)).body, created);
        });
      }
    });

    describe('DELETE', () => {
      it('answers 204 without a body, then 404 to a GET and to a second DELETE', async () => {
        const created = await createUser(s, barbara());
        const first = await s.scim('DELETE', `/scim/v2/Users/${created.id}`);
        assert.equal(first.status, 204);
        assert.equal(first.raw, '');
        assert.equal(await userRow(s.store, created.id), undefined);
        assert.equal(await s.store.db.selectFrom('scim_user_emails').select('user_id').where('user_id', '=', created.id).executeTakeFirst(), undefined);
        assertScimError(await s.scim('GET', `/scim/v2/Users/${created.id}`), 404);
        assertScimError(await s.scim('DELETE', `/scim/v2/Users/${created.id}`), 404);
      });
    });

    describe('body rules', () => {
      it('reads attribute names and schema URNs in any case, and answers with the canonical names', async () => {
        const userName = unique('Case');
        const res = await s.scim('POST', '/scim/v2/Users', {
          SCHEMAS: [USER_URN.toUpperCase()],
          USERNAME: userName,
          Name: { GIVENNAME: 'Barbara', familyname: 'Jensen' },
          Emails: [{ VALUE: 'b@x.example', Type: 'work', PRIMARY: true }],
          [ENT.toUpperCase()]: { DEPARTMENT: 'Sales' },
        });
        assert.equal(res.status, 201, res.raw);
        assert.deepEqual(withoutMeta(res.body), {
          schemas: [USER_URN, ENT],
          id: res.body.id,
          userName,
          name: { givenName: 'Barbara', familyName: 'Jensen' },
          emails: [{ value: 'b@x.example', type: 'work', primary: true }],
          [ENT]: { department: 'Sales' },
        });
      });

      it('reads an explicit null as unassigned in POST, PUT and PATCH', async () => {
        const posted = await createUser(s, { ...barbara(), title: null, nickName: null, emails: null, name: { givenName: 'B', familyName: null } });
        assert.equal(posted.title, undefined);
        assert.equal('nickName' in posted, false);
        assert.equal('emails' in posted, false);
        assert.deepEqual(posted.name, { givenName: 'B' });

        const created = await createUser(s, barbara());
        const put = await s.scim('PUT', `/scim/v2/Users/${created.id}`, { ...barbara(), userName: created.userName, title: null, [ENT]: null });
        assert.equal(put.status, 200, put.raw);
        assert.equal('title' in put.body, false);
        assert.equal(ENT in put.body, false);
        assert.deepEqual(put.body.schemas, [USER_URN]);

        const patched = await s.scim('PATCH', `/scim/v2/Users/${created.id}`, patchOp({ op: 'replace', path: 'displayName', value: null }));
        assert.equal(patched.status, 200, patched.raw);
        assert.equal('displayName' in patched.body, false);
      });

      it('accepts a password but never stores or returns it', async () => {
        const secret = 'Sup3r-Secret-Passw0rd';
        const created = await createUser(s, { ...barbara(), password: secret });
        assert.equal('password' in created, false);
        const put = await s.scim('PUT', `/scim/v2/Users/${created.id}`, { ...barbara(), userName: created.userName, password: `${secret}-put` });
        assert.equal(put.status, 200, put.raw);
        const patched = await s.scim('PATCH', `/scim/v2/Users/${created.id}`, patchOp({ op: 'replace', path: 'password', value: `${secret}-patch` }, { op: 'replace', value: { password: `${secret}-pathless` } }));
        assert.equal(patched.status, 200, patched.raw);
        for (const res of [put, patched, await s.scim('GET', `/scim/v2/Users/${created.id}`), await s.scim('GET', `/scim/v2/Users/${created.id}?attributes=password`)]) {
          assert.doesNotMatch(res.raw, /Passw0rd|password/i);
        }
        const row = await userRow(s.store, created.id);
        assert.doesNotMatch(JSON.stringify(row), /Passw0rd/i);
        assert.doesNotMatch(JSON.stringify(row), /password/i);
      });

      const wrongValues: [string, (id: string, userName: string) => [string, string, unknown]][] = [
        ['POST', () => ['POST', '/scim/v2/Users', { schemas: [USER_URN], userName: address('maybe'), active: 'maybe' }]],
        ['PUT', (id, userName) => ['PUT', `/scim/v2/Users/${id}`, { schemas: [USER_URN], userName, active: 'maybe' }]],
        ['PATCH', (id) => ['PATCH', `/scim/v2/Users/${id}`, patchOp({ op: 'replace', value: { active: 'maybe' } })]],
      ];
      for (const [method, request] of wrongValues) {
        it(`answers ${method} with "active": "maybe" with 400 invalidValue naming the attribute, and writes nothing`, async () => {
          const created = await createUser(s, barbara());
          const before = { counts: await counts(s.store), row: await userRow(s.store, created.id) };
          const res = await s.scim(...request(created.id, created.userName));
          assertScimError(res, 400, 'invalidValue');
          assert.match(res.body.detail, /active/);
          assert.deepEqual({ counts: await counts(s.store), row: await userRow(s.store, created.id) }, before);
        });
      }

      for (const method of ['POST', 'PUT', 'PATCH']) {
        it(`answers ${method} with malformed JSON with 400 invalidSyntax, and writes nothing`, async () => {
          const created = await createUser(s, barbara());
          const before = { counts: await counts(s.store), row: await userRow(s.store, created.id) };
          const url = method === 'POST' ? '/scim/v2/Users' : `/scim/v2/Users/${created.id}`;
          const res = await s.scim(method, url, '{"userName": "half', { 'content-type': 'application/scim+json' });
          assertScimError(res, 400, 'invalidSyntax');
          assert.deepEqual({ counts: await counts(s.store), row: await userRow(s.store, created.id) }, before);
        });
      }

      it('answers 400 invalidSyntax to a body that is JSON but not an object, and writes nothing', async () => {
        const before = await counts(s.store);
        for (const body of ['[]', '"bjensen"', '42', 'null']) {
          assertScimError(await s.scim('POST', '/scim/v2/Users', body, { 'content-type': 'application/scim+json' }), 400, 'invalidSyntax');
        }
        assert.deepEqual(await counts(s.store), before);
      });

      it('answers 400 invalidSyntax to a POST, PUT or PATCH without a body, and writes nothing', async () => {
        const created = await createUser(s, barbara());
        const before = { counts: await counts(s.store), row: await userRow(s.store, created.id) };
        const requests: [string, string][] = [['POST', '/scim/v2/Users'], ['PUT', `/scim/v2/Users/${created.id}`], ['PATCH', `/scim/v2/Users/${created.id}`]];
        for (const [method, url] of requests) {
          for (const headers of [{}, { 'content-type': 'application/scim+json' }] as Record<string, string>[]) {
            assertScimError(await s.scim(method, url, undefined, headers), 400, 'invalidSyntax');
          }
        }
        assert.deepEqual({ counts: await counts(s.store), row: await userRow(s.store, created.id) }, before);
      });

      it('writes nothing at all when a create fails', async () => {
        const before = await counts(s.store);
        const failures = [
          { schemas: [USER_URN], userName: address('x'), emails: [{ value: 'a@x.example', primary: true }, { value: 'b@x.example', primary: true }] },
          { schemas: [USER_URN], userName: address('x'), emails: [{ value: 42 }] },
          { schemas: [USER_URN], userName: address('x'), name: 'not an object' },
          { schemas: [USER_URN], userName: address('x'), [ENT]: { manager: 42 } },
        ];
        for (const body of failures) assertScimError(await s.scim('POST', '/scim/v2/Users', body), 400, 'invalidValue');
        assert.deepEqual(await counts(s.store), before);
      });
    });
  });
}
