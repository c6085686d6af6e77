// Who may do what through the admin API, on every store: each role against reads, writes and another
// company's ids; sessions (CSRF, expiry, sign-out) and API keys (revocation).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { revokeApiKey } from '../../src/auth/api-keys.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { anonymous, PASSWORD, sessionCookie, signedIn, withApiKey, type ApiClient } from '../support/api.ts';
import { storeKinds } from '../support/stores.ts';
import { address } from '../support/scim.ts';

for (const kind of storeKinds()) {
  describe(`Admin API access on ${kind.name}`, () => {
    let s: TestServer;
    let clock = Date.parse('2026-12-01T09:00:00Z');
    let other: { companyId: string };
    const callers: Record<string, ApiClient> = {};
    before(async () => {
      s = await startServer(kind, { now: () => new Date(clock) });
      other = await s.otherTenant();
      callers.operator = await signedIn(s, 'operator');
      callers.admin = await signedIn(s, 'admin');
      callers.viewer = await signedIn(s, 'viewer');
      callers['admin API key'] = await withApiKey(s, 'admin');
      callers['viewer API key'] = await withApiKey(s, 'viewer');
    });
    after(() => s.close());

    const users = (companyId: string) => `/api/v1/companies/${companyId}/target-users`;
    // [caller, what it does, expected status]
    const cases: [string, string, (c: ApiClient) => Promise<{ status: number; body: any }>, number][] = [];
    for (const [who, write, foreign] of [
      ['operator', 201, 200],
      ['admin', 201, 404],
      ['viewer', 403, 404],
      ['admin API key', 201, 404],
      ['viewer API key', 403, 404],
    ] as const) {
      cases.push([who, 'lists its company’s target users', (c) => c.call('GET', users(s.companyId)), 200]);
      cases.push([who, 'creates a target user', (c) => c.call('POST', users(s.companyId), { email: address('new') }), write]);
      cases.push([who, 'lists another company’s target users', (c) => c.call('GET', users(other.companyId)), foreign]);
      cases.push([who, 'creates a user in another company', (c) => c.call('POST', users(other.companyId), { email: address('x') }), foreign === 200 ? 201 : 404]);
      cases.push([who, 'reads another company', (c) => c.call('GET', `/api/v1/companies/${other.companyId}`), foreign]);
    }
    for (const [who, what, request, status] of cases) {
      it(`answers ${status} when the ${who} ${what}`, async () => {
        const res = await request(callers[who]!);
        assert.equal(res.status, status, JSON.stringify(res.body));
        if (status >= 400) assert.equal(typeof res.body.error.code, 'string');
        if (status === 404) assert.equal(res.body.error.code, 'not_found');
        if (status === 403) assert.equal(res.body.error.code, 'forbidden');
      });
    }

    it('lists only its own company to a company-scoped user, every company to an operator', async () => {
      const mine = await callers.admin!.call('GET', '/api/v1/companies');
      assert.deepEqual(mine.body.items.map((c: { id: string }) => c.id), [s.companyId]);
      const all = await callers.operator!.call('GET', '/api/v1/companies');
      assert.ok(all.body.items.some((c: { id: string }) => c.id === other.companyId));
    });

    it('refuses a company to anyone but an operator', async () => {
      const res = await callers.admin!.call('POST', '/api/v1/companies', { name: 'Sneaky' });
      assert.equal(res.status, 403);
    });

    it('answers 401 without credentials, and with an unknown API key', async () => {
      const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer rk_nope_nope' }, { authorization: 'Basic abc' }, { cookie: 'roster_session=forged' }];
      for (const headers of attempts) {
        const res = await anonymous(s, 'GET', users(s.companyId), undefined, headers);
        assert.equal(res.status, 401, JSON.stringify(headers));
        assert.equal(res.body.error.code, 'unauthenticated');
      }
    });

    it('refuses an unsafe request of a session without the CSRF token, or with another session’s', async () => {
      const admin = callers.admin!;
      for (const token of [undefined, callers.viewer!.csrfToken!, 'x']) {
        const headers: Record<string, string> = { cookie: admin.cookie! };
        if (token !== undefined) headers['x-csrf-token'] = token;
        const res = await anonymous(s, 'POST', users(s.companyId), { email: address('csrf') }, headers);
        assert.equal(res.status, 403);
        assert.equal(res.body.error.code, 'csrf_failed');
      }
      // A read needs no token.
      assert.equal((await anonymous(s, 'GET', users(s.companyId), undefined, { cookie: admin.cookie! })).status, 200);
    });

    it('signs out on the server: the same cookie no longer works', async () => {
      const c = await signedIn(s, 'admin');
      assert.equal((await c.call('DELETE', '/api/v1/session')).status, 204);
      const res = await c.call('GET', '/api/v1/session');
      assert.equal(res.status, 401);
    });

    it('ends a session left idle, and one past its absolute lifetime however busy', async () => {
      const idle = await signedIn(s, 'viewer');
      const busy = await signedIn(s, 'viewer');
      const start = clock;
      try {
        clock += 31 * 60_000;
        assert.equal((await idle.call('GET', '/api/v1/session')).status, 401);
        // Busy: a request every 20 minutes keeps it alive, until 12 hours after sign-in.
        clock = start;
        for (let t = 20; t < 12 * 60; t += 20) {
          clock = start + t * 60_000;
          assert.equal((await busy.call('GET', '/api/v1/session')).status, 200, `at +${t} min`);
        }
        clock = start + 12 * 3_600_000 + 60_000;
        const res = await busy.call('GET', '/api/v1/session');
        assert.equal(res.status, 401);
        assert.match(res.body.error.message, /expired/);
      } finally {
        clock = start;
      }
    });

    it('refuses a revoked API key at once', async () => {
      const c = await withApiKey(s, 'admin');
      assert.equal((await c.call('GET', users(s.companyId))).status, 200);
      await revokeApiKey(s.store, s.companyId, c.id, CLI_ACTOR);
      assert.equal((await c.call('GET', users(s.companyId))).status, 401);
    });

    it('signs in with the password, sets an httpOnly SameSite=Strict cookie, and answers a wrong password like an unknown email', async () => {
      const c = await signedIn(s, 'admin');
      const ok = await anonymous(s, 'POST', '/api/v1/session', { email: c.name, password: PASSWORD });
      assert.equal(ok.status, 200);
      const set = String(([] as string[]).concat(ok.headers['set-cookie'] ?? []).find((h) => h.startsWith('roster_session=')));
      assert.match(set, /HttpOnly/i);
      assert.match(set, /SameSite=Strict/i);
      assert.match(set, /Path=\//);
      assert.ok(sessionCookie(ok));
      const wrong = await anonymous(s, 'POST', '/api/v1/session', { email: c.name, password: 'not the password at all' });
      const unknown = await anonymous(s, 'POST', '/api/v1/session', { email: 'nobody@roster.test', password: 'not the password at all' });
      assert.equal(wrong.status, 401);
      assert.deepEqual(wrong.body, unknown.body);
    });

    it('shows operators, and only them, the audit log of changes that belong to no company', async () => {
      const tried = `stranger-${Date.now()}@roster.test`;
      assert.equal((await anonymous(s, 'POST', '/api/v1/session', { email: tried, password: 'a guess at a password' }, { 'user-agent': 'Guesser/2.0' })).status, 401);
      const log = await callers.operator!.call('GET', '/api/v1/audit-log?limit=50');
      assert.equal(log.status, 200, JSON.stringify(log.body));
      const failure = log.body.items.find((e: { newValue: { email?: string } | null }) => e.newValue?.email === tried);
      assert.deepEqual([failure?.entity, failure?.operation, failure?.actor, failure?.userAgent], ['sign-in', 'fail', 'anonymous', 'Guesser/2.0']);
      // The operators created for this test are system users of no company.
      assert.ok(log.body.items.some((e: { entity: string; operation: string }) => e.entity === 'system-user' && e.operation === 'create'));
      // Nothing of a company is in it: the company's rows are in its own log.
      const company = await callers.operator!.call('GET', `/api/v1/companies/${s.companyId}/audit-log?limit=100`);
      const theirs = new Set(company.body.items.map((e: { id: string }) => e.id));
      assert.ok(log.body.items.every((e: { id: string }) => !theirs.has(e.id)));
      for (const who of ['admin', 'viewer', 'admin API key']) {
        const refused = await callers[who]!.call('GET', '/api/v1/audit-log');
        assert.deepEqual([refused.status, refused.body.error.code], [403, 'forbidden'], who);
      }
    });

    it('locks an email out after repeated failures, with Retry-After', async () => {
      const c = await signedIn(s, 'admin');
      let last;
      for (let i = 0; i < 6; i++) last = await anonymous(s, 'POST', '/api/v1/session', { email: c.name, password: `wrong password ${i}` });
      assert.equal(last!.status, 429);
      assert.equal(last!.body.error.code, 'rate_limited');
      assert.ok(Number(last!.headers['retry-after']) > 0);
      // Even the right password waits.
      const right = await anonymous(s, 'POST', '/api/v1/session', { email: c.name, password: PASSWORD });
      assert.equal(right.status, 429);
    });
  });
}
