// What operators watch, through the real server on every store: /metrics (protected, per-route series with
// route patterns, rate limits, body rejections, SCIM outcomes per setting, the database), /readyz, and
// request ids in headers, logs and 5xx details.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { setScimRateLimit } from '../../src/provisioning/scim-settings.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { assertScimError, createUser } from '../support/scim.ts';
import { storeKinds } from '../support/stores.ts';

const METRICS_TOKEN = 'metrics-token-for-the-tests';

/** The value of one series in Prometheus text, or undefined when it is absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

for (const kind of storeKinds()) {
  describe(`/metrics on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind, { bodyLimit: 2048, metrics: { token: METRICS_TOKEN } });
    });
    after(() => s.close());
    const scrape = async (authorization = `Bearer ${METRICS_TOKEN}`) => s.app.inject({ method: 'GET', url: '/metrics', headers: { authorization } });

    it('answers 401 without the METRICS_TOKEN or with another one', async () => {
      assert.equal((await s.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 401);
      const wrong = await scrape('Bearer not-the-metrics-token');
      assert.equal(wrong.statusCode, 401);
      assert.match(String(wrong.headers['www-authenticate']), /^Bearer/);
      assert.equal((await scrape(`Bearer ${s.token}`)).statusCode, 401, 'a SCIM token is not a metrics token');
    });

    it('counts requests by route pattern, method and status, never by the URL with its ids', async () => {
      const u = await createUser(s);
      assert.equal((await s.scim('GET', `/scim/v2/Users/${u.id}`)).status, 200);
      assert.equal((await s.scim('GET', `/scim/v2/Users/${u.id}?attributes=userName`)).status, 200);
      assert.equal((await s.scim('GET', '/scim/v2/Users/no-such-id')).status, 404);
      const res = await scrape();
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
      const text = res.body;
      const series = (status: number) => `roster_http_request_duration_seconds_count{route="/scim/v2/Users/:id",method="GET",status="${status}"}`;
      assert.equal(sample(text, series(200)), 2);
      assert.equal(sample(text, series(404)), 1);
      assert.equal(sample(text, 'roster_http_request_duration_seconds_count{route="/scim/v2/Users",method="POST",status="201"}'), 1);
      assert.ok(sample(text, 'roster_http_request_duration_seconds_bucket{le="+Inf",route="/scim/v2/Users/:id",method="GET",status="200"}') === 2);
      assert.ok(!text.includes(u.id), 'no resource id in any label');
    });

    it('counts SCIM outcomes per setting, rate-limited requests by reason and refused bodies by status', async () => {
      const before = await scrape();
      const outcome = (o: string) => `roster_scim_requests_total{setting="${s.settingId}",outcome="${o}"}`;
      const was = (series: string) => sample(before.body, series) ?? 0;

      assertScimError(await s.scim('POST', '/scim/v2/Users', '{"schemas": ['), 400, 'invalidSyntax');
      assertScimError(await s.scim('POST', '/scim/v2/Users', { title: 'x'.repeat(3000) }), 413);
      await setScimRateLimit(s.store, s.settingId, 1, CLI_ACTOR);
      const statuses = [];
      for (let i = 0; i < 4; i++) statuses.push((await s.scim('GET', '/scim/v2/Users')).status);
      assert.deepEqual(statuses, [200, 200, 429, 429]);
      await setScimRateLimit(s.store, s.settingId, null, CLI_ACTOR);

      const text = (await scrape()).body;
      assert.equal(sample(text, outcome('success')), was(outcome('success')) + 2);
      assert.equal(sample(text, outcome('failure')), was(outcome('failure')) + 4);
      assert.equal(sample(text, 'roster_rate_limited_total{reason="token"}'), 2);
      assert.equal(sample(text, 'roster_request_body_rejections_total{status="400"}'), 1);
      assert.equal(sample(text, 'roster_request_body_rejections_total{status="413"}'), 1);
    });

    it(kind.name === 'postgres' ? 'reports the PostgreSQL pool' : 'reports SQLite busy waits', async () => {
      const text = (await scrape()).body;
      if (kind.name === 'postgres') {
        assert.ok(sample(text, 'roster_db_pool_size')! >= 1, text);
        assert.equal(sample(text, 'roster_db_pool_waiting'), 0);
        assert.ok(sample(text, 'roster_db_pool_in_use')! >= 0);
      } else {
        s.store.stats.busyWaits!.count += 2;
        s.store.stats.busyWaits!.seconds += 0.25;
        const after = (await scrape()).body;
        assert.equal(sample(after, 'roster_sqlite_busy_waits_total'), sample(text, 'roster_sqlite_busy_waits_total')! + 2);
        assert.equal(sample(after, 'roster_sqlite_busy_wait_seconds_total'), sample(text, 'roster_sqlite_busy_wait_seconds_total')! + 0.25);
      }
    });
  });

  describe(`/readyz, /metrics without METRICS_TOKEN, and request ids on ${kind.name}`, () => {
    let s: TestServer;
    const lines: string[] = [];
    before(async () => {
      s = await startServer(kind, { logStream: { write: (line) => void lines.push(line) } });
    });
    after(() => s.close());

    it('answers /metrics 404 when it is not exposed', async () => {
      assert.equal((await s.app.inject({ method: 'GET', url: '/metrics' })).statusCode, 404);
    });

    it('answers /readyz 200 while the database answers', async () => {
      const res = await s.app.inject({ method: 'GET', url: '/readyz' });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: 'ready' });
    });

    it('answers /readyz 503 once the database is gone, and /healthz still 200', async () => {
      const store = await kind.open();
      const lost = await startServer(kind, { store });
      try {
        await store.close();
        const res = await lost.app.inject({ method: 'GET', url: '/readyz' });
        assert.equal(res.statusCode, 503);
        assert.equal(res.json().status, 'unavailable');
        assert.match(res.json().detail, /^The database did not answer \(request [^)]+\)$/);
        assert.equal((await lost.app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200);
      } finally {
        await lost.close();
      }
    });

    it('reuses a sane X-Request-Id, echoes it, and logs every line of the request with it', async () => {
      const from = lines.length;
      const res = await s.scim('GET', '/scim/v2/Users', undefined, { 'x-request-id': 'okta-Req.42_a' });
      assert.equal(res.status, 200);
      assert.equal(res.headers['x-request-id'], 'okta-Req.42_a');
      // Every line written while the request ran, not only those that carry the id.
      const logged = lines.slice(from).map((l) => JSON.parse(l));
      assert.deepEqual(logged.map((l) => [l.msg, l.reqId]), [['incoming request', 'okta-Req.42_a'], ['request completed', 'okta-Req.42_a']]);
    });

    it('replaces an X-Request-Id that is too long or has other characters with a fresh one', async () => {
      for (const given of ['x'.repeat(129), 'forged\nline', 'a b', '']) {
        const res = await s.scim('GET', '/scim/v2/Users', undefined, { 'x-request-id': given });
        assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/, JSON.stringify(given));
      }
      const plain = await s.scim('GET', '/scim/v2/NoSuchEndpoint');
      assert.match(String(plain.headers['x-request-id']), /^[0-9a-f-]{36}$/, 'also on a 404');
    });

    it('names the request id in the detail of a 500, the same the header carries and the error log line', async () => {
      await sql`ALTER TABLE scim_users RENAME TO scim_users_gone`.execute(s.store.db);
      try {
        const res = await s.scim('GET', '/scim/v2/Users', undefined, { 'x-request-id': 'trace-500' });
        assertScimError(res, 500);
        assert.equal(res.headers['x-request-id'], 'trace-500');
        assert.match(res.body.detail, /\(request trace-500\)$/);
        assert.ok(lines.some((l) => JSON.parse(l).reqId === 'trace-500' && JSON.parse(l).msg === 'unhandled error'));
      } finally {
        await sql`ALTER TABLE scim_users_gone RENAME TO scim_users`.execute(s.store.db);
      }
    });
  });
}
