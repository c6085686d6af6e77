// SCIM writes through the real server become target users by their setting's rules (issue 7), on every store:
// mappings and custom fields, grouping, IdP groups, licence, domains, lifecycle, adoption, test mode, rules
// changes re-derived as a job, and the job and audit logs that record it all.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { requireCompany, updateCompanySettings, type CompanyChange } from '../../src/directory/companies.ts';
import { createCustomField } from '../../src/directory/custom-fields.ts';
import { deleteGroup, listGroups } from '../../src/directory/groups.ts';
import { listTargetUsers, showTargetUser, type TargetUserJson } from '../../src/directory/target-users.ts';
import { createManualUser } from '../../src/provisioning/manual-users.ts';
import { workPendingJobs } from '../../src/provisioning/rederive.ts';
import { updateScimSetting, type SettingChange } from '../../src/provisioning/scim-setting-rules.ts';
import { createScimSetting } from '../../src/provisioning/scim-settings.ts';
import { pageJobLog, type JobLogEntry } from '../../src/store/job-log.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { ENT, USER_URN, assertScimError, patchOp, unique } from '../support/scim.ts';

const GROUP_URN = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENTRA = { 'user-agent': 'Azure-SCIM/1.0 (Microsoft.AAD.Provisioning)' };

interface Tenant {
  companyId: string;
  settingId: string;
  token: string;
  send(method: string, url: string, body?: unknown): ReturnType<TestServer['scim']>;
  users(filter?: Partial<Parameters<typeof listTargetUsers>[1]>): Promise<TargetUserJson[]>;
  log(): Promise<JobLogEntry[]>;
}

for (const kind of storeKinds()) {
  describe(`Provisioning rules on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    /** A company of its own with custom fields, company settings and setting rules, and a client for its token. */
    async function tenant(o: { fields?: [string, string][]; company?: CompanyChange; setting?: SettingChange } = {}): Promise<Tenant> {
      const t = await s.otherTenant();
      for (const [name, type] of o.fields ?? []) await createCustomField(s.store, { companyId: t.companyId, name, type }, CLI_ACTOR);
      if (o.company) await updateCompanySettings(s.store, t.companyId, o.company, CLI_ACTOR);
      if (o.setting) await updateScimSetting(s.store, t.settingId, o.setting, CLI_ACTOR);
      return tenantClient(t);
    }

    function tenantClient(t: { companyId: string; settingId: string; token: string }): Tenant {
      return {
        ...t,
        send: (method, url, body) => s.scim(method, url, body, { authorization: `Bearer ${t.token}`, ...ENTRA }),
        users: (filter = {}) => listTargetUsers(s.store, { companyId: t.companyId, ...filter }),
        log: () => pageJobLog(s.store, { companyId: t.companyId, limit: 1000 }),
      };
    }

    const userBody = (email: string, extra: Record<string, unknown> = {}) => ({
      schemas: [USER_URN, ENT],
      userName: email,
      emails: [{ primary: true, type: 'work', value: email }],
      name: { givenName: 'Ann', familyName: 'Lee' },
      active: true,
      ...extra,
    });
    const create = async (t: Tenant, email: string, extra: Record<string, unknown> = {}) => {
      const res = await t.send('POST', '/scim/v2/Users', userBody(email, extra));
      assert.equal(res.status, 201, res.raw);
      return res.body;
    };
    const only = async (t: Tenant, email: string) => {
      const found = await t.users({ email });
      assert.equal(found.length, 1, `one target user ${email}: ${JSON.stringify(found)}`);
      return found[0]!;
    };

    describe('the Country / Region example of the product documentation', () => {
      let t: Tenant;
      let scimId: string;
      before(async () => {
        t = await tenant({
          fields: [['Country / Region', 'text']],
          setting: { mappings: ['Country / Region=addresses[type eq "work"].country'], groupBy: 'Country / Region' },
        });
      });

      it('fills the custom field from the work address and puts the user in a group named after the value', async () => {
        scimId = (await create(t, 'ann@acme.com', { addresses: [{ type: 'work', country: 'UK' }] })).id;
        const u = await only(t, 'ann@acme.com');
        assert.deepEqual(u.customFields, { 'Country / Region': 'UK' });
        assert.deepEqual(u.groups, ['UK']);
        assert.deepEqual(u.source, { kind: 'scim', settingId: t.settingId, settingName: 'Entra ID' });
        assert.equal(u.firstName, 'Ann');
      });

      it("moves the user to the new country's group on Entra's PATCH, and the emptied group stays", async () => {
        const res = await t.send('PATCH', `/scim/v2/Users/${scimId}`, patchOp({ op: 'Replace', path: 'addresses[type eq "work"].country', value: 'France' }));
        assert.equal(res.status, 200, res.raw);
        const u = await only(t, 'ann@acme.com');
        assert.deepEqual(u.groups, ['France']);
        const groups = await listGroups(s.store, t.companyId);
        assert.deepEqual(groups.map((g) => [g.name, g.source, g.memberCount]), [['France', 'rule', 1], ['UK', 'rule', 0]]);
      });

      it('keeps value names exactly, apostrophes, slashes, accents and emoji included', async () => {
        for (const [i, value] of ["Côte d'Ivoire", 'Bosnia / Herzegovina', '🇯🇵 Japan'].entries()) {
          await create(t, `v${i}@acme.com`, { addresses: [{ type: 'work', country: value }] });
          assert.deepEqual((await only(t, `v${i}@acme.com`)).groups, [value]);
        }
      });

      it('lists target users by group and by the custom value through their indexes', async () => {
        assert.deepEqual((await t.users({ group: 'France' })).map((u) => u.email), ['ann@acme.com']);
        assert.deepEqual((await t.users({ field: 'Country / Region=france' })).map((u) => u.email), ['ann@acme.com']);
      });

      it('brings back a group an admin deleted when a value needs it', async () => {
        const france = (await listGroups(s.store, t.companyId)).find((g) => g.name === 'France')!;
        await deleteGroup(s.store, t.companyId, france.id, CLI_ACTOR);
        assert.deepEqual((await only(t, 'ann@acme.com')).groups, []);
        await create(t, 'bob@acme.com', { addresses: [{ type: 'work', country: 'France' }] });
        const again = (await listGroups(s.store, t.companyId)).find((g) => g.name === 'France')!;
        assert.equal(again.id, france.id);
        assert.equal(again.memberCount, 1);
      });
    });

    describe('target group and grouping criteria', () => {
      it('puts every user of a setting without grouping in its target group', async () => {
        const t = await tenant({ setting: { groupName: 'All staff' } });
        await create(t, 'a@acme.com');
        assert.deepEqual((await only(t, 'a@acme.com')).groups, ['All staff']);
      });

      it('puts the users without a value for the criterion in the target group, the others in their value group', async () => {
        const t = await tenant({ setting: { groupName: 'Unsorted', groupBy: 'department' } });
        await create(t, 'sales@acme.com', { [ENT]: { department: 'Sales' } });
        await create(t, 'none@acme.com');
        assert.deepEqual((await only(t, 'sales@acme.com')).groups, ['Sales']);
        assert.deepEqual((await only(t, 'none@acme.com')).groups, ['Unsorted']);
      });

      it('puts users in no group with neither a target group nor grouping', async () => {
        const t = await tenant();
        await create(t, 'p@acme.com');
        assert.deepEqual((await only(t, 'p@acme.com')).groups, []);
      });
    });

    describe('synchronised IdP groups', () => {
      it('makes a SCIM group with members a platform group of the same name and follows every member PATCH', async () => {
        const t = await tenant({ setting: { syncGroups: true } });
        const [a, b] = [await create(t, 'g1@acme.com'), await create(t, 'g2@acme.com')];
        const empty = await t.send('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName: 'Nobody yet' });
        assert.equal(empty.status, 201, empty.raw);
        const g = await t.send('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName: "Finance & Ops", members: [{ value: a.id }, { value: b.id }] });
        assert.equal(g.status, 201, g.raw);
        let groups = await listGroups(s.store, t.companyId);
        assert.deepEqual(groups.map((x) => [x.name, x.source, x.memberCount]), [['Finance & Ops', 'idp', 2]], 'an IdP group without members is not shown');
        const res = await t.send('PATCH', `/scim/v2/Groups/${g.body.id}`, patchOp({ op: 'remove', path: `members[value eq "${a.id}"]` }));
        assert.ok(res.status === 200 || res.status === 204, res.raw);
        assert.deepEqual((await only(t, 'g1@acme.com')).groups, []);
        assert.deepEqual((await only(t, 'g2@acme.com')).groups, ['Finance & Ops']);
        assert.equal((await t.send('DELETE', `/scim/v2/Groups/${g.body.id}`)).status, 204);
        groups = await listGroups(s.store, t.companyId);
        assert.deepEqual(groups, []);
        assert.deepEqual((await only(t, 'g2@acme.com')).groups, []);
      });

      it('answers the Groups endpoints as always when synchronisation is off, makes no platform group, and logs it once per group', async () => {
        const t = await tenant();
        const a = await create(t, 'h1@acme.com');
        const g = await t.send('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName: 'Ignored', members: [{ value: a.id }] });
        assert.equal(g.status, 201, g.raw);
        const patched = await t.send('PATCH', `/scim/v2/Groups/${g.body.id}`, patchOp({ op: 'add', path: 'members', value: [{ value: a.id }] }));
        assert.ok(patched.status === 200 || patched.status === 204, patched.raw);
        assert.deepEqual(await listGroups(s.store, t.companyId), []);
        const saidOff = (await t.log()).filter((e) => e.resourceType === 'Group' && /synchronisation is off/.test(e.detail ?? ''));
        assert.equal(saidOff.length, 1);
      });
    });

    describe('licence', () => {
      it('warns and flags the company when active users exceed an unenforced limit', async () => {
        const t = await tenant({ company: { licenseLimit: 1 } });
        await create(t, 'l1@acme.com');
        await create(t, 'l2@acme.com');
        const company = await requireCompany(s.store, t.companyId);
        assert.equal(company.activeUsers, 2);
        assert.notEqual(company.licenseExceededAt, null);
        const [latest] = await t.log();
        assert.equal(latest!.outcome, 'warning');
        assert.match(latest!.detail!, /over its licence limit: 2 active target users for 1 licences/);
      });

      it('refuses a create beyond an enforced limit with a 403 naming limit and usage, and writes nothing', async () => {
        const t = await tenant({ company: { licenseLimit: 1, licenseEnforce: true } });
        await create(t, 'e1@acme.com');
        const res = await t.send('POST', '/scim/v2/Users', userBody('e2@acme.com'));
        assertScimError(res, 403, undefined);
        assert.match(res.body.detail, /licence limit of 1 active target users is reached \(1 active\)/);
        const found = await t.send('GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "e2@acme.com"')}`);
        assert.equal(found.body.totalResults, 0, 'the SCIM resource was rolled back too');
        assert.equal((await t.users()).length, 1);
        const [failure] = await t.log();
        assert.deepEqual([failure!.outcome, failure!.status, failure!.userName], ['failure', 403, 'e2@acme.com']);
      });

      it('frees the seat of a deactivated user and refuses to reactivate it once the seat is taken', async () => {
        const t = await tenant({ company: { licenseLimit: 1, licenseEnforce: true } });
        const first = await create(t, 'r1@acme.com');
        const off = await t.send('PATCH', `/scim/v2/Users/${first.id}`, patchOp({ op: 'Replace', path: 'active', value: 'False' }));
        assert.equal(off.status, 200, off.raw);
        assert.equal((await only(t, 'r1@acme.com')).active, false);
        await create(t, 'r2@acme.com');
        const back = await t.send('PATCH', `/scim/v2/Users/${first.id}`, patchOp({ op: 'Replace', path: 'active', value: 'True' }));
        assertScimError(back, 403, undefined);
        assert.equal((await only(t, 'r1@acme.com')).active, false);
        assert.equal((await requireCompany(s.store, t.companyId)).activeUsers, 1);
      });

      it('never exceeds an enforced limit under simultaneous creates', async () => {
        const t = await tenant({ company: { licenseLimit: 3, licenseEnforce: true } });
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => t.send('POST', '/scim/v2/Users', userBody(`c${i}@acme.com`))));
        const statuses = results.map((r) => r.status).sort();
        assert.equal(statuses.filter((x) => x === 201).length, 3, statuses.join(','));
        assert.ok(statuses.every((x) => x === 201 || x === 403), statuses.join(','));
        assert.equal((await requireCompany(s.store, t.companyId)).activeUsers, 3);
        assert.equal((await t.users()).length, 3);
      });
    });

    describe('allowed domains', () => {
      it('provisions an address outside the allowed domains as not deliverable, with a warning naming the domain', async () => {
        const t = await tenant({ company: { allowedDomains: ['acme.com'] } });
        await create(t, 'x@elsewhere.org');
        await create(t, 'y@acme.com');
        assert.equal((await only(t, 'x@elsewhere.org')).deliverable, false);
        assert.equal((await only(t, 'y@acme.com')).deliverable, true);
        const warning = (await t.log()).find((e) => e.userName === 'x@elsewhere.org')!;
        assert.equal(warning.outcome, 'warning');
        assert.match(warning.detail!, /elsewhere\.org is not one of the company's allowed domains/);
        await updateCompanySettings(s.store, t.companyId, { allowedDomains: ['acme.com', 'elsewhere.org'] }, CLI_ACTOR);
        assert.equal((await only(t, 'x@elsewhere.org')).deliverable, true, 'deliverability follows the allowed domains');
      });
    });

    describe('mandatory mail', () => {
      it('answers 400 invalidValue naming the mail attribute and the Entra mapping, stores nothing, and logs the failure', async () => {
        const t = await tenant();
        const res = await t.send('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: 'jdoe', emails: [{ type: 'work', value: 'not-an-address' }] });
        assertScimError(res, 400, 'invalidValue');
        assert.match(res.body.detail, /emails\[type eq \\?"work\\?"\]\.value/);
        assert.match(res.body.detail, /Provisioning > Mappings/);
        assert.equal((await t.send('GET', '/scim/v2/Users')).body.totalResults, 0);
        const [failure] = await t.log();
        assert.deepEqual([failure!.outcome, failure!.status, failure!.operation], ['failure', 400, 'create']);
      });
    });

    describe('lifecycle', () => {
      it('keeps a deactivated user, inactive; soft-deletes on DELETE; and a re-provisioned userName gets a new target user', async () => {
        const t = await tenant();
        const u = await create(t, 'life@acme.com');
        const first = await only(t, 'life@acme.com');
        assert.equal((await t.send('DELETE', `/scim/v2/Users/${u.id}`)).status, 204);
        assert.deepEqual(await t.users({ email: 'life@acme.com' }), []);
        await create(t, 'life@acme.com');
        const second = await only(t, 'life@acme.com');
        assert.notEqual(second.id, first.id);
        assert.equal((await requireCompany(s.store, t.companyId)).activeUsers, 1);
      });

      it('adopts a manual user with the same email instead of answering 409', async () => {
        const t = await tenant();
        const manual = await createManualUser(s.store, t.companyId, { email: 'Adopt@Acme.com' }, CLI_ACTOR);
        await create(t, 'adopt@acme.com');
        const u = await only(t, 'adopt@acme.com');
        assert.equal(u.id, manual.id);
        assert.equal(u.source.kind, 'scim');
        assert.equal((await requireCompany(s.store, t.companyId)).activeUsers, 1, 'adoption takes no second seat');
      });

      it("answers 409 naming the other setting when its user has the address", async () => {
        const t = await tenant();
        await create(t, 'taken@acme.com');
        const other = await createScimSetting(s.store, { companyId: t.companyId, name: 'Okta' }, CLI_ACTOR);
        const okta = tenantClient({ companyId: t.companyId, settingId: other.setting.id, token: other.token });
        const res = await okta.send('POST', '/scim/v2/Users', userBody('taken@acme.com', { userName: unique('okta') + '@acme.com' }));
        assertScimError(res, 409, 'uniqueness');
        assert.match(res.body.detail, /SCIM setting "Entra ID"/);
      });
    });

    describe('manager', () => {
      it("resolves the enterprise manager to the manager's target user, and keeps a reference to nobody as sent", async () => {
        const t = await tenant();
        const boss = await create(t, 'boss@acme.com');
        await create(t, 'report@acme.com', { [ENT]: { manager: { value: boss.id } } });
        await create(t, 'orphan@acme.com', { [ENT]: { manager: { value: 'not-provisioned-yet' } } });
        const bossUser = await only(t, 'boss@acme.com');
        assert.deepEqual((await only(t, 'report@acme.com')).manager, { id: bossUser.id, email: 'boss@acme.com' });
        assert.equal((await only(t, 'orphan@acme.com')).manager, 'not-provisioned-yet');
      });

      it('links a report pushed before its manager once the manager arrives with that externalId', async () => {
        const t = await tenant();
        await create(t, 'early@acme.com', { [ENT]: { manager: { value: 'ext-boss' } } });
        await create(t, 'late-boss@acme.com', { externalId: 'ext-boss' });
        const boss = await only(t, 'late-boss@acme.com');
        assert.deepEqual((await only(t, 'early@acme.com')).manager, { id: boss.id, email: 'late-boss@acme.com' });
      });
    });

    describe('timezone and language', () => {
      it("maps Entra's usageLocation to the country's zone and applies the company's language", async () => {
        const t = await tenant({ company: { language: 'de' }, setting: { mappings: ['timezone=urn:ietf:params:scim:schemas:extension:RosterTest:2.0:User:usageLocation'] } });
        await create(t, 'tz@acme.com', { schemas: [USER_URN, 'urn:ietf:params:scim:schemas:extension:RosterTest:2.0:User'], 'urn:ietf:params:scim:schemas:extension:RosterTest:2.0:User': { usageLocation: 'GB' } });
        const u = await only(t, 'tz@acme.com');
        assert.equal(u.timezone, 'Europe/London');
        assert.equal(u.preferredLanguage, 'de');
        await create(t, 'fr@acme.com', { preferredLanguage: 'fr_ca' });
        assert.equal((await only(t, 'fr@acme.com')).preferredLanguage, 'fr-CA');
      });
    });

    describe('test mode', () => {
      it('answers and stores SCIM as usual but changes no target user, then applies everything when switched off', async () => {
        const t = await tenant({ setting: { testMode: true, groupName: 'Pilot' } });
        await create(t, 'trial@acme.com');
        assert.deepEqual(await t.users(), []);
        const [row] = await t.log();
        assert.match(row!.detail!, /^Test mode: would create target user trial@acme\.com in "Pilot"; nothing was changed\./);
        const { jobId } = await updateScimSetting(s.store, t.settingId, { testMode: false }, CLI_ACTOR);
        assert.ok(jobId);
        await workPendingJobs(s.store);
        assert.deepEqual((await only(t, 'trial@acme.com')).groups, ['Pilot']);
      });
    });

    describe('changing the rules', () => {
      it("re-derives the setting's users from their stored resources as a job, logs the result and audits old and new rules", async () => {
        const t = await tenant();
        for (const d of ['Sales', 'Legal', 'Sales']) await create(t, `${unique('rd')}@acme.com`, { [ENT]: { department: d } });
        assert.ok((await t.users()).every((u) => u.groups.length === 0));
        const { jobId } = await updateScimSetting(s.store, t.settingId, { groupBy: 'department' }, CLI_ACTOR);
        await workPendingJobs(s.store);
        const job = await s.store.db.selectFrom('jobs').selectAll().where('id', '=', jobId!).executeTakeFirstOrThrow();
        assert.deepEqual([job.status, Number(job.done), Number(job.total)], ['done', 3, 3]);
        assert.deepEqual((await t.users({ group: 'Sales' })).length, 2);
        assert.deepEqual((await t.users({ group: 'Legal' })).length, 1);
        const [summary] = await t.log();
        assert.match(summary!.detail!, /Re-derived the 3 target users/);
        const audit = await s.store.db.selectFrom('audit_log').selectAll().where('company_id', '=', t.companyId).where('entity', '=', 'scim-setting').execute();
        const change = audit.at(-1)!;
        assert.equal((s.store.dialect.fromJson(change.old_value) as { groupBy: unknown }).groupBy, null);
        assert.equal((s.store.dialect.fromJson(change.new_value) as { groupBy: unknown }).groupBy, 'department');
      });
    });

    describe('job log', () => {
      it('logs writes with the IdP, operation and target user, never reads, and never a token', async () => {
        const t = await tenant();
        const u = await create(t, 'log@acme.com');
        const before = (await t.log()).length;
        await t.send('GET', `/scim/v2/Users/${u.id}`);
        await t.send('GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "log@acme.com"')}`);
        assert.equal((await t.log()).length, before, 'reads change nothing and are not logged');
        const [row] = await t.log();
        assert.equal(row!.idp, 'Microsoft Entra ID');
        assert.equal(row!.operation, 'create');
        assert.equal(row!.resourceType, 'User');
        assert.equal(row!.resourceId, u.id);
        assert.equal(row!.status, 201);
        assert.equal(row!.targetUserId, (await only(t, 'log@acme.com')).id);
        const history = await showTargetUser(s.store, row!.targetUserId!);
        assert.equal(history.jobLog[0]!.id, row!.id);
        assert.ok(!JSON.stringify(await t.log()).includes(t.token));
      });
    });
  });
}
