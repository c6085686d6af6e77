// `roster scim-setting status ID --json` next to a running server: the requests an IdP made show up as
// counters, the IdP's name, and the last error, in the documented shape.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { request, roster, seedTenant, startServer, tempDir, type RosterServer } from '../support/process.ts';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

describe('roster scim-setting status', () => {
  const dir = tempDir();
  const databaseUrl = `sqlite:${join(dir.path, 'roster.db')}`;
  let server: RosterServer;
  let tenant: { companyId: string; settingId: string; token: string };

  before(async () => {
    server = await startServer({ cwd: dir.path, env: { DATABASE_URL: databaseUrl } });
    tenant = await seedTenant(databaseUrl);
  });
  after(async () => {
    await server.stop();
    dir.remove();
  });

  it('--json prints the last request, the IdP, the 24-hour counters and the last error', async () => {
    const headers = { 'user-agent': 'Okta SCIM Client 1.0.0' };
    const users = `${server.origin}/scim/v2/Users`;
    assert.equal((await request(`${users}?startIndex=1&count=2`, { token: tenant.token, headers })).status, 200);
    const body = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@example.com' };
    assert.equal((await request(users, { method: 'POST', token: tenant.token, headers, body })).status, 201);
    const conflict = await request(`${users}?x=1`, { method: 'POST', token: tenant.token, headers, body });
    assert.equal(conflict.status, 409);
    assert.equal((await request(users, { token: 'rst_not-a-token', headers })).status, 401);

    // Recorded after each response was sent: poll until the third request shows.
    let status: any;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
      const result = await roster(['scim-setting', 'status', tenant.settingId, '--json'], { DATABASE_URL: databaseUrl });
      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.stderr, '');
      status = result.json;
      if (status.last24Hours.succeeded + status.last24Hours.failed >= 3) break;
    }
    assert.deepEqual(Object.keys(status), ['id', 'companyId', 'name', 'revokedAt', 'lastRequestAt', 'identityProvider', 'userAgent', 'last24Hours', 'lastError']);
    assert.equal(status.id, tenant.settingId);
    assert.equal(status.companyId, tenant.companyId);
    assert.equal(status.name, 'Entra ID');
    assert.equal(status.revokedAt, null);
    assert.match(status.lastRequestAt, ISO);
    assert.equal(status.identityProvider, 'Okta');
    assert.equal(status.userAgent, 'Okta SCIM Client 1.0.0');
    assert.deepEqual(Object.keys(status.last24Hours), ['since', 'succeeded', 'warned', 'failed']);
    assert.match(status.last24Hours.since, /^\d{4}-\d\d-\d\dT\d\d:00:00\.000Z$/);
    assert.equal(status.last24Hours.succeeded, 2);
    assert.equal(status.last24Hours.failed, 1, 'the 401 is not counted');
    assert.deepEqual(status.lastError, {
      at: status.lastError.at,
      status: 409,
      scimType: 'uniqueness',
      detail: conflict.body.detail,
      method: 'POST',
      path: '/scim/v2/Users',
    });
    assert.match(status.lastError.at, ISO);

    const text = await roster(['scim-setting', 'status', tenant.settingId], { DATABASE_URL: databaseUrl });
    assert.equal(text.code, 0);
    assert.match(text.stdout, /from Okta/);
    assert.match(text.stdout, /2 succeeded, 1 failed/);
  });

  it('exits 3 with a notFound JSON error for an unknown id', async () => {
    const result = await roster(['scim-setting', 'status', '00000000-0000-4000-8000-000000000000', '--json'], { DATABASE_URL: databaseUrl });
    assert.equal(result.code, 3, result.stderr);
    assert.deepEqual(result.json, { error: { kind: 'notFound', message: 'No SCIM setting with id 00000000-0000-4000-8000-000000000000' } });
  });
});
