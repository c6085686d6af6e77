// Every admin API resource through the real server on every store: what an admin (or a script with an API
// key) does, and what the answer holds.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../support/app.ts';
import { anonymous, PASSWORD, sessionCookie, signedIn, withApiKey, type ApiClient } from '../support/api.ts';
import { storeKinds } from '../support/stores.ts';
import { address, createUser } from '../support/scim.ts';
import { workPendingJobs } from '../../src/provisioning/rederive.ts';

for (const kind of storeKinds()) {
  describe(`Admin API resources on ${kind.name}`, () => {
    let s: TestServer;
    let admin: ApiClient;
    let base: string;
    before(async () => {
      s = await startServer(kind);
      admin = await signedIn(s, 'admin');
      base = `/api/v1/companies/${s.companyId}`;
    });
    after(() => s.close());

    it('creates, reads, changes and deletes a target user created by hand', async () => {
      const email = address('manual');
      const created = await admin.call('POST', `${base}/target-users`, { email, firstName: 'Ada', lastName: 'Lovelace', timezone: 'Europe/London' });
      assert.equal(created.status, 201, created.raw);
      assert.equal(created.body.email, email);
      assert.equal(created.body.source.kind, 'manual');
      const id = created.body.id;
      const shown = await admin.call('GET', `${base}/target-users/${id}`);
      assert.equal(shown.body.firstName, 'Ada');
      assert.ok(Array.isArray(shown.body.jobLog));
      const changed = await admin.call('PATCH', `${base}/target-users/${id}`, { title: 'Countess' });
      assert.equal(changed.status, 200);
      assert.equal(changed.body.title, 'Countess');
      assert.equal(changed.body.firstName, 'Ada');
      assert.equal((await admin.call('DELETE', `${base}/target-users/${id}`)).status, 204);
      assert.equal((await admin.call('GET', `${base}/target-users/${id}`)).status, 404);
    });

    it('refuses to change a SCIM-owned user with 409 naming its setting', async () => {
      const scim = await createUser(s, { userName: address('scim-owned') });
      const page = await admin.call('GET', `${base}/target-users?email=${encodeURIComponent(scim.userName)}`);
      const id = page.body.items[0].id;
      const res = await admin.call('PATCH', `${base}/target-users/${id}`, { title: 'x' });
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'conflict');
      assert.match(res.body.error.message, /Entra ID/);
      assert.equal((await admin.call('DELETE', `${base}/target-users/${id}`)).status, 409);
    });

    it('names the field at fault in a validation error', async () => {
      const cases: [unknown, string][] = [
        [{ firstName: 'No email' }, 'email'],
        [{ email: address('t'), active: 'yes' }, 'active'],
        [{ email: address('t'), shoeSize: 44 }, 'shoeSize'],
      ];
      for (const [body, field] of cases) {
        const res = await admin.call('POST', `${base}/target-users`, body);
        assert.equal(res.status, 400, JSON.stringify(body));
        assert.equal(res.body.error.code, 'invalid');
        assert.ok(Object.keys(res.body.error.fields ?? {}).some((f) => f.includes(field)), `${field} in ${JSON.stringify(res.body.error)}`);
      }
      const json = await admin.call('POST', `${base}/target-users`, '{"email":', { 'content-type': 'application/json' });
      assert.equal(json.status, 400);
      assert.equal(json.body.error.code, 'invalid');
    });

    it('pages through target users with nextCursor, every user once, sorted as asked', async () => {
      const emails = Array.from({ length: 7 }, (_, i) => address(`page${i}`));
      for (const email of emails) assert.equal((await admin.call('POST', `${base}/target-users`, { email })).status, 201);
      for (const sort of ['createdAt', '-createdAt', 'email', '-email']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res: { status: number; body: any } = await admin.call('GET', `${base}/target-users?limit=3&sort=${sort}${cursor ? `&cursor=${cursor}` : ''}`);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          seen.push(...res.body.items.map((u: { email: string }) => u.email));
          cursor = res.body.nextCursor;
        } while (cursor);
        assert.equal(new Set(seen).size, seen.length, `no user twice (${sort})`);
        for (const email of emails) assert.ok(seen.includes(email), `${email} seen (${sort})`);
        if (sort.endsWith('email')) {
          const folded = seen.map((e) => e.toLowerCase());
          const ordered = [...folded].sort();
          assert.deepEqual(folded, sort.startsWith('-') ? ordered.reverse() : ordered);
        }
      }
    });

    it('searches by the start of an email, a first name, a last name or both names, ignoring case', async () => {
      const stamp = Date.now().toString(36);
      const email = `zebra.${stamp}@roster.test`;
      await admin.call('POST', `${base}/target-users`, { email, firstName: `Émile${stamp}`, lastName: `Quartz${stamp}` });
      await admin.call('POST', `${base}/target-users`, { email: `other.${stamp}@roster.test`, firstName: 'Someone', lastName: 'Else' });
      for (const q of [`ZEBRA.${stamp}`, `émile${stamp}`, `ÉMILE${stamp.toUpperCase()}`, `quartz${stamp}`, `Émile${stamp} Qua`]) {
        const res = await admin.call('GET', `${base}/target-users?q=${encodeURIComponent(q)}`);
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(res.body.items.map((u: { email: string }) => u.email), [email], q);
      }
      const none = await admin.call('GET', `${base}/target-users?q=${encodeURIComponent(`Émile${stamp} Else`)}`);
      assert.deepEqual(none.body.items, []);
    });

    it('adds custom fields and filters users by a custom value', async () => {
      const field = await admin.call('POST', `${base}/custom-fields`, { name: 'Region', type: 'text' });
      assert.equal(field.status, 201, field.raw);
      const dup = await admin.call('POST', `${base}/custom-fields`, { name: 'region' });
      assert.equal(dup.status, 409);
      const list = await admin.call('GET', `${base}/custom-fields`);
      assert.ok(list.body.items.some((f: { name: string }) => f.name === 'Region'));
      const email = address('regional');
      const user = await admin.call('POST', `${base}/target-users`, { email, customFields: { region: 'EMEA' } });
      assert.equal(user.status, 201, user.raw);
      assert.deepEqual(user.body.customFields, { Region: 'EMEA' });
      const found = await admin.call('GET', `${base}/target-users?field=${encodeURIComponent('Region=emea')}`);
      assert.deepEqual(found.body.items.map((u: { email: string }) => u.email), [email]);
      const unknown = await admin.call('POST', `${base}/target-users`, { email: address('x'), customFields: { Shoe: '44' } });
      assert.equal(unknown.status, 400);
      assert.ok(unknown.body.error.fields?.Shoe, JSON.stringify(unknown.body));
      const bad = await admin.call('GET', `${base}/target-users?field=${encodeURIComponent('Nope=x')}`);
      assert.equal(bad.status, 404);
    });

    it('creates groups, lists them with member counts and pages their members', async () => {
      const g = await admin.call('POST', `${base}/groups`, { name: `Finance ${Date.now()}` });
      assert.equal(g.status, 201);
      const list = await admin.call('GET', `${base}/groups?limit=1000`);
      const found = list.body.items.find((x: { id: string }) => x.id === g.body.id);
      assert.equal(found.memberCount, 0);
      assert.equal(found.source, 'manual');
      const members = await admin.call('GET', `${base}/groups/${g.body.id}/members`);
      assert.deepEqual(members.body, { items: [], nextCursor: null });
      assert.equal((await admin.call('GET', `${base}/groups/00000000-0000-7000-8000-000000000000/members`)).status, 404);
      assert.equal((await admin.call('DELETE', `${base}/groups/${g.body.id}`)).status, 204);
    });

    it('creates a SCIM setting whose token works once shown and is never shown again; rotate, revoke, delete', async () => {
      const created = await admin.call('POST', `${base}/scim-settings`, {
        name: 'Okta',
        mappings: [{ field: 'department', expression: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department' }],
        groupName: 'Everyone from Okta',
      });
      assert.equal(created.status, 201, created.raw);
      const { setting, token, scimUrl } = created.body;
      assert.match(scimUrl, /\/scim\/v2$/);
      const scimGet = (t: string) => s.app.inject({ method: 'GET', url: '/scim/v2/Users', headers: { authorization: `Bearer ${t}` } });
      assert.equal((await scimGet(token)).statusCode, 200);
      const read = await admin.call('GET', `${base}/scim-settings/${setting.id}`);
      assert.ok(!read.raw.includes(token));
      const listed = await admin.call('GET', `${base}/scim-settings`);
      assert.ok(!listed.raw.includes(token));
      assert.ok(listed.body.items.some((x: { id: string; last24Hours: unknown }) => x.id === setting.id && x.last24Hours));
      const rotated = await admin.call('POST', `${base}/scim-settings/${setting.id}/rotate`);
      assert.equal(rotated.status, 200);
      assert.equal((await scimGet(token)).statusCode, 401);
      assert.equal((await scimGet(rotated.body.token)).statusCode, 200);
      const status = await admin.call('GET', `${base}/scim-settings/${setting.id}/status`);
      assert.equal(status.status, 200);
      assert.equal(status.body.hourly.length, 7 * 24);
      assert.equal((await admin.call('POST', `${base}/scim-settings/${setting.id}/revoke`)).status, 200);
      assert.equal((await scimGet(rotated.body.token)).statusCode, 401);
      assert.equal((await admin.call('POST', `${base}/scim-settings/${setting.id}/revoke`)).status, 409);
      assert.equal((await admin.call('DELETE', `${base}/scim-settings/${setting.id}`)).status, 204);
      assert.equal((await admin.call('GET', `${base}/scim-settings/${setting.id}`)).status, 404);
    });

    it('changes a setting’s grouping and reports the re-derivation job’s progress to its end', async () => {
      await createUser(s, { userName: address('rederive') });
      const res = await admin.call('PATCH', `${base}/scim-settings/${s.settingId}`, { groupName: 'All staff' });
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.setting.groupName, 'All staff');
      assert.ok(res.body.jobId);
      await workPendingJobs(s.store);
      const job = await admin.call('GET', `/api/v1/jobs/${res.body.jobId}`);
      assert.equal(job.status, 200);
      assert.equal(job.body.status, 'done');
      assert.equal(job.body.done, job.body.total);
    });

    it('checks a mapping expression as it is typed, with the position of the error', async () => {
      const ok = await admin.call('POST', `${base}/scim-settings/validate-expression`, { expression: 'addresses[type eq "work"].country' });
      assert.deepEqual(ok.body, { valid: true });
      const bad = await admin.call('POST', `${base}/scim-settings/validate-expression`, { expression: 'addresses[type eq "work".country' });
      assert.equal(bad.body.valid, false);
      assert.equal(typeof bad.body.position, 'number');
      assert.ok(bad.body.message.length > 10);
      const picker = await admin.call('GET', `${base}/scim-settings/attributes`);
      assert.ok(picker.body.items.some((a: { expression: string }) => a.expression === 'addresses[type eq "work"].country'));
    });

    it('shows each change in the audit log with its actor, IP and user agent, and SCIM requests in the job log', async () => {
      const res = await admin.call('POST', `${base}/groups`, { name: `Audited ${Date.now()}` }, { 'user-agent': 'RosterTest/1.0' });
      assert.equal(res.status, 201);
      const audit = await admin.call('GET', `${base}/audit-log?limit=5`);
      const entry = audit.body.items.find((e: { entityId: string }) => e.entityId === res.body.id);
      assert.equal(entry.actor, `user:${admin.name}`);
      assert.equal(entry.userAgent, 'RosterTest/1.0');
      assert.ok(entry.ip);
      await createUser(s, { userName: address('logged') });
      const log = await admin.call('GET', `${base}/job-log?limit=10&outcome=success`);
      assert.equal(log.status, 200);
      assert.ok(log.body.items.length > 0);
      const bad = await admin.call('GET', `${base}/job-log?outcome=maybe`);
      assert.equal(bad.status, 400);
      const ids = async (q: string) => (await admin.call('GET', `${base}/job-log?limit=10${q}`)).body.items.map((e: { id: string }) => e.id);
      assert.deepEqual(await ids('&until=2000-01-01'), []);
      assert.deepEqual(await ids(`&until=${encodeURIComponent('2100-01-01T00:00:00Z')}`), await ids(''));
      const badUntil = await admin.call('GET', `${base}/job-log?until=someday`);
      assert.deepEqual([badUntil.status, badUntil.body.error.code], [400, 'invalid']);
      assert.match(badUntil.body.error.message, /until expects an ISO 8601 date or time/);
    });

    it('creates API keys shown once, lists them without the secret, and revokes them', async () => {
      const created = await admin.call('POST', `${base}/api-keys`, { name: 'nightly export', role: 'viewer' });
      assert.equal(created.status, 201, created.raw);
      const { key, apiKey } = created.body;
      assert.match(key, /^rk_/);
      const list = await admin.call('GET', `${base}/api-keys`);
      assert.ok(!list.raw.includes(key));
      assert.ok(list.body.items.some((k: { id: string }) => k.id === apiKey.id));
      const script = await s.app.inject({ method: 'GET', url: `${base}/target-users`, headers: { authorization: `Bearer ${key}` } });
      assert.equal(script.statusCode, 200);
      const revoked = await admin.call('DELETE', `${base}/api-keys/${apiKey.id}`);
      assert.equal(revoked.status, 200);
      assert.ok(revoked.body.revokedAt);
    });

    it('invites a system user of the company with a one-time link; an admin cannot invite an operator', async () => {
      const res = await admin.call('POST', '/api/v1/system-users', { email: address('colleague'), role: 'viewer' });
      assert.equal(res.status, 201, res.raw);
      assert.match(res.body.invitationUrl, /\/accept-invitation#token=/);
      assert.equal(res.body.user.companyId, s.companyId);
      assert.equal((await admin.call('POST', '/api/v1/system-users', { email: address('boss'), role: 'operator' })).status, 403);
      const list = await admin.call('GET', '/api/v1/system-users');
      assert.ok(list.body.items.every((u: { companyId: string }) => u.companyId === s.companyId));
    });

    it('accepts an invitation link, changes the password, and ends a deleted user’s session, all through the API', async () => {
      const email = address('invited');
      const invited = await admin.call('POST', '/api/v1/system-users', { email, role: 'viewer' });
      const token = new URL(invited.body.invitationUrl).hash.replace('#token=', '');
      const accepted = await anonymous(s, 'POST', '/api/v1/invitations/accept', { token, password: PASSWORD });
      assert.equal(accepted.status, 200, accepted.raw);
      assert.equal(accepted.body.user.email, email);
      const again = await anonymous(s, 'POST', '/api/v1/invitations/accept', { token, password: PASSWORD });
      assert.equal(again.status, 400);
      const cookie = sessionCookie(accepted);
      const headers = { cookie, 'x-csrf-token': accepted.body.csrfToken };
      const newPassword = 'another long passphrase';
      const wrong = await anonymous(s, 'POST', '/api/v1/session/password', { currentPassword: 'not it at all', newPassword }, headers);
      assert.equal(wrong.status, 400);
      assert.ok(wrong.body.error.fields?.currentPassword, wrong.raw);
      assert.equal((await anonymous(s, 'POST', '/api/v1/session/password', { currentPassword: PASSWORD, newPassword }, headers)).status, 204);
      assert.equal((await anonymous(s, 'POST', '/api/v1/session', { email, password: PASSWORD })).status, 401);
      assert.equal((await anonymous(s, 'POST', '/api/v1/session', { email, password: newPassword })).status, 200);
      assert.equal((await admin.call('DELETE', `/api/v1/system-users/${invited.body.user.id}`)).status, 204);
      assert.equal((await anonymous(s, 'GET', '/api/v1/session', undefined, { cookie })).status, 401);
    });

    it('updates company settings and shows the licence usage', async () => {
      const res = await admin.call('PATCH', base, { licenseLimit: 1000, allowedDomains: ['roster.test'], language: 'de' });
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.licenseLimit, 1000);
      assert.equal(typeof res.body.activeUsers, 'number');
      const bad = await admin.call('PATCH', base, { allowedDomains: ['not a domain'] });
      assert.equal(bad.status, 400);
      await admin.call('PATCH', base, { licenseLimit: null, allowedDomains: [], language: null });
    });

    it('serves with an API key the same answers as with a session', async () => {
      const key = await withApiKey(s, 'viewer');
      const a = await key.call('GET', `${base}/custom-fields`);
      const b = await admin.call('GET', `${base}/custom-fields`);
      assert.deepEqual(a.body, b.body);
    });
  });
}
