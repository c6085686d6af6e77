// A scale guard for the target-user directory: every page `target-user list` reads — by company, email,
// active, group and custom value, first page and after a cursor — walks an index in id order: no scan of a
// table, no sort of a company's users. EXPLAINed as query-plans.test.ts does: SQLite with only the planner
// hints of src/store/planner-stats.ts, which describe a company of a million users, is held to the index each
// filter has; PostgreSQL (ANALYZE, sequential scans off) plans from the few hundred rows really there, so it is
// held to no scan and no sort only.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, type Kysely } from 'kysely';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createCustomField } from '../../src/directory/custom-fields.ts';
import { listTargetUsers, type TargetUserQuery } from '../../src/directory/target-users.ts';
import { updateScimSetting } from '../../src/provisioning/scim-setting-rules.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { explain, logSql, type Captured } from '../support/sql-log.ts';
import { storeKinds } from '../support/stores.ts';
import { USER_URN } from '../support/scim.ts';

const FULL_SCAN = { sqlite: /^SCAN (u|m|v|target_\w+)\b/m, postgres: /Seq Scan/ };
const SORT = { sqlite: /TEMP B-TREE/, postgres: /\bSort\b/ };

for (const kind of storeKinds()) {
  describe(`Query plans of target-user pages on ${kind.name}`, () => {
    let s: TestServer;
    let raw: Kysely<any>;
    let log: Captured[];

    before(async () => {
      s = await startServer(kind);
      await createCustomField(s.store, { companyId: s.companyId, name: 'Site', type: 'text' }, CLI_ACTOR);
      await updateScimSetting(s.store, s.settingId, { mappings: ['Site=title'], groupBy: 'Site' }, CLI_ACTOR);
      const ops = Array.from({ length: 300 }, (_, i) => ({
        method: 'POST', path: '/Users', bulkId: `u${i}`,
        data: { schemas: [USER_URN], userName: `plan${i}@example.com`, title: `site ${i % 3}`, active: i % 2 === 0 },
      }));
      const res = await s.scim('POST', '/scim/v2/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: ops });
      assert.equal(res.status, 200, res.raw);
      ({ log, raw } = logSql(s));
      if (kind.name === 'postgres') await raw.executeQuery(CompiledQuery.raw('ANALYZE target_users, target_user_fields, target_group_members, target_groups'));
    });
    after(() => s.close());

    const filters: [string, Omit<TargetUserQuery, 'companyId'>, string][] = [
      ['the company', {}, 'target_users_company'],
      ['email', { email: 'PLAN150@example.com' }, 'target_users_email'],
      ['active', { active: false }, 'target_users_active'],
      ['group', { group: 'site 1' }, 'sqlite_autoindex_target_group_members_1'],
      ['custom value', { field: 'Site=SITE 2' }, 'target_user_fields_value'],
      ['the company, newest first', { sort: '-createdAt' }, 'target_users_company'],
      ['the company in email order', { sort: 'email' }, 'target_users_email'],
      ['the company in reverse email order', { sort: '-email' }, 'target_users_email'],
    ];
    for (const [what, filter, index] of filters) {
      for (const page of ['first', 'later'] as const) {
        it(`reads the ${page} page by ${what} through ${index}, without a scan or a sort`, async () => {
          // A later page starts after a user of the first page in the same order (before the only one, when one matches).
          const first = page === 'later' ? await listTargetUsers(s.store, { companyId: s.companyId, limit: 2, ...filter }) : [];
          const after = page === 'later' ? (first.length > 1 ? first[0]!.id : '00000000-0000-7000-8000-000000000000') : undefined;
          log.length = 0;
          const users = await listTargetUsers(s.store, { companyId: s.companyId, limit: 10, ...filter, ...(after ? { after } : {}) });
          assert.ok(users.length > 0, 'the page is not empty, so its plan matters');
          const pageQuery = log.find((q) => /from "target_users" as "u"/i.test(q.sql) && /limit/i.test(q.sql));
          assert.ok(pageQuery, log.map((q) => q.sql).join('\n'));
          const plan = await explain(kind, raw, pageQuery);
          if (kind.name === 'sqlite') assert.match(plan, new RegExp(`\\b${index}\\b`), `${pageQuery.sql}\n${plan}`);
          assert.doesNotMatch(plan, FULL_SCAN[kind.name], plan);
          assert.doesNotMatch(plan, SORT[kind.name], plan);
        });
      }
    }

    it('searches by email or name through the three name indexes, never a scan of the company', async () => {
      log.length = 0;
      const users = await listTargetUsers(s.store, { companyId: s.companyId, limit: 10, q: 'plan15' });
      assert.ok(users.length > 0);
      const pageQuery = log.find((q) => /from "target_users" as "u"/i.test(q.sql) && /limit/i.test(q.sql));
      assert.ok(pageQuery);
      const plan = await explain(kind, raw, pageQuery);
      if (kind.name === 'sqlite') for (const index of ['target_users_email', 'target_users_first_name', 'target_users_last_name']) assert.match(plan, new RegExp(`\\b${index}\\b`), plan);
      assert.doesNotMatch(plan, FULL_SCAN[kind.name], plan);
    });
  });
}
