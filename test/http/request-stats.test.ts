// `roster scim-setting status` reads what the server records after each authenticated SCIM response:
// hourly success/failure counters, the last request and its User-Agent, and the last error. On every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ScimRequestRecorder, identityProviderOf, scimSettingHourly, scimSettingStatus, type ScimRequestOutcome, type ScimSettingStatus } from '../../src/provisioning/scim-request-stats.ts';
import type { Store } from '../../src/store/open.ts';
import { AdminError } from '../../src/directory/errors.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { updateCompanySettings } from '../../src/directory/companies.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { USER_URN, address } from '../support/scim.ts';

describe('identityProviderOf', () => {
  const cases: [string | null, string | null][] = [
    ['Azure AD SCIM Provisioning', 'Microsoft Entra ID'],
    ['Microsoft.AAD.Provisioning.ScimClient/1.0', 'Microsoft Entra ID'],
    ['Okta SCIM Client 1.0.0', 'Okta'], // idp-requests.md §2.2
    ['OKTA SCIM Integration', 'Okta'], // Okta's SPEC test, §2.7
    ['OneLogin SCIM', 'OneLogin'], // §3
    ['JumpCloud SCIM Client', 'JumpCloud'],
    ['curl/8.5.0', 'curl/8.5.0'],
    [null, null],
  ];
  for (const [agent, idp] of cases) it(`${JSON.stringify(agent)} → ${JSON.stringify(idp)}`, () => assert.equal(identityProviderOf(agent), idp));
  it('shortens an unknown agent', () => {
    const shown = identityProviderOf(`custom-client/${'x'.repeat(200)}`)!;
    assert.equal(shown.length, 80);
    assert.ok(shown.endsWith('…'));
  });
});

for (const kind of storeKinds()) {
  describe(`SCIM request statistics on ${kind.name}`, () => {
    let s: TestServer;
    let clock = new Date('2026-11-29T10:15:00.000Z');
    const at = (ms: number) => (clock = new Date(clock.getTime() + ms));
    before(async () => {
      s = await startServer(kind, { now: () => clock });
    });
    after(() => s.close());

    const status = (id = s.settingId) => scimSettingStatus(s.store, id, clock);
    /** Recording happens after the response is sent: wait until it shows. */
    async function settled(settingId: string, total: number): Promise<ScimSettingStatus> {
      const deadline = Date.now() + 5_000;
      for (;;) {
        const now = await status(settingId);
        if (now.last24Hours.succeeded + now.last24Hours.failed >= total || Date.now() > deadline) return now;
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    const okta = { 'user-agent': 'Okta SCIM Client 1.0.0' };

    it('shows a setting that was never used as such', async () => {
      const fresh = await status();
      assert.deepEqual(fresh, {
        id: s.settingId,
        companyId: s.companyId,
        name: 'Entra ID',
        revokedAt: null,
        lastRequestAt: null,
        identityProvider: null,
        userAgent: null,
        last24Hours: { since: '2026-11-28T11:00:00.000Z', succeeded: 0, warned: 0, failed: 0 },
        lastError: null,
      });
    });

    it('counts successes and failures, names the IdP and keeps the last error without its query string', async () => {
      const userName = address('stats');
      assert.equal((await s.scim('GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, undefined, okta)).status, 200);
      assert.equal((await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName }, okta)).status, 201);
      at(1_000);
      assert.equal((await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName }, okta)).status, 409);
      at(1_000);
      const bad = await s.scim('GET', '/scim/v2/Users?filter=userName%20eq%20%22x%22%20and', undefined, okta);
      assert.equal(bad.status, 400);
      const seen = await settled(s.settingId, 4);
      assert.equal(seen.last24Hours.succeeded, 2);
      assert.equal(seen.last24Hours.failed, 2);
      assert.equal(seen.identityProvider, 'Okta');
      assert.equal(seen.userAgent, 'Okta SCIM Client 1.0.0');
      assert.equal(seen.lastRequestAt, '2026-11-29T10:15:02.000Z');
      assert.deepEqual(seen.lastError, {
        at: '2026-11-29T10:15:02.000Z',
        status: 400,
        scimType: bad.body.scimType,
        detail: bad.body.detail,
        method: 'GET',
        path: '/scim/v2/Users',
      });
    });

    it('counts a write that left a warning in the job log as succeeded with a warning, hour by hour', async () => {
      const other = await s.otherTenant();
      await updateCompanySettings(s.store, other.companyId, { allowedDomains: ['acme.com'] }, CLI_ACTOR);
      const as = { authorization: `Bearer ${other.token}` };
      const user = (email: string) => ({ schemas: [USER_URN], userName: email, emails: [{ primary: true, type: 'work', value: email }] });
      // Outside the allowed domains: provisioned, with a warning in the job log; inside: a plain success; a read is neither.
      assert.equal((await s.scim('POST', '/scim/v2/Users', user('warned@elsewhere.org'), as)).status, 201);
      assert.equal((await s.scim('POST', '/scim/v2/Users', user('plain@acme.com'), as)).status, 201);
      assert.equal((await s.scim('GET', '/scim/v2/Users', undefined, as)).status, 200);
      const now = await settled(other.settingId, 3);
      assert.deepEqual([now.last24Hours.succeeded, now.last24Hours.warned, now.last24Hours.failed], [3, 1, 0]);
      const hourly = await scimSettingHourly(s.store, other.settingId, 1, clock);
      assert.equal(hourly.length, 24);
      assert.deepEqual(hourly.at(-1), { hour: '2026-11-29T10:00:00.000Z', succeeded: 3, warned: 1, failed: 0 });
    });

    it('does not count 401s, nor another company’s requests', async () => {
      const before = await status();
      const other = await s.otherTenant();
      const res = await s.scim('GET', '/scim/v2/Users', undefined, { authorization: 'Bearer rst_wrong' });
      assert.equal(res.status, 401);
      await s.scim('GET', '/scim/v2/Groups', undefined, { authorization: `Bearer ${other.token}`, 'user-agent': 'OneLogin SCIM' });
      const theirs = await settled(other.settingId, 1);
      assert.equal(theirs.last24Hours.succeeded, 1);
      assert.equal(theirs.identityProvider, 'OneLogin');
      assert.deepEqual(await status(), before);
    });

    it('shows the time and User-Agent of the latest request', async () => {
      at(10_000);
      await s.scim('GET', '/scim/v2/Users', undefined, okta);
      let now = await settled(s.settingId, 5);
      assert.equal(now.lastRequestAt, clock.toISOString());
      assert.equal(now.identityProvider, 'Okta');
      at(1_000);
      await s.scim('GET', '/scim/v2/Users?filter=userName%20eq%20%22nobody%22', undefined, { 'user-agent': 'Azure AD SCIM Provisioning' });
      now = await settled(s.settingId, 6);
      assert.equal(now.lastRequestAt, clock.toISOString());
      assert.equal(now.identityProvider, 'Microsoft Entra ID');
      assert.equal(now.last24Hours.succeeded, 4);
    });

    it('counts the current hour and the 23 before it, and keeps the last request and error', async () => {
      const before = await status();
      at(23 * 3_600_000);
      const later = await status();
      assert.equal(later.last24Hours.succeeded, before.last24Hours.succeeded);
      at(3_600_000);
      const dayAfter = await status();
      assert.deepEqual(dayAfter.last24Hours, { since: '2026-11-29T11:00:00.000Z', succeeded: 0, warned: 0, failed: 0 });
      assert.equal(dayAfter.lastRequestAt, before.lastRequestAt);
      assert.deepEqual(dayAfter.lastError, before.lastError);
      // A new request lands in a new bucket (and drops buckets past the retention, which reads never see).
      await s.scim('GET', '/scim/v2/Users', undefined, okta);
      assert.equal((await settled(s.settingId, 1)).last24Hours.succeeded, 1);
    });

    it('records a 404 with its status and no scimType', async () => {
      at(60_000);
      const res = await s.scim('GET', '/scim/v2/Users/00000000-0000-4000-8000-000000000000', undefined, okta);
      assert.equal(res.status, 404, res.raw);
      const now = await settled(s.settingId, 2);
      assert.equal(now.last24Hours.failed, 1);
      assert.equal(now.lastError?.status, 404);
      assert.equal(now.lastError?.scimType, null);
      assert.equal(now.lastError?.path, '/scim/v2/Users/00000000-0000-4000-8000-000000000000');
    });

    it('refuses an unknown setting id as not found', async () => {
      await assert.rejects(status('00000000-0000-4000-8000-000000000000'), (e: unknown) => e instanceof AdminError && e.kind === 'notFound');
    });
  });

  // Each server process counts in memory and flushes about once a second; several processes share one database.
  describe(`the request recorder on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    const HOUR = 60 * 60_000;
    const request = (settingId: string, at: string, status = 200, userAgent = 'Okta SCIM Client 1.0.0'): ScimRequestOutcome => ({
      settingId,
      at: new Date(at),
      method: 'GET',
      url: '/scim/v2/Users?filter=userName%20eq%20%22x%22',
      userAgent,
      status,
      ...(status >= 400 ? { error: { scimType: undefined, detail: `failed with ${status}` } } : {}),
    });
    /** A recorder that flushes only when told to. */
    const recorder = (store: Store = s.store) => new ScimRequestRecorder(store, { flushIntervalMs: HOUR });

    it('adds up what several server processes counted, and keeps the latest request and error whichever flushes last', async () => {
      const { settingId } = await s.otherTenant();
      const [a, b] = [recorder(), recorder()];
      a.record(request(settingId, '2026-11-29T10:00:01.000Z'));
      a.record(request(settingId, '2026-11-29T10:00:05.000Z', 404, 'Azure AD SCIM Provisioning'));
      b.record(request(settingId, '2026-11-29T10:00:02.000Z'));
      b.record(request(settingId, '2026-11-29T10:00:03.000Z', 400));
      await a.close();
      await b.close();
      const now = await scimSettingStatus(s.store, settingId, new Date('2026-11-29T10:30:00.000Z'));
      assert.deepEqual(now.last24Hours, { since: '2026-11-28T11:00:00.000Z', succeeded: 2, warned: 0, failed: 2 });
      assert.equal(now.lastRequestAt, '2026-11-29T10:00:05.000Z');
      assert.equal(now.identityProvider, 'Microsoft Entra ID');
      assert.deepEqual(now.lastError, { at: '2026-11-29T10:00:05.000Z', status: 404, scimType: null, detail: 'failed with 404', method: 'GET', path: '/scim/v2/Users' });
    });

    it('writes nothing before a flush, and everything recorded when it closes', async () => {
      const { settingId } = await s.otherTenant();
      const r = recorder();
      for (let i = 0; i < 3; i++) r.record(request(settingId, '2026-11-29T10:00:00.000Z'));
      const at = new Date('2026-11-29T10:30:00.000Z');
      assert.equal((await scimSettingStatus(s.store, settingId, at)).last24Hours.succeeded, 0);
      await r.close();
      assert.equal((await scimSettingStatus(s.store, settingId, at)).last24Hours.succeeded, 3);
    });

    it('keeps the counters of a flush that failed and writes them with the next one', async () => {
      const { settingId } = await s.otherTenant();
      // The database refuses the first transaction, as a locked or unreachable one would.
      let refuse = true;
      const flaky: Store = {
        ...s.store,
        db: new Proxy(s.store.db, {
          get(target, key) {
            if (key === 'transaction' && refuse) {
              refuse = false;
              return () => ({ execute: () => Promise.reject(new Error('database is locked')) });
            }
            const value: unknown = Reflect.get(target, key, target);
            return typeof value === 'function' ? value.bind(target) : value;
          },
        }),
      };
      const errors: unknown[] = [];
      const r = new ScimRequestRecorder(flaky, { flushIntervalMs: HOUR, onFlushError: (e) => errors.push(e) });
      r.record(request(settingId, '2026-11-29T10:00:00.000Z'));
      await r.flush();
      assert.equal(errors.length, 1);
      r.record(request(settingId, '2026-11-29T10:00:01.000Z', 500));
      await r.close();
      const now = await scimSettingStatus(s.store, settingId, new Date('2026-11-29T10:30:00.000Z'));
      assert.deepEqual([now.last24Hours.succeeded, now.last24Hours.failed], [1, 1]);
      assert.equal(now.lastRequestAt, '2026-11-29T10:00:01.000Z');
    });

    it('opens a new hourly bucket and drops the ones past the eight days no status reads', async () => {
      const { settingId } = await s.otherTenant();
      const r = recorder();
      r.record(request(settingId, '2026-11-20T09:00:00.000Z'));
      await r.flush();
      r.record(request(settingId, '2026-11-29T10:00:00.000Z'));
      await r.close();
      const buckets = await s.store.db.selectFrom('scim_request_stats').select('hour').where('scim_setting_id', '=', settingId).execute();
      assert.deepEqual(buckets.map((b) => b.hour), ['2026-11-29T10:00:00.000Z']);
    });
  });
}
