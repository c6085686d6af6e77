// How the SCIM filter compiler (src/scim/filter/sql.ts) reads JSON on each database, and how the store lays
// out Users and Groups for it. The only SQLite/PostgreSQL differences of filtering live here.
import { sql, type RawBuilder } from 'kysely';
import type { JsonPathStep, JsonSource, ResourceColumns, SqlJson } from '../scim/filter/sql.ts';

/** SQLite JSON path: $."urn:…:User"."employeeNumber"[0]. Keys are schema names and URNs (no quotes in them:
 *  custom extension URNs and names are checked for that, schemas/custom.ts). */
function sqlitePath(path: readonly JsonPathStep[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `."${p}"`)).join('')}`;
}

/** SQLite: json_extract returns SQL text, numbers, and 1/0 for JSON true/false, so one reader serves all. */
function sqliteRead(doc: JsonSource, path: readonly JsonPathStep[]): RawBuilder<unknown> {
  // json_each yields a primitive element as an SQL value, not JSON text: read it directly.
  if (doc.element && path.length === 0) return doc.ref;
  return sql`json_extract(${doc.ref}, ${sqlitePath(path)})`;
}

export const sqliteSql: SqlJson = {
  text: sqliteRead,
  string: (doc, path) => sql`(CASE WHEN json_type(${doc.ref}, ${sqlitePath(path)}) = 'text' THEN json_extract(${doc.ref}, ${sqlitePath(path)}) END)`,
  number: sqliteRead,
  boolean: sqliteRead,
  elements: (doc, path, alias) => ({
    from: sql`json_each(${doc.ref}, ${sqlitePath(path)}) AS ${sql.id(alias)}`,
    element: { ref: sql.ref(`${alias}.value`), element: true },
  }),
  // better-sqlite3 cannot bind booleans; the store keeps them as 0/1.
  bool: (value) => sql`${value ? 1 : 0}`,
  // BINARY, SQLite's default collation, compares UTF-8 bytes: code point order already.
  binaryOrder: (text) => text,
};

/** PostgreSQL: a text[] path for #> / #>> (an empty array reads the value itself). */
const pgPath = (path: readonly JsonPathStep[]) => sql`${path.map(String)}::text[]`;

export const postgresSql: SqlJson = {
  text: (doc, path) => sql`(${doc.ref} #>> ${pgPath(path)})`,
  string: (doc, path) => sql`(CASE WHEN jsonb_typeof(${doc.ref} #> ${pgPath(path)}) = 'string' THEN ${doc.ref} #>> ${pgPath(path)} END)`,
  // Casts are guarded by jsonb_typeof so a stray value can never turn a query into an error.
  number: (doc, path) =>
    sql`(CASE WHEN jsonb_typeof(${doc.ref} #> ${pgPath(path)}) = 'number' THEN (${doc.ref} #>> ${pgPath(path)})::numeric END)`,
  boolean: (doc, path) =>
    sql`(CASE WHEN jsonb_typeof(${doc.ref} #> ${pgPath(path)}) = 'boolean' THEN (${doc.ref} #>> ${pgPath(path)})::boolean END)`,
  elements: (doc, path, alias) => ({
    // jsonb_array_elements fails on a non-array; the CASE turns that into NULL, which yields no rows.
    from: sql`jsonb_array_elements(CASE WHEN jsonb_typeof(${doc.ref} #> ${pgPath(path)}) = 'array' THEN ${doc.ref} #> ${pgPath(path)} END) AS ${sql.id(alias)}`,
    element: { ref: sql.ref(`${alias}.value`), element: true },
  }),
  bool: (value) => sql`${value}`,
  binaryOrder: (text) => sql`(${text} COLLATE "C")`,
};

/** scim_users aliased "u" (migrations/001_scim_core.ts). */
export const userColumns: ResourceColumns = {
  alias: 'u',
  idColumn: 'id',
  resourceColumn: 'resource',
  foldedResourceColumn: 'resource_ci',
  columns: {
    id: { column: 'id' },
    username: { column: 'user_name_ci', folded: true },
    externalid: { column: 'external_id' },
    // provisioning/scim/users.ts stores true for a user pushed without `active`.
    active: { column: 'active', absentAs: true },
    'meta.created': { column: 'created_at' },
    'meta.lastmodified': { column: 'updated_at' },
  },
  children: {
    emails: {
      table: 'scim_user_emails',
      ownerColumn: 'user_id',
      companyColumn: 'company_id',
      subs: {
        value: { column: 'value_ci', folded: true },
        type: { column: 'type_ci', folded: true },
        // is_primary is false both for "primary": false and for no primary at all.
        primary: { column: 'is_primary', absentAs: false },
      },
    },
    // `groups` is derived from membership rows, not stored in the resource (RFC 7643 §4.1.2).
    groups: {
      table: 'scim_group_members',
      ownerColumn: 'user_id',
      subs: { value: { column: 'group_id' } },
      onlyColumns: 'only groups.value can be used in a filter: groups are stored as memberships',
    },
  },
  notStored: { meta: 'of meta, only meta.created and meta.lastModified can be used in a filter' },
};

/** scim_groups aliased "g". */
export const groupColumns: ResourceColumns = {
  alias: 'g',
  idColumn: 'id',
  resourceColumn: 'resource',
  foldedResourceColumn: 'resource_ci',
  columns: {
    id: { column: 'id' },
    displayname: { column: 'display_name_ci', folded: true },
    externalid: { column: 'external_id' },
    'meta.created': { column: 'created_at' },
    'meta.lastmodified': { column: 'updated_at' },
  },
  children: {
    members: {
      table: 'scim_group_members',
      ownerColumn: 'group_id',
      subs: { value: { column: 'user_id' } },
      onlyColumns: 'only members.value can be used in a filter: members are stored as ids',
    },
  },
  notStored: { meta: 'of meta, only meta.created and meta.lastModified can be used in a filter' },
};
