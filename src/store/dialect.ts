// Every difference between SQLite and PostgreSQL that the store cares about, in one place.
// Nothing outside src/store asks which database it runs on.
import { sql, type ColumnDataType, type Expression } from 'kysely';
import type { SqlJson } from '../scim/filter/sql.ts';
import { postgresSql, sqliteSql } from './sql-dialect.ts';

export type DialectName = 'sqlite' | 'postgres';

export interface StoreDialect {
  name: DialectName;
  jsonType: ColumnDataType;
  boolType: ColumnDataType;
  /** Text compared and ordered by code point, as the filter evaluator does (PostgreSQL's default collation is
   *  locale-aware; SQLite's BINARY already is code-point order). Indexed lookup columns use it. */
  binaryTextType: ColumnDataType | Expression<unknown>;
  /** SELECT … FOR UPDATE exists. SQLite has no row locks and needs none here: a transaction begins holding
   *  the file's write lock (BEGIN IMMEDIATE), so no other writer, in this process or another, runs until it ends. */
  lockRows: boolean;
  /** How the filter compiler reads JSON on this database. */
  json: SqlJson;
  /** A value bound into a JSON column. */
  toJson(value: unknown): string;
  /** A JSON column as the driver returned it: text from SQLite, already parsed from pg. */
  fromJson<T = unknown>(raw: unknown): T;
  /** better-sqlite3 cannot bind booleans. */
  toBool(value: boolean): boolean | number;
  /** The driver error for a violated unique constraint (SQLite: SQLITE_CONSTRAINT_UNIQUE / PRIMARYKEY; PG: 23505). */
  isUniqueViolation(error: unknown): boolean;
  /** A violated foreign key (SQLite: SQLITE_CONSTRAINT_FOREIGNKEY; PG: 23503). */
  isForeignKeyViolation(error: unknown): boolean;
}

const code = (error: unknown): unknown => (error as { code?: unknown } | null)?.code;

export const sqliteDialect: StoreDialect = {
  name: 'sqlite',
  jsonType: 'text',
  boolType: 'integer',
  binaryTextType: 'text',
  lockRows: false,
  json: sqliteSql,
  toJson: (value) => JSON.stringify(value),
  fromJson: <T>(raw: unknown) => (typeof raw === 'string' ? JSON.parse(raw) : raw) as T,
  toBool: (value) => (value ? 1 : 0),
  isUniqueViolation: (e) => code(e) === 'SQLITE_CONSTRAINT_UNIQUE' || code(e) === 'SQLITE_CONSTRAINT_PRIMARYKEY',
  isForeignKeyViolation: (e) => code(e) === 'SQLITE_CONSTRAINT_FOREIGNKEY',
};

export const postgresDialect: StoreDialect = {
  name: 'postgres',
  jsonType: 'jsonb',
  boolType: 'boolean',
  binaryTextType: sql`text COLLATE "C"`,
  lockRows: true,
  json: postgresSql,
  // Always bind text: pg would turn a JS array into a PostgreSQL array literal, not JSON.
  toJson: (value) => JSON.stringify(value),
  fromJson: <T>(raw: unknown) => (typeof raw === 'string' ? JSON.parse(raw) : raw) as T,
  toBool: (value) => value,
  isUniqueViolation: (e) => code(e) === '23505',
  isForeignKeyViolation: (e) => code(e) === '23503',
};
