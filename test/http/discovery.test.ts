// Discovery (RFC 7644 §4, RFC 7643 §5–§7, RFC 9865 §4) through the real server on every store, under both
// /scim/v2 and /scim: what is advertised is what the server does.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { assertScimError } from '../support/scim.ts';
import { ENTERPRISE, GROUP_URN, USER_URN } from './directory-fixture.ts';

const LIST_RESPONSE = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';
const CHARACTERISTICS = ['name', 'type', 'multiValued', 'description', 'required', 'caseExact', 'mutability', 'returned', 'uniqueness'];

interface Attr {
  name: string;
  type: string;
  mutability: string;
  returned: string;
  subAttributes?: Attr[];
  [k: string]: unknown;
}

/** Every attribute and sub-attribute of a schema document, with its dotted name. */
function walk(attrs: Attr[], prefix = ''): [string, Attr][] {
  return attrs.flatMap((a) => [[`${prefix}${a.name}`, a] as [string, Attr], ...walk(a.subAttributes ?? [], `${prefix}${a.name}.`)]);
}

for (const kind of storeKinds()) {
  for (const base of ['/scim/v2', '/scim']) {
    describe(`Discovery under ${base} on ${kind.name}`, () => {
      let s: TestServer;
      before(async () => {
        s = await startServer(kind);
      });
      after(() => s.close());
      const get = (path: string) => s.scim('GET', `${base}${path}`);

      it('serves /ServiceProviderConfig with every capability RFC 7643 §5 requires', async () => {
        const res = await get('/ServiceProviderConfig');
        assert.equal(res.status, 200);
        assert.match(String(res.headers['content-type']), /^application\/scim\+json/);
        const c = res.body;
        assert.deepEqual(c.schemas, ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig']);
        assert.deepEqual(c.patch, { supported: true });
        assert.equal(c.bulk.supported, true);
        assert.ok(Number.isInteger(c.bulk.maxOperations) && c.bulk.maxOperations > 0);
        assert.ok(Number.isInteger(c.bulk.maxPayloadSize) && c.bulk.maxPayloadSize > 0);
        assert.equal(c.filter.supported, true);
        assert.ok(Number.isInteger(c.filter.maxResults) && c.filter.maxResults > 0);
        assert.deepEqual(c.changePassword, { supported: false });
        assert.deepEqual(c.sort, { supported: true });
        assert.deepEqual(c.etag, { supported: true });
        assert.ok(c.authenticationSchemes.length >= 1);
        assert.equal(c.authenticationSchemes[0].type, 'oauthbearertoken');
        assert.equal(c.meta.resourceType, 'ServiceProviderConfig');
        assert.ok(c.meta.location.endsWith(`${base}/ServiceProviderConfig`));
      });

      it('advertises RFC 9865 pagination exactly: both methods, index by default, page sizes equal to filter.maxResults', async () => {
        const { body: c } = await get('/ServiceProviderConfig');
        assert.equal(c.pagination.cursor, true);
        assert.equal(c.pagination.index, true);
        assert.equal(c.pagination.defaultPaginationMethod, 'index');
        assert.ok(Number.isInteger(c.pagination.defaultPageSize) && c.pagination.defaultPageSize > 0);
        assert.equal(c.pagination.maxPageSize, c.filter.maxResults);
        // cursorTimeout, when given, is a positive number of seconds a cursor stays valid; ours never expire.
        assert.ok(c.pagination.cursorTimeout === undefined || (Number.isInteger(c.pagination.cursorTimeout) && c.pagination.cursorTimeout > 0));
      });

      it('pages by index when a request names no pagination method, as defaultPaginationMethod says', async () => {
        const res = await get('/Users');
        assert.equal(res.status, 200);
        assert.equal(res.body.startIndex, 1);
        assert.equal(res.body.nextCursor, undefined);
        const cursor = await get('/Users?cursor=');
        assert.equal(cursor.status, 200);
        assert.equal(cursor.body.startIndex, undefined);
      });

      it('does what patch, sort and etag advertise', async () => {
        const created = await s.scim('POST', `${base}/Users`, { schemas: [USER_URN], userName: `disc${base.length}@example.com` });
        assert.equal(created.status, 201, created.raw);
        assert.equal(created.headers.etag, 'W/"1"');
        const path = `${base}/Users/${created.body.id}`;
        const patched = await s.scim('PATCH', path, {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'add', path: 'title', value: 'Tester' }],
        });
        assert.equal(patched.status, 200, patched.raw);
        assert.equal(patched.headers.etag, 'W/"2"');
        const unchanged = await s.scim('GET', path, undefined, { 'if-none-match': 'W/"2"' });
        assert.equal(unchanged.status, 304);
        const stale = await s.scim('PUT', path, { schemas: [USER_URN], userName: 'x@example.com' }, { 'if-match': 'W/"1"' });
        assert.equal(stale.status, 412);
        const sortedDesc = await s.scim('GET', `${base}/Users?sortBy=userName&sortOrder=descending`);
        assert.equal(sortedDesc.status, 200);
      });

      it('lists both resource types under /ResourceTypes', async () => {
        const res = await get('/ResourceTypes');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.schemas, [LIST_RESPONSE]);
        assert.equal(res.body.totalResults, 2);
        const byId = Object.fromEntries(res.body.Resources.map((r: { id: string }) => [r.id, r]));
        assert.deepEqual(Object.keys(byId).sort(), ['Group', 'User']);
        assert.equal(byId.User.endpoint, '/Users');
        assert.equal(byId.User.schema, USER_URN);
        assert.deepEqual(byId.User.schemaExtensions, [{ schema: ENTERPRISE, required: false }]);
        assert.equal(byId.Group.endpoint, '/Groups');
        assert.equal(byId.Group.schema, GROUP_URN);
        assert.ok(byId.User.meta.location.endsWith(`${base}/ResourceTypes/User`));
      });

      for (const id of ['User', 'Group']) {
        it(`serves /ResourceTypes/${id} alone`, async () => {
          const res = await get(`/ResourceTypes/${id}`);
          assert.equal(res.status, 200);
          assert.equal(res.body.id, id);
          assert.deepEqual(res.body.schemas, ['urn:ietf:params:scim:schemas:core:2.0:ResourceType']);
        });
      }

      it('lists the User, Group and EnterpriseUser schemas under /Schemas', async () => {
        const res = await get('/Schemas');
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.schemas, [LIST_RESPONSE]);
        assert.deepEqual(res.body.Resources.map((r: { id: string }) => r.id).sort(), [GROUP_URN, USER_URN, ENTERPRISE].sort());
        assert.equal(res.body.totalResults, 3);
      });

      for (const urn of [USER_URN, GROUP_URN, ENTERPRISE]) {
        it(`serves /Schemas/${urn} with full characteristics and no write-only or never-returned attribute`, async () => {
          const res = await get(`/Schemas/${urn}`);
          assert.equal(res.status, 200, res.raw);
          assert.equal(res.body.id, urn);
          assert.ok(res.body.meta.location.endsWith(`${base}/Schemas/${urn}`));
          const attributes = walk(res.body.attributes);
          assert.ok(attributes.length > 0, res.raw);
          for (const [name, a] of attributes) {
            for (const c of CHARACTERISTICS) assert.ok(c in a, `${name} lacks ${c}`);
            assert.notEqual(a.mutability, 'writeOnly', name);
            assert.notEqual(a.returned, 'never', name);
            assert.notEqual(name.toLowerCase(), 'password');
            if (a.type === 'complex') assert.ok(Array.isArray(a.subAttributes), `${name} is complex without subAttributes`);
          }
        });
      }

      it('describes userName as required and unique, and groups as read-only', async () => {
        const res = await get(`/Schemas/${USER_URN}`);
        const attrs = Object.fromEntries(walk(res.body.attributes));
        assert.equal(attrs.userName!.required, true);
        assert.equal(attrs.userName!.uniqueness, 'server');
        assert.equal(attrs.userName!.caseExact, false);
        assert.equal(attrs.groups!.mutability, 'readOnly');
        assert.equal(attrs.password, undefined);
      });

      it('matches schema ids regardless of case', async () => {
        const res = await get(`/Schemas/${USER_URN.toLowerCase()}`);
        assert.equal(res.status, 200);
        assert.equal(res.body.id, USER_URN);
      });

      for (const path of ['/Schemas/urn:example:nope:2.0:Thing', '/ResourceTypes/Device']) {
        it(`answers 404 with a SCIM error for ${path}`, async () => {
          assertScimError(await get(path), 404);
        });
      }

      for (const path of ['/Schemas', '/ResourceTypes', '/ServiceProviderConfig']) {
        it(`answers 403 to a filter on ${path} and ignores paging`, async () => {
          const filtered = await get(`${path}?filter=${encodeURIComponent('id eq "User"')}`);
          assertScimError(filtered, 403);
          const paged = await get(`${path}?startIndex=2&count=1&sortBy=id`);
          assert.equal(paged.status, 200);
          if (path !== '/ServiceProviderConfig') assert.equal(paged.body.Resources.length, paged.body.totalResults);
        });
      }

      it('serves discovery without a token, as it holds no tenant data', async () => {
        const res = await s.app.inject({ method: 'GET', url: `${base}/ServiceProviderConfig` });
        assert.equal(res.statusCode, 200);
      });
    });
  }
}
