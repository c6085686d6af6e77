// The SQL compiler and the evaluator must agree: for each filter, the ids SQLite (and PostgreSQL, when
// ROSTER_TEST_POSTGRES_URL is set) return equal the ids matches() accepts over the same users in wire form.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import Database from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type ColumnDataType } from 'kysely';
import pg from 'pg';
import type { AttrPath } from '../../../src/scim/filter/ast.ts';
import { compareCodePoints } from '../../../src/scim/filter/evaluate.ts';
import { parseFilter } from '../../../src/scim/filter/parser.ts';
import { compileFilter, compileSort, type ResourceColumns, type SqlJson } from '../../../src/scim/filter/sql.ts';
import type { Resolve } from '../../../src/scim/filter/validate.ts';
import { groupColumns, postgresSql, sqliteSql, userColumns } from '../../../src/store/sql-dialect.ts';
import { foldString } from '../../../src/scim/fold.ts';
import { foldGroup, foldResource, groups, users, wireUser } from './equivalence-data.ts';
import { ENTERPRISE, resolveGroup, resolveUser } from './fixtures.ts';
import { evaluatorIds, type WireRow } from './oracle.ts';
import { underSchemaLock } from '../../support/stores.ts';

const E = ENTERPRISE;
const userFilters = [
  'userName eq "bjensen"',
  'userName eq "dupré"',
  'userName eq "ZOË"',
  'userName sw "user0"',
  'userName co "%"',
  'userName co "_"',
  'userName ew "😀"',
  'userName gt "m" and userName lt "user05"',
  'userName ge "zo"',
  'userName le "DUPRÉ"',
  'externalId eq "BJ-1"',
  'externalId eq "bj-1"',
  'externalId pr',
  'externalId eq null',
  'externalId ne "ext-2"',
  'externalId sw "ext-1"',
  'active eq true',
  'active eq false',
  'active ne false',
  'active pr',
  'active eq null',
  'not (active eq true)',
  'id eq "u03"',
  'id ne "u03" and userName sw "d"',
  'meta.created gt "2024-01-10T00:00:00Z"',
  'meta.created le "2024-01-05T08:04:00.000Z"',
  'meta.lastModified eq "2024-06-03T12:00:00Z"',
  'meta.created ge "2024-01-03" and meta.created lt "2024-01-06"',
  'name.familyName eq "dupré"',
  'name.familyName sw "SMITH"',
  'name.givenName pr',
  'name.givenName eq null',
  'name.givenName ne "barbara"',
  'name pr',
  'not (name pr)',
  'name[givenName sw "g" and familyName eq "smith"]',
  // Without a name there is no element to match: true only where a name exists (property-test counterexample).
  'name[not (givenName eq "barbara")]',
  'not (name[not (givenName eq "barbara")])',
  'name[givenName ne "barbara"]',
  'name[givenName eq null]',
  `${E}:manager[not (value eq "mgr-1")]`,
  'title co "guide"',
  'title co "%_off\\\\"',
  'title sw "a_"',
  'title eq ""',
  'title pr',
  'title ne null',
  'title gt "\uFFFD"',
  'displayName ew "😀"',
  'loginCount gt 10',
  'loginCount le 0',
  'loginCount eq 0',
  'loginCount ne 0',
  'loginCount pr',
  'score lt 0 or score ge 4.5',
  'score eq 2',
  'tags eq "blue"',
  'tags co "RE"',
  'tags pr',
  'not (tags pr)',
  'emails pr',
  'emails eq null',
  'emails co "example.com"',
  'emails.value ew ".org"',
  'emails.value co "%"',
  'emails.type eq "work"',
  'emails.type ne "work"',
  'emails.type pr',
  'emails.primary eq true',
  'emails.primary eq false',
  'emails.primary pr',
  'emails[type eq "work" and primary eq true]',
  'emails[type eq "work" and value co "example.com"]',
  'emails[type eq "work" and not (primary eq true)]',
  'emails[type ne "work"]',
  'emails[not (type pr)]',
  'emails[primary eq false]',
  'emails[type eq "home" or value sw "two"]',
  'emails[display pr]',
  'emails[type eq "work"].value eq "two@work.com"',
  'emails[type eq "work"].value ne "two@work.com"',
  'emails[type eq "work"].value co "EXAMPLE"',
  'emails[type eq "home"].display eq null',
  'phoneNumbers.value sw "555"',
  'phoneNumbers[type eq "mobile" and primary eq true]',
  'phoneNumbers[not (type pr)]',
  'groups.value eq "g1"',
  'groups[value eq "g1" or value eq "g3"]',
  'not (groups.value eq "g1")',
  'groups pr',
  `${E}:employeeNumber eq "701984"`,
  `${E}:employeeNumber sw "70000"`,
  `${E}:employeeNumber pr`,
  `${E}:costCenter eq "cc-1"`,
  `${E}:costCenter eq "CC-1"`,
  `${E}:manager.value eq "mgr-1"`,
  `${E}:manager.value ne "mgr-1"`,
  `${E}:manager pr`,
  `${E}:manager[value pr and displayName eq "jim"]`,
  'urn:ietf:params:scim:schemas:core:2.0:User:userName sw "B"',
  'userName eq bjensen',
  'active eq "False"',
  'loginCount gt "10"',
  'displayName eq "x" or not (userName sw "user") and (title pr or emails[type eq "work"])',
  'not (not (emails.type eq "home") and not (title co "guide"))',
];

const groupFilters = [
  'displayName eq "admins"',
  'displayName sw "E"',
  'members pr',
  'members eq "u05"',
  'members.value eq "u00"',
  'members[value eq "u01" or value eq "u20"]',
  'not (members.value eq "u01")',
  'members eq null',
];

const sortKeys: { path: AttrPath; order: 'ascending' | 'descending' }[] = [
  { path: { attr: 'userName' }, order: 'ascending' },
  { path: { attr: 'name', sub: 'familyName' }, order: 'descending' },
  { path: { attr: 'emails' }, order: 'ascending' },
  { path: { attr: 'loginCount' }, order: 'descending' },
  { path: { attr: 'meta', sub: 'created' }, order: 'descending' },
  { path: { attr: 'active' }, order: 'ascending' },
];

interface Target {
  db: Kysely<any>;
  sql: SqlJson;
  bool: (b: boolean) => boolean | number;
  close: () => Promise<void>;
}

async function createTables(db: Kysely<any>, json: ColumnDataType, bool: ColumnDataType): Promise<void> {
  // The layout of src/store/migrations/001_scim_core.ts, without the foreign keys to companies.
  const text = 'text' as const;
  await db.schema.createTable('scim_users').addColumn('company_id', text).addColumn('id', text, (c) => c.primaryKey())
    .addColumn('user_name', text).addColumn('user_name_ci', text).addColumn('external_id', text).addColumn('active', bool, (c) => c.notNull())
    .addColumn('resource', json).addColumn('resource_ci', json).addColumn('version', 'integer').addColumn('created_at', text)
    .addColumn('updated_at', text).addColumn('scim_setting_id', text).execute();
  await db.schema.createTable('scim_user_emails').addColumn('company_id', text).addColumn('user_id', text).addColumn('value_ci', text, (c) => c.notNull())
    .addColumn('type_ci', text).addColumn('is_primary', bool, (c) => c.notNull()).execute();
  await db.schema.createIndex('scim_user_emails_value').on('scim_user_emails').columns(['company_id', 'value_ci']).execute();
  await db.schema.createTable('scim_groups').addColumn('company_id', text).addColumn('id', text, (c) => c.primaryKey())
    .addColumn('display_name', text).addColumn('display_name_ci', text).addColumn('external_id', text).addColumn('resource', json)
    .addColumn('resource_ci', json).addColumn('version', 'integer').addColumn('created_at', text).addColumn('updated_at', text).execute();
  await db.schema.createTable('scim_group_members').addColumn('company_id', text).addColumn('group_id', text).addColumn('user_id', text)
    .addPrimaryKeyConstraint('scim_group_members_pk', ['group_id', 'user_id']).execute();
}

/** Writes the rows the way src/store/scim-users.ts and scim-groups.ts do. */
async function load(t: Target): Promise<void> {
  for (const u of users) {
    const r = u.resource;
    await t.db.insertInto('scim_users').values({
      company_id: u.company, id: u.id, user_name: r.userName, user_name_ci: foldString(r.userName as string),
      external_id: typeof r.externalId === 'string' ? r.externalId : null, active: t.bool(r.active !== false),
      resource: JSON.stringify(r), resource_ci: JSON.stringify(foldResource(r)), version: 1,
      created_at: u.created, updated_at: u.updated, scim_setting_id: 's1',
    }).execute();
    const emails = (Array.isArray(r.emails) ? r.emails : []) as Record<string, unknown>[];
    for (const e of emails.filter((e) => typeof e.value === 'string')) {
      await t.db.insertInto('scim_user_emails').values({
        company_id: u.company, user_id: u.id, value_ci: foldString(e.value as string),
        type_ci: typeof e.type === 'string' ? foldString(e.type) : null, is_primary: t.bool(e.primary === true),
      }).execute();
    }
  }
  for (const g of groups) {
    const resource = { displayName: g.displayName };
    await t.db.insertInto('scim_groups').values({
      company_id: 'c1', id: g.id, display_name: g.displayName, display_name_ci: foldString(g.displayName), external_id: null,
      resource: JSON.stringify(resource), resource_ci: JSON.stringify(foldGroup(resource)), version: 1,
      created_at: '2024-01-01T00:00:00.000Z', updated_at: '2024-01-01T00:00:00.000Z',
    }).execute();
    for (const m of g.members) await t.db.insertInto('scim_group_members').values({ company_id: 'c1', group_id: g.id, user_id: m }).execute();
  }
}

async function sqliteTarget(): Promise<Target> {
  const database = new Database(':memory:');
  // As the store sets it: LIKE compares case-sensitively, folded columns make case-insensitive matches.
  database.pragma('case_sensitive_like = ON');
  const db = new Kysely<any>({ dialect: new SqliteDialect({ database }) });
  await createTables(db, 'text', 'integer');
  const t: Target = { db, sql: sqliteSql, bool: (b) => (b ? 1 : 0), close: () => db.destroy() };
  await load(t);
  return t;
}

async function postgresTarget(url: string): Promise<Target> {
  const schema = `filter_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const db = new Kysely<any>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 2, options: `-c search_path=${schema}` }) }),
  });
  const t: Target = {
    db,
    sql: postgresSql,
    bool: (b) => b,
    close: async () => {
      await db.destroy();
      await admin.end();
      // Under the lock that store opening takes: a concurrent migration would trip over the drop.
      await underSchemaLock(url, (c) => c.query(`DROP SCHEMA ${schema} CASCADE`));
    },
  };
  await createTables(db, 'jsonb', 'boolean');
  await load(t);
  return t;
}

const expectedIds = (filter: string, rows: WireRow[], resolve: Resolve) => {
  const result = evaluatorIds(filter, rows, resolve);
  if (!result.ok) throw new Error(result.error.detail);
  return result.ids;
};

async function sqlIds(t: Target, filter: string, table: string, columns: ResourceColumns, resolve: Resolve): Promise<string[]> {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(parsed.error.detail);
  const where = compileFilter(parsed.value, { dialect: t.sql, resolve, columns, companyId: 'c1' });
  if (!where.ok) throw new Error(where.error.detail);
  const rows = await t.db.selectFrom(`${table} as ${columns.alias}`).select(`${columns.alias}.id`)
    .where(`${columns.alias}.company_id`, '=', 'c1').where(where.value).execute();
  return rows.map((r: { id: string }) => r.id).sort();
}

const userRows = users.filter((u) => u.company === 'c1').map((u) => ({ id: u.id, wire: wireUser(u) }));
const groupRows = groups.map((g) => ({ id: g.id, wire: { id: g.id, displayName: g.displayName, members: g.members.map((value) => ({ value })) } }));

const targets: [string, () => Promise<Target>][] = [['SQLite', sqliteTarget]];
const pgUrl = process.env.ROSTER_TEST_POSTGRES_URL;
if (pgUrl) targets.push(['PostgreSQL', () => postgresTarget(pgUrl)]);

for (const [name, open] of targets) {
  describe(`SQL on ${name} returns the users the evaluator matches`, () => {
    let t: Target;
    before(async () => {
      t = await open();
    });
    after(async () => {
      await t.close();
    });

    it('has data that exercises every filter both ways (some match, some do not)', () => {
      const trivial = userFilters.filter((f) => [0, userRows.length].includes(expectedIds(f, userRows, resolveUser).length));
      assert.deepEqual(trivial, ['externalId eq "bj-1"'], `filters matching all or none: ${trivial.join(' | ')}`);
    });

    for (const filter of userFilters) {
      it(`agrees on ${filter}`, async () => {
        assert.deepEqual(await sqlIds(t, filter, 'scim_users', userColumns, resolveUser), expectedIds(filter, userRows, resolveUser));
      });
    }

    for (const filter of groupFilters) {
      it(`agrees on the group filter ${filter}`, async () => {
        assert.deepEqual(await sqlIds(t, filter, 'scim_groups', groupColumns, resolveGroup), expectedIds(filter, groupRows, resolveGroup));
      });
    }

    for (const { path, order } of sortKeys) {
      it(`sorts by ${path.attr}${path.sub ? `.${path.sub}` : ''} ${order} with missing values ${order === 'ascending' ? 'last' : 'first'}`, async () => {
        const by = compileSort(path, order, { dialect: t.sql, resolve: resolveUser, columns: userColumns });
        assert.ok(by.ok);
        const rows = await t.db.selectFrom('scim_users as u').select('u.id').where('u.company_id', '=', 'c1')
          .orderBy(by.value).orderBy('u.id').execute();
        const ids = rows.map((r: { id: string }) => r.id);
        assert.equal(ids.length, userRows.length);
        // Same order on both databases: recorded on the first run, compared on the second.
        const key = `${path.attr}.${path.sub ?? ''}.${order}`;
        const seen = sortOrders.get(key);
        if (seen) assert.deepEqual(ids, seen);
        else sortOrders.set(key, ids);
      });
    }
  });
}

const sortOrders = new Map<string, string[]>();

describe('sorting by userName', () => {
  it('puts folded userNames in code-point order', async () => {
    const t = await sqliteTarget();
    try {
      const by = compileSort({ attr: 'userName' }, 'ascending', { dialect: t.sql, resolve: resolveUser, columns: userColumns });
      assert.ok(by.ok);
      const rows = await t.db.selectFrom('scim_users as u').select(['u.id', 'u.user_name_ci']).where('u.company_id', '=', 'c1').orderBy(by.value).execute();
      const names = rows.map((r: { user_name_ci: string }) => r.user_name_ci);
      assert.deepEqual(names, [...names].sort(compareCodePoints));
    } finally {
      await t.close();
    }
  });
});
