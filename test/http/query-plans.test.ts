// A scale guard that can fail: the SQL the server really issues for the lookups IdPs make on every sync is
// captured through a Kysely plugin and EXPLAINed on the same database. Each must reach its rows through the
// expected index, never by scanning a table or a whole company; and reading a group without its members must
// not touch the membership table at all. SQLite runs without ANALYZE, as production does (the planner hints
// of src/store/planner-stats.ts are what it has); PostgreSQL gets ANALYZE, as autovacuum would give it, and
// `enable_seqscan = off`, so a small table does not make a sequential scan the cheaper choice.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CompiledQuery, type Kysely } from 'kysely';
import { startServer, type TestServer } from '../support/app.ts';
import { explain, logSql, type Captured } from '../support/sql-log.ts';
import { storeKinds, type StoreKind } from '../support/stores.ts';
import { GROUP_URN, USER_URN } from './directory-fixture.ts';

/** The primary-key index of a table, as each database names it. */
const pk = (kind: StoreKind, table: string) => (kind.name === 'sqlite' ? `sqlite_autoindex_${table}_1` : `${table}_pkey`);
const FULL_SCAN = { sqlite: /^SCAN (u|g|m|scim_\w+)\b/m, postgres: /Seq Scan/ };

for (const kind of storeKinds()) {
  describe(`Query plans of IdP lookups on ${kind.name}`, () => {
    let s: TestServer;
    let log: Captured[];
    let raw: Kysely<any>;
    const users: string[] = [];
    let groupId = '';

    before(async () => {
      s = await startServer(kind);
      // 300 users with emails and externalIds, and 300 groups (one of 50 members), so a plan that scans shows it.
      const ops = Array.from({ length: 300 }, (_, i) => ({
        method: 'POST', path: '/Users', bulkId: `u${i}`,
        data: {
          schemas: [USER_URN], userName: `user${i}@example.com`, externalId: `ext-${i}`, active: i % 2 === 0,
          emails: [{ value: `user${i}@example.com`, type: 'work', primary: true }, { value: `home${i}@example.net`, type: 'home' }],
        },
      }));
      ops.push(...Array.from({ length: 300 }, (_, i) => ({
        method: 'POST', path: '/Groups', bulkId: `g${i}`,
        data: { schemas: [GROUP_URN], displayName: `Group ${i}`, members: Array.from({ length: i === 0 ? 50 : 3 }, (_, j) => ({ value: `bulkId:u${(i * 7 + j) % 300}` })) } as never,
      })));
      const res = await s.scim('POST', '/scim/v2/Bulk', { schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'], Operations: ops });
      assert.equal(res.status, 200);
      for (const op of res.body.Operations) {
        assert.equal(op.status, '201', JSON.stringify(op));
        if (op.bulkId.startsWith('u')) users.push(op.location.split('/').pop());
        if (op.bulkId === 'g0') groupId = op.location.split('/').pop();
      }
      ({ log, raw } = logSql(s));
      if (kind.name === 'postgres') await raw.executeQuery(CompiledQuery.raw('ANALYZE scim_users, scim_user_emails, scim_groups, scim_group_members'));
    });
    after(() => s.close());

    /** Runs one request and returns the SELECTs it issued on the SCIM tables. */
    async function queriesOf(method: string, url: string): Promise<Captured[]> {
      log.length = 0;
      const res = await s.scim(method, url);
      assert.equal(res.status, 200, res.raw);
      return log.filter((q) => /^select/i.test(q.sql) && /"scim_(users|groups|group_members|user_emails)"/.test(q.sql));
    }

    const f = encodeURIComponent;
    /** [what, request, { table read in FROM: index its plan must use }] */
    const cases: [string, () => string, (k: StoreKind) => Record<string, string>][] = [
      ['userName eq', () => `/scim/v2/Users?filter=${f('userName eq "USER150@example.com"')}`, () => ({ scim_users: 'scim_users_user_name' })],
      ['externalId eq', () => `/scim/v2/Users?filter=${f('externalId eq "ext-150"')}`, () => ({ scim_users: 'scim_users_external_id' })],
      [
        'emails[type eq "work"].value eq',
        () => `/scim/v2/Users?filter=${f('emails[type eq "work"].value eq "user150@example.com"')}`,
        (k) => ({ scim_users: pk(k, 'scim_users'), scim_user_emails: 'scim_user_emails_value' }),
      ],
      ['displayName eq', () => `/scim/v2/Groups?excludedAttributes=members&filter=${f('displayName eq "group 3"')}`, () => ({ scim_groups: 'scim_groups_display_name' })],
      [
        'members[value eq]',
        () => `/scim/v2/Groups?excludedAttributes=members&filter=${f(`members[value eq "${users[10]}"]`)}`,
        (k) => ({ scim_groups: pk(k, 'scim_groups'), scim_group_members: 'scim_group_members_user' }),
      ],
      [
        "Entra's membership check id eq and members[value eq]",
        () => `/scim/v2/Groups?excludedAttributes=members&filter=${f(`id eq "${groupId}" and members[value eq "${users[10]}"]`)}`,
        (k) => ({ scim_groups: pk(k, 'scim_groups') }),
      ],
    ];

    for (const [what, url, expected] of cases) {
      it(`looks up ${what} through its index, never by a scan`, async () => {
        const queries = await queriesOf('GET', url());
        const want = expected(kind);
        assert.ok(queries.length > 0);
        const read = new Set<string>();
        for (const q of queries) {
          const plan = await explain(kind, raw, q);
          assert.doesNotMatch(plan, FULL_SCAN[kind.name], `${q.sql}\n${plan}`);
          for (const [table, index] of Object.entries(want)) {
            if (!new RegExp(`from "${table}"|FROM "${table}"`).test(q.sql)) continue;
            read.add(table);
            assert.match(plan, new RegExp(`\\b${index}\\b`), `${q.sql}\nshould use ${index}:\n${plan}`);
          }
        }
        // Every table whose index the case names was read, so each index assertion above ran.
        assert.deepEqual([...read].sort(), Object.keys(want).sort(), queries.map((q) => q.sql).join('\n'));
      });
    }

    // totalResults counts the company's users through an index; the page itself must not read them all.
    it('reads the first and a later cursor page through the (company_id, created_at, id) index', async () => {
      const first = await s.scim('GET', '/scim/v2/Users?count=10&attributes=userName&cursor=');
      for (const cursor of ['', first.body.nextCursor]) {
        const queries = await queriesOf('GET', `/scim/v2/Users?count=10&attributes=userName&cursor=${cursor}`);
        const page = queries.find((q) => /limit/i.test(q.sql))!;
        const plan = await explain(kind, raw, page);
        assert.match(plan, /scim_users_created/, plan);
        assert.doesNotMatch(plan, FULL_SCAN[kind.name], plan);
        assert.doesNotMatch(plan, /TEMP B-TREE|Sort/, `no sort of the company's users: ${plan}`);
      }
    });

    it('checks the users a PATCH adds to a group by primary key, never by scanning the company', async () => {
      log.length = 0;
      const res = await s.scim('PATCH', `/scim/v2/Groups/${groupId}`, {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [{ op: 'add', path: 'members', value: [{ value: users[299] }, { value: users[298] }] }],
      });
      assert.equal(res.status, 204, res.raw);
      const lookups = log.filter((q) => /^select/i.test(q.sql) && /from "scim_users"/.test(q.sql) && / in \(/.test(q.sql));
      assert.ok(lookups.length > 0, log.map((q) => q.sql).join('\n'));
      for (const q of lookups) {
        const plan = await explain(kind, raw, q);
        assert.match(plan, new RegExp(pk(kind, 'scim_users')), `${q.sql}\n${plan}`);
        assert.doesNotMatch(plan, FULL_SCAN[kind.name], plan);
      }
    });

    it('never touches the membership table for a group read with excludedAttributes=members', async () => {
      for (const url of [`/scim/v2/Groups/${groupId}?excludedAttributes=members`, `/scim/v2/Groups?excludedAttributes=members&filter=${f('displayName eq "Group 0"')}`, '/scim/v2/Groups?excludedAttributes=members']) {
        const queries = await queriesOf('GET', url);
        assert.ok(queries.length > 0);
        for (const q of queries) assert.doesNotMatch(q.sql, /scim_group_members/, `${url}: ${q.sql}`);
      }
    });

    it('never touches the membership table for users listed without groups', async () => {
      const queries = await queriesOf('GET', `/scim/v2/Users?filter=${f('active eq true')}&attributes=userName,emails`);
      assert.ok(queries.length > 0);
      for (const q of queries) assert.doesNotMatch(q.sql, /scim_group_members/, q.sql);
    });

    it('reads a page of users with a LIMIT, and members only of the groups on the page', async () => {
      const queries = await queriesOf('GET', '/scim/v2/Groups?count=2');
      const pages = queries.filter((q) => /select "g"\.\*/i.test(q.sql));
      assert.equal(pages.length, 1);
      assert.match(pages[0]!.sql, /limit/i);
      const members = queries.filter((q) => /"scim_group_members"/.test(q.sql));
      assert.equal(members.length, 1);
      assert.match(members[0]!.sql, /"group_id" in \(\?, \?\)|"group_id" in \(\$\d+, \$\d+\)/);
    });

    it('scopes every read of a SCIM table to the company', async () => {
      for (const url of [
        `/scim/v2/Users?filter=${f('emails co "@example.net" or externalId eq "ext-3"')}`,
        `/scim/v2/Users?sortBy=userName&startIndex=100&count=5`,
        `/scim/v2/Groups?filter=${f(`members[value eq "${users[3]}"]`)}`,
      ]) {
        const queries = await queriesOf('GET', url);
        const reads = queries.filter((q) => /from "scim_(users|groups)" as/.test(q.sql));
        assert.ok(reads.length > 0, `${url} read no SCIM table:\n${queries.map((q) => q.sql).join('\n')}`);
        for (const q of reads) assert.match(q.sql, /"company_id" = /, q.sql);
      }
    });
  });
}
