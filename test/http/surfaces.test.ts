// One server, three surfaces: /scim/v2 answers as SCIM (endpoint names in any case), /api/v1 in the admin
// API's JSON shape and documents itself in OpenAPI 3.1, and every other GET is the admin UI's page.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { UI_DIST } from '../../src/http/ui.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { anonymous } from '../support/api.ts';
import { storeKinds } from '../support/stores.ts';

const [sqlite] = storeKinds();

describe('One server, three surfaces', () => {
  let s: TestServer;
  before(async () => {
    s = await startServer(sqlite!);
  });
  after(() => s.close());

  const cases: [string, string, string, number, RegExp, (body: any) => void][] = [
    ['a SCIM endpoint in lower case', 'GET', '/scim/v2/users', 200, /^application\/scim\+json/, (b) => assert.ok(b.Resources)],
    ['a SCIM endpoint in upper case under /scim', 'GET', '/SCIM/USERS', 200, /^application\/scim\+json/, (b) => assert.ok(b.Resources)],
    ['an unknown SCIM endpoint', 'GET', '/scim/v2/Printers', 404, /^application\/scim\+json/, (b) => assert.equal(b.status, '404')],
    ['an unknown admin API endpoint', 'GET', '/api/v1/printers', 404, /^application\/json/, (b) => assert.equal(b.error.code, 'not_found')],
    ['a POST to no endpoint', 'POST', '/printers', 404, /^application\/json/, (b) => assert.equal(b.error.code, 'not_found')],
    ['the health check', 'GET', '/healthz', 200, /^application\/json/, (b) => assert.equal(b.status, 'ok')],
  ];
  for (const [what, method, url, status, type, check] of cases) {
    it(`answers ${what} (${method} ${url}) with ${status}`, async () => {
      const res = await s.scim(method, url);
      assert.equal(res.status, status, res.raw);
      assert.match(String(res.headers['content-type']), type);
      check(res.body);
    });
  }

  it('serves the admin UI page for its own routes, so a reload keeps the screen', { skip: !existsSync(`${UI_DIST}index.html`) && 'the UI is not built' }, async () => {
    for (const url of ['/', '/sign-in', '/companies/abc/target-users']) {
      const res = await anonymous(s, 'GET', url);
      assert.equal(res.status, 200, url);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(String(res.headers['content-security-policy']), /default-src 'self'/);
    }
  });

  it('describes the admin API in an OpenAPI 3.1 document with every documented path', async () => {
    const res = await anonymous(s, 'GET', '/api/v1/openapi.json');
    assert.equal(res.status, 200);
    assert.equal(res.body.openapi, '3.1.0');
    const paths = Object.keys(res.body.paths);
    for (const path of [
      '/session',
      '/companies',
      '/companies/{companyId}',
      '/system-users',
      '/jobs/{id}',
      '/companies/{companyId}/target-users',
      '/companies/{companyId}/target-users/{id}',
      '/companies/{companyId}/target-users/import',
      '/companies/{companyId}/target-users/export',
      '/companies/{companyId}/custom-fields',
      '/companies/{companyId}/groups',
      '/companies/{companyId}/groups/{id}/members',
      '/companies/{companyId}/scim-settings',
      '/companies/{companyId}/scim-settings/{id}',
      '/companies/{companyId}/scim-settings/{id}/rotate',
      '/companies/{companyId}/scim-settings/{id}/revoke',
      '/companies/{companyId}/scim-settings/{id}/status',
      '/companies/{companyId}/job-log',
      '/companies/{companyId}/audit-log',
      '/companies/{companyId}/api-keys',
    ]) {
      assert.ok(paths.includes(path), `${path} in ${paths.join(', ')}`);
    }
    const docs = await anonymous(s, 'GET', '/api/v1/docs');
    assert.ok([200, 302].includes(docs.status));
  });
});
