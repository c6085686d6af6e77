// The SCIM rate limits through the real server on every store: per token (its setting's limit, 429 with
// Retry-After and a SCIM error), per address after repeated failed tokens, and several instances on one
// database holding a token's limit together. The clock is the app's, pinned and moved by the tests.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { setScimRateLimit } from '../../src/provisioning/scim-settings.ts';
import { MAX_FAILURES } from '../../src/provisioning/rate-limits/failed-auth-limits.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { assertScimError } from '../support/scim.ts';
import { logSql } from '../support/sql-log.ts';
import { storeKinds } from '../support/stores.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of storeKinds()) {
  describe(`SCIM rate limits on ${kind.name}`, () => {
    let s: TestServer;
    let clock = new Date('2026-12-02T10:00:00.000Z');
    const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
    before(async () => {
      s = await startServer(kind, { now: () => clock });
    });
    after(() => s.close());

    /** Sends `n` list requests one after another with `token`; the statuses. */
    async function send(n: number, token = s.token, server = s): Promise<number[]> {
      const statuses: number[] = [];
      for (let i = 0; i < n; i++) statuses.push((await server.scim('GET', '/scim/v2/Users?count=1', undefined, { authorization: `Bearer ${token}` })).status);
      return statuses;
    }
    const accepted = (statuses: number[]) => statuses.filter((st) => st === 200).length;

    it('answers a burst over the setting\'s limit with 429, Retry-After and a SCIM error, and lets the token through again a second later', async () => {
      await setScimRateLimit(s.store, s.settingId, 5, CLI_ACTOR);
      // A full bucket holds two seconds of the limit.
      assert.deepEqual(await send(10), Array(10).fill(200));
      const limited = await s.scim('GET', '/scim/v2/Users');
      assertScimError(limited, 429);
      assert.equal(limited.headers['retry-after'], '1');
      assert.match(limited.body.detail, /this token may send 5 requests per second \(its SCIM setting's rate limit\); retry in 1 s/);

      advance(1_000);
      assert.deepEqual(await send(6), [200, 200, 200, 200, 200, 429]);
    });

    it('does not throttle another setting\'s token while one is limited', async () => {
      const other = await s.otherTenant();
      for (const id of [s.settingId, other.settingId]) await setScimRateLimit(s.store, id, 1, CLI_ACTOR);
      advance(10_000);
      await send(5);
      assert.equal((await s.scim('GET', '/scim/v2/Users')).status, 429);
      assert.deepEqual(await send(3, other.token), [200, 200, 429], 'its own bucket of two');
    });

    it('answers 429 to an address after repeated failed tokens, but never to a valid token from it', async () => {
      await setScimRateLimit(s.store, s.settingId, null, CLI_ACTOR);
      advance(10_000);
      const from = (remoteAddress: string, authorization?: string) =>
        s.app.inject({ method: 'GET', url: '/scim/v2/Users', remoteAddress, headers: authorization ? { authorization } : {} });
      const wrong = `Bearer rst_${'W'.repeat(43)}`;
      for (let i = 0; i < MAX_FAILURES; i++) assert.equal((await from('203.0.113.7', wrong)).statusCode, 401);

      const limited = await from('203.0.113.7', wrong);
      assert.equal(limited.statusCode, 429, limited.body);
      assert.equal(limited.headers['retry-after'], '60');
      assert.match(JSON.parse(limited.body).detail, /Too many requests with a missing or invalid token from this address/);
      assert.equal((await from('203.0.113.7')).statusCode, 429, 'a missing token too');
      assert.equal((await from('203.0.113.7', `Bearer ${s.token}`)).statusCode, 200, 'the IdP behind the same address');
      assert.equal((await from('198.51.100.1', wrong)).statusCode, 401, 'another address');

      advance(45_000);
      assert.equal((await from('203.0.113.7', wrong)).headers['retry-after'], '15');
      advance(15_000);
      assert.equal((await from('203.0.113.7', wrong)).statusCode, 401, 'once the minute has passed');
    });

    it('counts a limited token\'s requests without writing to the database per request', async () => {
      // An instance whose exchange (and request statistics) would run only once a minute: a burst writes nothing.
      const quiet = await startServer(kind, { now: () => clock, store: s.store, statsFlushIntervalMs: 60_000 });
      const sql = logSql(s);
      try {
        await setScimRateLimit(s.store, s.settingId, 1000, CLI_ACTOR);
        sql.log.length = 0;
        assert.equal(accepted(await send(50, s.token, quiet)), 50);
        const writes = sql.log.filter((q) => /^\s*(insert|update|delete)\b/i.test(q.sql));
        assert.deepEqual(writes.map((q) => q.sql), []);
        assert.ok(sql.log.length > 0, 'the requests were seen');
      } finally {
        sql.stop();
        await quiet.close();
      }
    });

    it('holds one token\'s limit across two instances on one database, within the documented tolerance', async () => {
      const second = await startServer(kind, { now: () => clock, store: s.store });
      try {
        const LIMIT = 5;
        await setScimRateLimit(s.store, s.settingId, LIMIT, CLI_ACTOR);
        advance(10_000);
        // Per second of the (pinned) clock: 20 requests to each instance, then the clock moves on and both
        // exchange their counts (every 10 ms in tests).
        const perSecond: number[] = [];
        for (let i = 0; i < 7; i++) {
          perSecond.push(accepted(await send(20)) + accepted(await send(20, s.token, second)));
          advance(1_000);
          await sleep(80);
        }
        // Before either has seen the other's counts (two seconds), each allows its burst, then its rate.
        assert.deepEqual(perSecond.slice(0, 2), [4 * LIMIT, 2 * LIMIT]);
        // From then on the sum holds at the limit (each leaves the other what it used; whole requests per
        // instance, so a second may carry one more or less each).
        const settled = perSecond.slice(3);
        for (const n of settled) assert.ok(n <= LIMIT + 2, `${n} in one second: ${perSecond}`);
        const total = settled.reduce((a, b) => a + b, 0);
        assert.ok(Math.abs(total - settled.length * LIMIT) <= 2, `${total} over ${settled.length} s: ${perSecond}`);
      } finally {
        await second.close();
      }
    });
  });
}
