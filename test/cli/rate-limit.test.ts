// Rate limits as operators set them: SCIM_RATE_LIMIT for the server, `--rate-limit` on `scim-setting create`
// and `scim-setting update` per setting, applied by the running server from the token's next request.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { request, roster, seedTenant, startServer, tempDir, type CliResult, type RosterServer } from '../support/process.ts';

function ok(result: CliResult): any {
  assert.equal(result.code, 0, `exit code; stderr: ${result.stderr}`);
  return result.json;
}

describe('rate limits set with SCIM_RATE_LIMIT and roster scim-setting --rate-limit', () => {
  const dir = tempDir();
  const databaseUrl = `sqlite:${join(dir.path, 'roster.db')}`;
  const env = { DATABASE_URL: databaseUrl };
  let server: RosterServer;
  let tenant: { companyId: string; settingId: string; token: string };
  /** Sends `n` requests at once with the token; their statuses and the first 429. */
  async function burst(token: string, n: number) {
    const responses = await Promise.all(Array.from({ length: n }, () => request(`${server.origin}/scim/v2/Users?count=1`, { token })));
    return { statuses: responses.map((r) => r.status), limited: responses.find((r) => r.status === 429) };
  }

  before(async () => {
    server = await startServer({ cwd: dir.path, env: { ...env, SCIM_RATE_LIMIT: '3' } });
    tenant = await seedTenant(databaseUrl);
  });
  after(async () => {
    await server.stop();
    dir.remove();
  });

  it('throttles a token without a limit of its own at SCIM_RATE_LIMIT, with a burst of two seconds of it', async () => {
    const { statuses, limited } = await burst(tenant.token, 12);
    const accepted = statuses.filter((s) => s === 200).length;
    // 6 in the full bucket, perhaps one more earned while the burst was sent.
    assert.ok(accepted >= 6 && accepted <= 7, `accepted ${accepted}: ${statuses}`);
    assert.equal(statuses.filter((s) => s === 429).length, 12 - accepted);
    assert.equal(limited?.headers['retry-after'], '1');
    assert.match(limited?.body.detail, /this token may send 3 requests per second \(the server's default, SCIM_RATE_LIMIT\)/);
  });

  it('scim-setting create --rate-limit stores the limit, and list shows it with null for the server default', async () => {
    const created = ok(await roster(['scim-setting', 'create', '--company', tenant.companyId, '--name', 'Okta', '--rate-limit', '50', '--json'], env));
    assert.equal(created.rateLimit, 50);
    const listed = ok(await roster(['scim-setting', 'list', '--company', tenant.companyId, '--json'], env));
    assert.deepEqual(
      listed.map((s: any) => [s.name, s.rateLimit]),
      [
        ['Entra ID', null],
        ['Okta', 50],
      ],
    );
    // Its own limit, not the server's 3 per second.
    const { statuses } = await burst(created.token, 12);
    assert.deepEqual(statuses, Array(12).fill(200));
  });

  it('scim-setting update --rate-limit 0 lifts the limit at once, and --rate-limit default restores the server default', async () => {
    const lifted = ok(await roster(['scim-setting', 'update', tenant.settingId, '--rate-limit', '0', '--json'], env));
    assert.equal(lifted.id, tenant.settingId);
    assert.equal(lifted.rateLimit, 0);
    assert.ok(!('token' in lifted));
    assert.deepEqual((await burst(tenant.token, 20)).statuses, Array(20).fill(200));

    const restored = ok(await roster(['scim-setting', 'update', tenant.settingId, '--rate-limit', 'DEFAULT', '--json'], env));
    assert.equal(restored.rateLimit, null);
    assert.ok((await burst(tenant.token, 12)).statuses.includes(429));
  });

  it('scim-setting update of a revoked setting exits 4 with a conflict error', async () => {
    ok(await roster(['scim-setting', 'revoke', tenant.settingId, '--json'], env));
    const result = await roster(['scim-setting', 'update', tenant.settingId, '--rate-limit', '5', '--json'], env);
    assert.equal(result.code, 4);
    assert.equal(result.json.error.kind, 'conflict');
  });
});
