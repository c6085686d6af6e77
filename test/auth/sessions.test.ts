// Signing in and the sessions it starts, on both stores: one answer for an unknown email and a wrong
// password, the lockout and its audit rows, idle and absolute expiry with a pinned clock, sign-out, and a
// session read that writes last-seen at most once a minute.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sessionOf, signIn, signOut } from '../../src/auth/sessions.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createCompany } from '../../src/directory/companies.ts';
import { pruneAdminAccess } from '../../src/provisioning/maintenance.ts';
import type { Store } from '../../src/store/open.ts';
import { storeKinds } from '../support/stores.ts';
import { activeUser, CLIENT, PASSWORD } from './support.ts';

const MINUTE = 60_000;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

for (const kind of storeKinds()) {
  describe(`sign-in and sessions on ${kind.name}`, () => {
    let store: Store;
    let companyId: string;
    before(async () => {
      store = await kind.open();
      companyId = (await createCompany(store, { name: 'Acme' }, CLI_ACTOR)).id;
    });
    after(() => store.close());

    const signInAudit = (email: string) =>
      store.db.selectFrom('audit_log').selectAll().where('entity', '=', 'sign-in').orderBy('id').execute()
        .then((rows) => rows.filter((r) => JSON.stringify(store.dialect.fromJson(r.new_value)).includes(email)));

    it('signs in with the right password, in any case of the email, and the session names the user', async () => {
      const { user, email } = await activeUser(store, 'viewer', companyId);
      const result = await signIn(store, email.toUpperCase(), PASSWORD, CLIENT);
      assert.ok(result.ok);
      assert.match(result.session.token, /^[A-Za-z0-9_-]{43}$/);
      assert.notEqual(result.session.csrfToken, result.session.token);
      const seen = await sessionOf(store, result.session.token);
      assert.deepEqual(seen?.principal, { kind: 'user', id: user.id, name: email, role: 'viewer', companyId, sessionId: result.session.principal.sessionId });
      assert.equal(seen?.csrfToken, result.session.csrfToken);
      const row = await store.db.selectFrom('sessions').selectAll().where('id', '=', result.session.principal.sessionId!).executeTakeFirstOrThrow();
      assert.ok(!JSON.stringify(row).includes(result.session.token), 'only the hash of the token is stored');
      assert.deepEqual([row.ip, row.user_agent], [CLIENT.ip, CLIENT.userAgent]);
    });

    it('gives a wrong password and an unknown email the same answer, each audited as anonymous with the email, ip and user agent', async () => {
      const { email } = await activeUser(store, 'viewer', companyId);
      const wrong = await signIn(store, email, 'not the password', CLIENT);
      const unknown = await signIn(store, 'nobody@acme.example', PASSWORD, CLIENT);
      assert.deepEqual(wrong, { ok: false, reason: 'invalid' });
      assert.deepEqual(unknown, wrong);
      for (const tried of [email, 'nobody@acme.example']) {
        const [row, ...rest] = await signInAudit(tried);
        assert.equal(rest.length, 0);
        assert.deepEqual([row!.actor, row!.operation, row!.ip, row!.user_agent], ['anonymous', 'fail', CLIENT.ip, CLIENT.userAgent]);
      }
    });

    it('locks an email out for 15 minutes after 5 consecutive failures, audits the lockout, and refuses even the right password meanwhile', async () => {
      const { email, user } = await activeUser(store, 'admin', companyId);
      const now = new Date();
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await signIn(store, email, 'not the password', CLIENT, at(now, i * 1000)));
      assert.deepEqual(results.slice(0, 4).map((r) => r.ok || r.reason), ['invalid', 'invalid', 'invalid', 'invalid']);
      assert.deepEqual(results[4], { ok: false, reason: 'locked', retryAfterSeconds: 900 });
      const refused = await signIn(store, email, PASSWORD, CLIENT, at(now, 5 * MINUTE));
      assert.equal(!refused.ok && refused.reason, 'locked');
      assert.equal(!refused.ok && refused.retryAfterSeconds, 900 - 5 * 60 + 4);
      const audit = await signInAudit(email);
      assert.deepEqual(audit.map((r) => r.operation), ['fail', 'fail', 'fail', 'fail', 'fail', 'lockout']);
      assert.equal((await store.db.selectFrom('system_users').select('id').where('id', '=', user.id).executeTakeFirst())?.id, user.id);
      assert.equal((await signIn(store, email, PASSWORD, CLIENT, at(now, 20 * MINUTE))).ok, true);
    });

    it('locks out an unknown email just as a known one, so a lockout tells nothing about which emails exist', async () => {
      const now = new Date();
      let last;
      for (let i = 0; i < 5; i++) last = await signIn(store, 'ghost@acme.example', 'whatever it is', CLIENT, at(now, i));
      assert.equal(last!.ok === false && last!.reason, 'locked');
    });

    it('counts failures arriving at once (as from several instances) one by one: the fifth locks', async () => {
      const { email } = await activeUser(store, 'admin', companyId);
      const now = new Date();
      const results = await Promise.all([0, 1, 2, 3, 4].map((i) => signIn(store, email, 'not the password', CLIENT, at(now, i))));
      assert.equal(results.filter((r) => !r.ok && r.reason === 'locked').length, 1);
      assert.equal(!(await signIn(store, email, PASSWORD, CLIENT, at(now, 10))).ok, true);
    });

    it('a success resets the count of failures', async () => {
      const { email } = await activeUser(store, 'admin', companyId);
      const now = new Date();
      for (let i = 0; i < 4; i++) await signIn(store, email, 'not the password', CLIENT, at(now, i));
      assert.equal((await signIn(store, email, PASSWORD, CLIENT, at(now, 10))).ok, true);
      for (let i = 0; i < 4; i++) assert.deepEqual(await signIn(store, email, 'not the password', CLIENT, at(now, 20 + i)), { ok: false, reason: 'invalid' });
    });

    it('ends a session idle for longer than 30 minutes, and keeps one used every few minutes', async () => {
      const { email } = await activeUser(store, 'admin', companyId);
      const now = new Date();
      const idle = await signIn(store, email, PASSWORD, CLIENT, now);
      const busy = await signIn(store, email, PASSWORD, CLIENT, now);
      assert.ok(idle.ok && busy.ok);
      assert.equal(idle.session.expiresAt, at(now, 30 * MINUTE).toISOString());
      for (let m = 5; m <= 60; m += 5) assert.notEqual(await sessionOf(store, busy.session.token, at(now, m * MINUTE)), undefined, `${m} minutes`);
      assert.notEqual(await sessionOf(store, idle.session.token, at(now, 29 * MINUTE)), undefined);
      assert.equal(await sessionOf(store, idle.session.token, at(now, 29 * MINUTE + 30 * MINUTE + 1)), undefined);
    });

    it('ends a session 12 hours after sign-in however active it is', async () => {
      const { email } = await activeUser(store, 'admin', companyId);
      const now = new Date();
      const result = await signIn(store, email, PASSWORD, CLIENT, now);
      assert.ok(result.ok);
      let last;
      for (let m = 20; m < 12 * 60; m += 20) last = await sessionOf(store, result.session.token, at(now, m * MINUTE));
      assert.equal(last?.expiresAt, at(now, 12 * 60 * MINUTE).toISOString());
      assert.equal(await sessionOf(store, result.session.token, at(now, 12 * 60 * MINUTE)), undefined);
    });

    it('honours a shorter policy given by the server (SESSION_IDLE_MINUTES, SESSION_MAX_HOURS)', async () => {
      const { email } = await activeUser(store, 'admin', companyId);
      const now = new Date();
      const result = await signIn(store, email, PASSWORD, CLIENT, now, { sessionIdleMinutes: 5, sessionMaxHours: 1 });
      assert.ok(result.ok);
      assert.equal(await sessionOf(store, result.session.token, at(now, 6 * MINUTE)), undefined);
    });

    it('signing out ends the session on the server', async () => {
      const { email } = await activeUser(store, 'admin', companyId);
      const result = await signIn(store, email, PASSWORD, CLIENT);
      assert.ok(result.ok);
      await signOut(store, result.session.token);
      assert.equal(await sessionOf(store, result.session.token), undefined);
      await signOut(store, 'not a token');
    });

    it('writes last-seen at most once a minute, not on every request', async () => {
      const { email } = await activeUser(store, 'admin', companyId);
      const now = new Date();
      const result = await signIn(store, email, PASSWORD, CLIENT, now);
      assert.ok(result.ok);
      const lastSeen = async () => (await store.db.selectFrom('sessions').select('last_seen_at').where('id', '=', result.session.principal.sessionId!).executeTakeFirstOrThrow()).last_seen_at;
      for (let s = 1; s < 60; s += 7) await sessionOf(store, result.session.token, at(now, s * 1000));
      assert.equal(await lastSeen(), now.toISOString());
      await sessionOf(store, result.session.token, at(now, 61_000));
      assert.equal(await lastSeen(), at(now, 61_000).toISOString());
    });

    it('maintenance prunes ended and expired sessions, used invitations and stale failure counts', async () => {
      const { email } = await activeUser(store, 'admin', companyId);
      const result = await signIn(store, email, PASSWORD, CLIENT);
      assert.ok(result.ok);
      await signOut(store, result.session.token);
      await signIn(store, 'stale@acme.example', 'wrong password', CLIENT);
      const pruned = await pruneAdminAccess(store, { now: at(new Date(), 13 * 60 * MINUTE), batch: 2 });
      assert.ok(pruned.sessions >= 2 && pruned.invitations >= 1 && pruned.signInFailures >= 1, JSON.stringify(pruned));
      assert.equal((await store.db.selectFrom('sessions').select('id').execute()).length, 0);
      assert.equal((await store.db.selectFrom('sign_in_failures').select('email_ci').execute()).length, 0);
    });
  });
}
