// What every response looks like on the wire: RFC 7644 §3.12 error bodies, application/scim+json on every
// response (errors included), and the request Content-Types IdPs really send (idp-requests §6 rules 11, 12).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { USER_URN, assertScimContentType, assertScimError, counts, createGroup, createUser, patchOp, address } from '../support/scim.ts';

for (const kind of storeKinds()) {
  describe(`Responses and errors on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    describe('every error is a SCIM error in application/scim+json', () => {
      // [what the client did, request, status, scimType]
      const errors: [string, (s: TestServer, ids: { user: any }) => Promise<any>, number, string | undefined][] = [
        ['sent no token', (s) => s.scim('GET', '/scim/v2/Users', undefined, { authorization: '' }), 401, undefined],
        ['asked for an unknown user id', (s) => s.scim('GET', '/scim/v2/Users/nope'), 404, undefined],
        ['asked for an endpoint that does not exist', (s) => s.scim('GET', '/scim/v2/Printers'), 404, undefined],
        ['asked for a path under /scim that is no SCIM endpoint', (s) => s.scim('GET', '/scim/v3/Users'), 404, undefined],
        ['used a method the endpoint does not have', (s) => s.scim('DELETE', '/scim/v2/Users'), 404, undefined],
        ['sent malformed JSON', (s) => s.scim('POST', '/scim/v2/Users', '{"userName":', { 'content-type': 'application/json' }), 400, 'invalidSyntax'],
        ['sent a wrong type', (s) => s.scim('POST', '/scim/v2/Users', { userName: address('x'), active: 'maybe' }), 400, 'invalidValue'],
        ['sent an unknown PATCH op', (s, { user }) => s.scim('PATCH', `/scim/v2/Users/${user.id}`, patchOp({ op: 'upsert', path: 'title', value: 'x' })), 400, 'invalidSyntax'],
        ['patched a readOnly attribute', (s, { user }) => s.scim('PATCH', `/scim/v2/Users/${user.id}`, patchOp({ op: 'replace', path: 'id', value: 'x' })), 400, 'mutability'],
        ['sent an invalid filter', (s) => s.scim('GET', '/scim/v2/Users?filter=userName%20eq'), 400, 'invalidFilter'],
        ['created a duplicate userName', (s, { user }) => s.scim('POST', '/scim/v2/Users', { userName: user.userName }), 409, 'uniqueness'],
        ['sent a stale If-Match', (s, { user }) => s.scim('DELETE', `/scim/v2/Users/${user.id}`, undefined, { 'if-match': 'W/"0"' }), 412, undefined],
        ['asked for /Me', (s) => s.scim('GET', '/scim/v2/Me'), 501, undefined],
      ];
      for (const [what, request, status, scimType] of errors) {
        it(`answers ${status}${scimType ? ` ${scimType}` : ''} when the client ${what}`, async () => {
          const user = await createUser(s);
          assertScimError(await request(s, { user }), status, scimType);
        });
      }

      it('answers 413 with a SCIM error to a body larger than the limit, and writes nothing', async () => {
        const small = await startServer(kind, { bodyLimit: 2048 });
        try {
          const before = await counts(small.store);
          const res = await small.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: address('big'), title: 'x'.repeat(3000) });
          assertScimError(res, 413);
          assert.match(res.body.detail, /2048/);
          assert.deepEqual(await counts(small.store), before);
          const fits = await small.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: address('small'), title: 'x'.repeat(1000) });
          assert.equal(fits.status, 201, fits.raw);
        } finally {
          await small.close();
        }
      });

      it('answers a database failure with 500, a fixed detail and no driver message, never a 404', async () => {
        const broken = await startServer(kind);
        try {
          const u = await createUser(broken);
          await sql`ALTER TABLE scim_users RENAME TO scim_users_gone`.execute(broken.store.db);
          const res = await broken.scim('GET', `/scim/v2/Users/${u.id}`);
          assertScimError(res, 500);
          assert.match(res.body.detail, /^Internal server error; .* \(request [^)]+\)$/);
          assert.doesNotMatch(res.raw, /scim_users|relation|no such table|SQLITE/i);
          await sql`ALTER TABLE scim_users_gone RENAME TO scim_users`.execute(broken.store.db);
        } finally {
          await broken.close();
        }
      });
    });

    describe('successful responses', () => {
      it('are application/scim+json for create, read, list, search, replace, patch and discovery', async () => {
        const u = await createUser(s);
        const g = await createGroup(s);
        const responses = [
          await s.scim('POST', '/scim/v2/Users', { userName: address('ct') }),
          await s.scim('GET', `/scim/v2/Users/${u.id}`),
          await s.scim('GET', '/scim/v2/Users?count=1'),
          await s.scim('POST', '/scim/v2/Users/.search', { count: 1 }),
          await s.scim('PUT', `/scim/v2/Users/${u.id}`, { userName: u.userName, title: 'x' }),
          await s.scim('PATCH', `/scim/v2/Users/${u.id}`, patchOp({ op: 'replace', path: 'title', value: 'y' })),
          await s.scim('GET', `/scim/v2/Groups/${g.id}`),
          await s.scim('GET', '/scim/v2/ServiceProviderConfig'),
          await s.scim('GET', '/scim/v2/Schemas'),
        ];
        for (const res of responses) {
          assert.ok(res.status < 300, res.raw);
          assertScimContentType(res);
        }
      });
    });

    describe('request Content-Types', () => {
      const contentTypes: [string, string | undefined][] = [
        ['application/scim+json', 'application/scim+json'],
        ['application/json', 'application/json'],
        ['application/scim+json with a charset', 'application/scim+json; charset=utf-8'],
        ['application/json with an upper-case charset', 'application/json; charset=UTF-8'],
        ['no Content-Type at all', undefined],
      ];
      for (const [name, contentType] of contentTypes) {
        it(`accepts POST, PUT and PATCH bodies sent as ${name}`, async () => {
          const headers: Record<string, string> = contentType === undefined ? {} : { 'content-type': contentType };
          // A string body goes out with exactly the headers given, so no Content-Type is added.
          const send = async (method: string, url: string, body: unknown) => {
            const res = await s.scim(method, url, JSON.stringify(body), headers);
            assertScimContentType(res);
            return res;
          };
          const created = await send('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: address('ctype'), title: 'a' });
          assert.equal(created.status, 201, created.raw);
          const put = await send('PUT', `/scim/v2/Users/${created.body.id}`, { schemas: [USER_URN], userName: created.body.userName, title: 'b' });
          assert.equal(put.status, 200, put.raw);
          assert.equal(put.body.title, 'b');
          const patched = await send('PATCH', `/scim/v2/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'title', value: 'c' }));
          assert.equal(patched.status, 200, patched.raw);
          assert.equal(patched.body.title, 'c');
        });
      }
    });
  });
}
