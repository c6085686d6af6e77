import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, SqliteDialect } from 'kysely';
import { parseFilter } from '../../../src/scim/filter/parser.ts';
import { compileFilter, compileSort, compileSortKey, type ResourceColumns, type SqlContext } from '../../../src/scim/filter/sql.ts';
import type { Resolve } from '../../../src/scim/filter/validate.ts';
import { groupColumns, postgresSql, sqliteSql, userColumns } from '../../../src/store/sql-dialect.ts';
import { ENTERPRISE, resolveGroup, resolveUser } from './fixtures.ts';

const sqliteDb = new Kysely<unknown>({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
// Compiles PostgreSQL text without a server.
const postgresDb = new Kysely<unknown>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});
after(() => sqliteDb.destroy());

type Dialect = 'sqlite' | 'postgres';
const DIALECTS = { sqlite: { db: sqliteDb, sql: sqliteSql }, postgres: { db: postgresDb, sql: postgresSql } } as const;

function compile(dialect: Dialect, filter: string, resolve: Resolve = resolveUser, columns: ResourceColumns = userColumns) {
  const parsed = parseFilter(filter);
  if (!parsed.ok) throw new Error(parsed.error.detail);
  const ctx: SqlContext = { dialect: DIALECTS[dialect].sql, resolve, columns, companyId: 'c1' };
  const r = compileFilter(parsed.value, ctx);
  return r.ok ? { ...r.value.compile(DIALECTS[dialect].db), error: undefined } : { sql: undefined, parameters: undefined, error: r.error };
}

const NAME = '$."name"."givenName"';
const cases: { filter: string; sqlite: string; sqliteParams: unknown[]; postgres: string; postgresParams: unknown[] }[] = [
  {
    filter: 'userName eq "Bob"',
    sqlite: String.raw`"u"."user_name_ci" = ?`,
    sqliteParams: ['bob'],
    postgres: String.raw`"u"."user_name_ci" = $1`,
    postgresParams: ['bob'],
  },
  {
    filter: 'externalId eq "Ext-1"',
    sqlite: String.raw`"u"."external_id" = ?`,
    sqliteParams: ['Ext-1'],
    postgres: String.raw`"u"."external_id" = $1`,
    postgresParams: ['Ext-1'],
  },
  {
    filter: 'active eq false',
    sqlite: String.raw`"u"."active" = ?`,
    sqliteParams: [0],
    postgres: String.raw`"u"."active" = $1`,
    postgresParams: [false],
  },
  {
    // The column holds true for "absent" too, so eq true reads the JSON.
    filter: 'active eq true',
    sqlite: String.raw`json_extract("u"."resource", ?) = ?`,
    sqliteParams: ['$."active"', 1],
    postgres: String.raw`(CASE WHEN jsonb_typeof("u"."resource" #> $1::text[]) = 'boolean' THEN ("u"."resource" #>> $2::text[])::boolean END) = $3`,
    postgresParams: [['active'], ['active'], true],
  },
  {
    filter: 'meta.created gt "2024-01-01"',
    sqlite: String.raw`"u"."created_at" > ?`,
    sqliteParams: ['2024-01-01T00:00:00.000Z'],
    postgres: String.raw`"u"."created_at" > $1`,
    postgresParams: ['2024-01-01T00:00:00.000Z'],
  },
  {
    filter: 'userName gt "m"',
    sqlite: String.raw`"u"."user_name_ci" > ?`,
    sqliteParams: ['m'],
    postgres: String.raw`("u"."user_name_ci" COLLATE "C") > $1`,
    postgresParams: ['m'],
  },
  {
    filter: 'emails[type eq "work" and value ew "@Example.com"]',
    sqlite: String.raw`"u"."id" IN (SELECT "user_id" FROM "scim_user_emails" WHERE "company_id" = ? AND ("type_ci" = ? AND "value_ci" LIKE ? ESCAPE '\'))`,
    sqliteParams: ['c1', 'work', '%@example.com'],
    postgres: String.raw`"u"."id" IN (SELECT "user_id" FROM "scim_user_emails" WHERE "company_id" = $1 AND ("type_ci" = $2 AND "value_ci" LIKE $3 ESCAPE '\'))`,
    postgresParams: ['c1', 'work', '%@example.com'],
  },
  {
    // Entra ID's lookup by work email stays on the (company_id, value_ci) index.
    filter: 'emails[type eq "work"].value eq "User@Contoso.com"',
    sqlite: String.raw`"u"."id" IN (SELECT "user_id" FROM "scim_user_emails" WHERE "company_id" = ? AND ("type_ci" = ? AND "value_ci" = ?))`,
    sqliteParams: ['c1', 'work', 'user@contoso.com'],
    postgres: String.raw`"u"."id" IN (SELECT "user_id" FROM "scim_user_emails" WHERE "company_id" = $1 AND ("type_ci" = $2 AND "value_ci" = $3))`,
    postgresParams: ['c1', 'work', 'user@contoso.com'],
  },
  {
    filter: String.raw`emails.value co "50%_off\\"`,
    sqlite: String.raw`"u"."id" IN (SELECT "user_id" FROM "scim_user_emails" WHERE "company_id" = ? AND "value_ci" LIKE ? ESCAPE '\')`,
    sqliteParams: ['c1', String.raw`%50\%\_off\\%`],
    postgres: String.raw`"u"."id" IN (SELECT "user_id" FROM "scim_user_emails" WHERE "company_id" = $1 AND "value_ci" LIKE $2 ESCAPE '\')`,
    postgresParams: ['c1', String.raw`%50\%\_off\\%`],
  },
  {
    // is_primary is false for "no primary" too: eq false reads the JSON array.
    filter: 'emails.primary eq false',
    sqlite: String.raw`EXISTS (SELECT 1 FROM json_each("u"."resource", ?) AS "e1" WHERE json_extract("e1"."value", ?) = ?)`,
    sqliteParams: ['$."emails"', '$."primary"', 0],
    postgres: String.raw`EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof("u"."resource" #> $1::text[]) = 'array' THEN "u"."resource" #> $2::text[] END) AS "e1" WHERE (CASE WHEN jsonb_typeof("e1"."value" #> $3::text[]) = 'boolean' THEN ("e1"."value" #>> $4::text[])::boolean END) = $5)`,
    postgresParams: [['emails'], ['emails'], ['primary'], ['primary'], false],
  },
  {
    filter: 'emails[display eq "X"]',
    sqlite: String.raw`EXISTS (SELECT 1 FROM json_each("u"."resource_ci", ?) AS "e1" WHERE json_extract("e1"."value", ?) = ?)`,
    sqliteParams: ['$."emails"', '$."display"', 'x'],
    postgres: String.raw`EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof("u"."resource_ci" #> $1::text[]) = 'array' THEN "u"."resource_ci" #> $2::text[] END) AS "e1" WHERE ("e1"."value" #>> $3::text[]) = $4)`,
    postgresParams: [['emails'], ['emails'], ['display'], 'x'],
  },
  {
    filter: 'name.givenName ne "Ann"',
    sqlite: String.raw`NOT COALESCE(json_extract("u"."resource_ci", ?) = ?, FALSE)`,
    sqliteParams: [NAME, 'ann'],
    postgres: String.raw`NOT COALESCE(("u"."resource_ci" #>> $1::text[]) = $2, FALSE)`,
    postgresParams: [['name', 'givenName'], 'ann'],
  },
  {
    filter: 'not (title pr) or userName sw "A" and loginCount gt 3',
    sqlite: String.raw`(NOT COALESCE(json_extract("u"."resource_ci", ?) <> '', FALSE) OR ("u"."user_name_ci" LIKE ? ESCAPE '\' AND json_extract("u"."resource", ?) > ?))`,
    sqliteParams: ['$."title"', 'a%', '$."loginCount"', 3],
    postgres: String.raw`(NOT COALESCE(("u"."resource_ci" #>> $1::text[]) <> '', FALSE) OR ("u"."user_name_ci" LIKE $2 ESCAPE '\' AND (CASE WHEN jsonb_typeof("u"."resource" #> $3::text[]) = 'number' THEN ("u"."resource" #>> $4::text[])::numeric END) > $5))`,
    postgresParams: [['title'], 'a%', ['loginCount'], ['loginCount'], 3],
  },
  {
    filter: `${ENTERPRISE}:employeeNumber sw "70"`,
    sqlite: String.raw`json_extract("u"."resource_ci", ?) LIKE ? ESCAPE '\'`,
    sqliteParams: [`$."${ENTERPRISE}"."employeeNumber"`, '70%'],
    postgres: String.raw`("u"."resource_ci" #>> $1::text[]) LIKE $2 ESCAPE '\'`,
    postgresParams: [[ENTERPRISE, 'employeeNumber'], '70%'],
  },
  {
    filter: `${ENTERPRISE}:manager.value eq "Mgr-1"`,
    sqlite: String.raw`json_extract("u"."resource", ?) = ?`,
    sqliteParams: [`$."${ENTERPRISE}"."manager"."value"`, 'Mgr-1'],
    postgres: String.raw`("u"."resource" #>> $1::text[]) = $2`,
    postgresParams: [[ENTERPRISE, 'manager', 'value'], 'Mgr-1'],
  },
  {
    filter: 'tags eq "Blue"',
    sqlite: String.raw`EXISTS (SELECT 1 FROM json_each("u"."resource_ci", ?) AS "e1" WHERE "e1"."value" = ?)`,
    sqliteParams: ['$."tags"', 'blue'],
    postgres: String.raw`EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof("u"."resource_ci" #> $1::text[]) = 'array' THEN "u"."resource_ci" #> $2::text[] END) AS "e1" WHERE ("e1"."value" #>> $3::text[]) = $4)`,
    postgresParams: [['tags'], ['tags'], [], 'blue'],
  },
  {
    filter: 'title eq null',
    sqlite: String.raw`NOT COALESCE(json_extract("u"."resource_ci", ?) <> '', FALSE)`,
    sqliteParams: ['$."title"'],
    postgres: String.raw`NOT COALESCE(("u"."resource_ci" #>> $1::text[]) <> '', FALSE)`,
    postgresParams: [['title']],
  },
  {
    filter: 'groups.value eq "g1"',
    sqlite: String.raw`"u"."id" IN (SELECT "user_id" FROM "scim_group_members" WHERE "group_id" = ?)`,
    sqliteParams: ['g1'],
    postgres: String.raw`"u"."id" IN (SELECT "user_id" FROM "scim_group_members" WHERE "group_id" = $1)`,
    postgresParams: ['g1'],
  },
  {
    filter: 'emails.type ne "work"',
    sqlite: String.raw`NOT ("u"."id" IN (SELECT "user_id" FROM "scim_user_emails" WHERE "company_id" = ? AND "type_ci" = ?))`,
    sqliteParams: ['c1', 'work'],
    postgres: String.raw`NOT ("u"."id" IN (SELECT "user_id" FROM "scim_user_emails" WHERE "company_id" = $1 AND "type_ci" = $2))`,
    postgresParams: ['c1', 'work'],
  },
  {
    filter: 'name pr',
    sqlite: String.raw`(json_extract("u"."resource", ?) <> '' OR json_extract("u"."resource", ?) <> '')`,
    sqliteParams: [NAME, '$."name"."familyName"'],
    postgres: String.raw`(("u"."resource" #>> $1::text[]) <> '' OR ("u"."resource" #>> $2::text[]) <> '')`,
    postgresParams: [['name', 'givenName'], ['name', 'familyName']],
  },
];

describe('compileFilter', () => {
  for (const c of cases) {
    for (const dialect of ['sqlite', 'postgres'] as const) {
      it(`compiles ${c.filter} for ${dialect} with bound parameters only`, () => {
        const out = compile(dialect, c.filter);
        assert.equal(out.error, undefined, out.error?.detail);
        assert.equal(out.sql, c[dialect]);
        assert.deepEqual(out.parameters, dialect === 'sqlite' ? c.sqliteParams : c.postgresParams);
      });
    }
  }

  it('looks group members up by user id in scim_group_members', () => {
    const out = compile('postgres', 'members[value eq "u1"] or displayName eq "Admins"', resolveGroup, groupColumns);
    assert.equal(out.sql, String.raw`("g"."id" IN (SELECT "group_id" FROM "scim_group_members" WHERE "user_id" = $1) OR "g"."display_name_ci" = $2)`);
    assert.deepEqual(out.parameters, ['u1', 'admins']);
  });

  const rejected: { filter: string; says: string; resolve?: Resolve; columns?: ResourceColumns }[] = [
    { filter: 'members.display eq "x"', says: 'only members.value can be used in a filter', resolve: resolveGroup, columns: groupColumns },
    { filter: 'members[type eq "User"]', says: 'only members.value', resolve: resolveGroup, columns: groupColumns },
    { filter: 'groups[display eq "x"]', says: 'only groups.value' },
    { filter: 'meta.location eq "x"', says: 'only meta.created and meta.lastModified' },
    { filter: 'nickName eq "x"', says: 'Unknown attribute "nickName"' },
    { filter: 'active gt true', says: 'not defined on boolean' },
  ];
  for (const r of rejected) {
    it(`rejects ${r.filter} with invalidFilter saying ${JSON.stringify(r.says)}`, () => {
      const out = compile('sqlite', r.filter, r.resolve, r.columns);
      assert.equal(out.error?.scimType, 'invalidFilter');
      assert.ok(out.error.detail.includes(r.says), out.error.detail);
    });
  }
});

describe('compileSort', () => {
  const sort = (dialect: Dialect, path: string, order: 'ascending' | 'descending' = 'ascending') => {
    const [attr = '', sub] = path.split('.');
    const r = compileSort(sub ? { attr, sub } : { attr }, order, { dialect: DIALECTS[dialect].sql, resolve: resolveUser, columns: userColumns });
    return r.ok ? r.value.compile(DIALECTS[dialect].db) : r.error;
  };

  it('sorts userName by its folded column in code-point order, missing values last', () => {
    const lite = sort('sqlite', 'userName');
    assert.equal('sql' in lite && lite.sql, '"u"."user_name_ci" ASC NULLS LAST');
    const pg = sort('postgres', 'userName', 'descending');
    assert.equal('sql' in pg && pg.sql, '("u"."user_name_ci" COLLATE "C") DESC NULLS FIRST');
  });

  it('sorts a multi-valued attribute by its primary value, else its first', () => {
    const out = sort('sqlite', 'emails');
    assert.ok('sql' in out);
    assert.equal(
      out.sql,
      String.raw`COALESCE((SELECT json_extract("e1"."value", ?) FROM json_each("u"."resource_ci", ?) AS "e1" WHERE json_extract("e1"."value", ?) = ? LIMIT 1), json_extract("u"."resource_ci", ?)) ASC NULLS LAST`,
    );
    assert.deepEqual(out.parameters, ['$."value"', '$."emails"', '$."primary"', 1, '$."emails"[0]."value"']);
  });

  it('sorts a sub-attribute through the JSON when no column holds it', () => {
    const out = sort('postgres', 'name.familyName', 'descending');
    assert.ok('sql' in out);
    assert.equal(out.sql, '(("u"."resource_ci" #>> $1::text[]) COLLATE "C") DESC NULLS FIRST');
  });

  it('gives keyset paging the bare sort value, without direction or NULLS placement', () => {
    const key = (dialect: Dialect, attr: string, sub?: string) => {
      const r = compileSortKey(sub ? { attr, sub } : { attr }, { dialect: DIALECTS[dialect].sql, resolve: resolveUser, columns: userColumns });
      return r.ok ? r.value.compile(DIALECTS[dialect].db).sql : r.error.scimType;
    };
    assert.equal(key('sqlite', 'userName'), '"u"."user_name_ci"');
    assert.equal(key('postgres', 'userName'), '("u"."user_name_ci" COLLATE "C")');
    assert.equal(key('postgres', 'name', 'familyName'), '(("u"."resource_ci" #>> $1::text[]) COLLATE "C")');
    assert.equal(key('sqlite', 'nickName'), 'invalidValue');
  });

  it('rejects sorting by an unknown or unstored attribute with invalidValue', () => {
    for (const path of ['nickName', 'groups.display', 'name']) {
      const out = sort('sqlite', path);
      assert.ok(!('sql' in out), path);
      assert.equal(out.scimType, 'invalidValue', path);
    }
  });
});
