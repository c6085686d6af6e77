// METRICS_HOST/METRICS_PORT: the server started as `npm start` serves /metrics on a listener of its own, and
// only there (the SCIM port answers 404); METRICS_TOKEN guards that listener too. SIGTERM stops both.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { freePort, request, seedTenant, startServer, tempDir, type RosterServer } from '../support/process.ts';

describe('the separate metrics listener', () => {
  const dir = tempDir();
  const METRICS_TOKEN = 'scraper-token-0123456789';
  let server: RosterServer;
  let metricsOrigin: string;
  let token: string;

  before(async () => {
    const databaseUrl = `sqlite:${join(dir.path, 'roster.db')}`;
    ({ token } = await seedTenant(databaseUrl));
    const port = await freePort();
    metricsOrigin = `http://127.0.0.1:${port}`;
    server = await startServer({ cwd: dir.path, env: { DATABASE_URL: databaseUrl, METRICS_PORT: String(port), METRICS_TOKEN } });
  });
  after(() => dir.remove());

  it('serves /metrics with the token on METRICS_PORT, counting the SCIM port\'s requests', async () => {
    assert.equal((await request(`${server.origin}/scim/v2/Users`, { token })).status, 200);
    assert.equal((await request(`${metricsOrigin}/metrics`)).status, 401);
    const res = await request(`${metricsOrigin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    assert.equal(res.status, 200);
    assert.match(res.raw, /^roster_http_request_duration_seconds_count\{route="\/scim\/v2\/Users",method="GET",status="200"\} 1$/m);
  });

  it('answers 404 for /metrics on the SCIM port and for anything else on the metrics port', async () => {
    assert.equal((await request(`${server.origin}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).status, 404);
    assert.equal((await request(`${metricsOrigin}/healthz`)).status, 404);
    assert.equal((await request(`${metricsOrigin}/scim/v2/Users`, { token })).status, 404);
  });

  it('stops both listeners on SIGTERM', async () => {
    assert.deepEqual(await server.stop(), { code: 0, signal: null });
    await assert.rejects(request(`${metricsOrigin}/metrics`));
  });
});
