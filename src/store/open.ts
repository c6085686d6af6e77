// Opens the store named by DATABASE_URL and brings its schema up to date (the server), or opens one the server
// has already brought up to date and changes nothing (the CLI).
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { DEFAULT_MIGRATION_TABLE, Kysely, Migrator, PostgresDialect, sql, type Migration, type SqliteDatabase } from 'kysely';
import pg from 'pg';
import { postgresDialect, sqliteDialect, type StoreDialect } from './dialect.ts';
import { SchemaMismatch } from './errors.ts';
import type { Database } from './schema.ts';
import * as m001 from './migrations/001_scim_core.ts';
import * as m002 from './migrations/002_scim_request_stats.ts';
import * as m003 from './migrations/003_rate_limits.ts';
import * as m004 from './migrations/004_provisioning.ts';
import * as m005 from './migrations/005_admin_access.ts';
import * as m006 from './migrations/006_job_inputs.ts';
import * as m007 from './migrations/007_target_user_search.ts';
import * as m008 from './migrations/008_warned_requests.ts';
import * as m009 from './migrations/009_scim_resource_counts.ts';
import { seedSqlitePlannerStats } from './planner-stats.ts';
import { ImmediateSqliteDialect, SERVER_LOCK_WAIT, sqliteWriter, type LockWait } from './sqlite-writer.ts';

export interface Store {
  db: Kysely<Database>;
  dialect: StoreDialect;
  /** What /metrics reports about the database; each adapter fills in what it has. */
  stats: StoreStats;
  /** Runs one write transaction as the database needs it: on SQLite one at a time, retried while another
   *  process holds the write lock (store/sqlite-writer.ts). */
  runWrite<T>(transaction: () => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface StoreStats {
  /** PostgreSQL: the pool's connections, read when metrics are collected. */
  pool?: () => { total: number; idle: number; waiting: number };
  /** SQLite: waits for another connection's write lock, added to by the code that waits. */
  busyWaits?: { count: number; seconds: number };
}

/**
 * Runs `work` in a write transaction, or inside the caller's when `store` is already one (Kysely cannot
 * nest). Every write goes through here. On SQLite `work` may run again when another process held the write
 * lock, so it must do nothing outside the transaction; StoreBusyError when the lock could not be had.
 */
export async function inTransaction<T>(store: Store, work: (tx: Store) => Promise<T>): Promise<T> {
  if (store.db.isTransaction) return work(store);
  return store.runWrite(() => store.db.transaction().execute((trx) => work({ ...store, db: trx })));
}

export type DatabaseTarget = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

export const DEFAULT_DATABASE_URL = 'sqlite:./data/roster.db';

/** `sqlite:PATH` (relative to the working directory, or absolute; `sqlite::memory:` for tests) or `postgres://…`. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!path) throw new Error(`DATABASE_URL "${url}" names no file: use sqlite:./data/roster.db`);
    return { kind: 'sqlite', path };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { kind: 'postgres', url };
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got "${url}"`);
}

const migrations: Record<string, (d: StoreDialect) => Migration> = {
  '001_scim_core': (d) => ({ up: (db) => m001.up(db, d) }),
  '002_scim_request_stats': (d) => ({ up: (db) => m002.up(db, d) }),
  '003_rate_limits': (d) => ({ up: (db) => m003.up(db, d) }),
  '004_provisioning': (d) => ({ up: (db) => m004.up(db, d) }),
  '005_admin_access': (d) => ({ up: (db) => m005.up(db, d) }),
  '006_job_inputs': (d) => ({ up: (db) => m006.up(db, d) }),
  '007_target_user_search': (d) => ({ up: (db) => m007.up(db, d) }),
  '008_warned_requests': (d) => ({ up: (db) => m008.up(db, d) }),
  '009_scim_resource_counts': (d) => ({ up: (db) => m009.up(db, d) }),
};

export interface OpenOptions {
  /** PostgreSQL: the schema to work in (tests isolate themselves in one each). */
  schema?: string;
  poolSize?: number;
  /** SQLite: how writes wait for another process's write lock (the server's by default). */
  lockWait?: LockWait;
  /** true (the default, the server): create the database file and apply the migrations. false (the CLI):
   *  create nothing and change no schema; SchemaMismatch unless the database holds exactly this code's schema. */
  migrate?: boolean;
}

export async function openStore(url: string, options: OpenOptions = {}): Promise<Store> {
  const target = parseDatabaseUrl(url);
  const migrating = options.migrate ?? true;
  // A store that cannot be used is closed at once: an open pool would keep the CLI's process alive.
  const prepare = async (store: Store) => {
    try {
      await (migrating ? migrate(store) : requireSchema(store));
    } catch (e) {
      await store.close();
      throw e;
    }
  };
  if (target.kind === 'postgres') {
    const store = openPostgres(target.url, options);
    await prepare(store);
    return store;
  }
  const lockWait = options.lockWait ?? SERVER_LOCK_WAIT;
  const { store, conn } = openSqlite(target.path, lockWait, migrating);
  await prepare(store);
  // The hints are stored in the file: the server that migrated it wrote them.
  if (migrating) await seedSqlitePlannerStats(store.db);
  // Opening blocked as long as it had to (it serves nothing yet; instances starting together migrate one
  // after another); from now on an attempt blocks only briefly.
  conn.pragma(`busy_timeout = ${lockWait.blockMs}`);
  return store;
}

/** How long opening (migrations, planner hints) waits for another process's write lock. */
const OPEN_BUSY_TIMEOUT_MS = 10_000;

function openSqlite(path: string, lockWait: LockWait, create: boolean): { store: Store; conn: BetterSqlite3.Database } {
  const file = path === ':memory:' ? path : resolve(path);
  if (create && file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let conn: BetterSqlite3.Database;
  try {
    conn = new BetterSqlite3(file, { fileMustExist: !create });
  } catch (e) {
    if (!create && !existsSync(file)) throw new SchemaMismatch('none');
    throw e;
  }
  // First: the pragmas below may already need a lock another process holds.
  conn.pragma(`busy_timeout = ${OPEN_BUSY_TIMEOUT_MS}`);
  // Switching to WAL writes the file's header, even an empty file's; the mode persists in the file, so a
  // database the server created is in WAL already.
  if (create) conn.pragma('journal_mode = WAL');
  // WAL + NORMAL: durable across process crashes, one fsync per checkpoint instead of per commit.
  conn.pragma('synchronous = NORMAL');
  conn.pragma('foreign_keys = ON');
  // LIKE must be case-sensitive, as on PostgreSQL: case-insensitive matching goes through folded columns.
  conn.pragma('case_sensitive_like = ON');
  // SQLite's default page cache is 2 MiB: a million users' indexes do not fit, and every lookup reads pages
  // back from the OS. 64 MiB of cache and memory-mapped reads keep the hot indexes in memory.
  conn.pragma('cache_size = -65536');
  conn.pragma('mmap_size = 268435456');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: cachingStatements(conn) }) });
  const busyWaits = { count: 0, seconds: 0 };
  const onBusyWait = (ms: number) => {
    busyWaits.count++;
    busyWaits.seconds += ms / 1000;
  };
  return { store: { db, dialect: sqliteDialect, stats: { busyWaits }, runWrite: sqliteWriter(lockWait, onBusyWait), close: () => db.destroy() }, conn };
}

/**
 * The connection as Kysely's SqliteDriver sees it, with compiled statements kept: the driver calls
 * `prepare(sql)` for every query, and compiling the SQL again cost 15 % of a filter GET (bench/RESULTS.md).
 * The most recently used `max` statements stay compiled. A statement is reusable once it has run;
 * one still being iterated (`busy`) cannot run again, so that caller gets a fresh one.
 */
export function cachingStatements(conn: BetterSqlite3.Database, max = 500): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    prepare(text) {
      const cached = statements.get(text);
      if (cached?.busy) return conn.prepare(text);
      const stmt = cached ?? conn.prepare(text);
      // Map order is insertion order: re-inserting on use keeps the oldest-used first, to be evicted.
      statements.delete(text);
      statements.set(text, stmt);
      if (statements.size > max) statements.delete(statements.keys().next().value!);
      return stmt;
    },
    close() {
      statements.clear();
      conn.close();
    },
  };
}

function openPostgres(url: string, options: OpenOptions): Store {
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    // Tests isolate themselves in a schema of their own.
    ...(options.schema ? { options: `-c search_path=${options.schema}` } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: namingStatements(pool) }) });
  const occupancy = () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
  // Row locks (SELECT … FOR UPDATE) and the unique indexes order concurrent writers; nothing to wait for here.
  return { db, dialect: postgresDialect, stats: { pool: occupancy }, runWrite: (transaction) => transaction(), close: () => db.destroy() };
}

/** Statements binding more parameters than this run unnamed (see namingStatements). */
const MAX_NAMED_PARAMETERS = 100;

/**
 * The pool as Kysely's PostgresDriver sees it, sending the first `max` distinct SQL texts as named prepared
 * statements: a backend then parses and plans each once per connection instead of on every query. The
 * bound keeps a client that invents endless filter shapes from growing every backend's statement cache;
 * texts beyond it run unnamed, as before. (PostgreSQL still replans per parameter values where a generic
 * plan would be worse, e.g. a LIKE prefix, under its default plan_cache_mode.)
 */

export function namingStatements(pool: pg.Pool, max = 200): pg.Pool {
  const names = new Map<string, string>();
  const nameOf = (text: string) => {
    let name = names.get(text);
    if (name === undefined && names.size < max) names.set(text, (name = `roster_${names.size}`));
    return name;
  };
  // Kysely keeps one connection object per client it is handed, so each client gets one wrapper.
  const wrappers = new WeakMap<pg.PoolClient, pg.PoolClient>();
  const wrap = (client: pg.PoolClient): pg.PoolClient => {
    let wrapper = wrappers.get(client);
    if (!wrapper) {
      wrapper = Object.create(client) as pg.PoolClient;
      wrapper.query = ((text: unknown, values?: unknown[]) => {
        // Bulk statements (chunked member writes, IN lists of thousands of ids) run unnamed: after five runs
        // PostgreSQL may switch a named statement to a generic plan, which for a 10,000-id IN list took 20 s
        // instead of 20 ms; their planning is cheap next to their work.
        const bulk = (values?.length ?? 0) > MAX_NAMED_PARAMETERS;
        const name = typeof text === 'string' && !bulk ? nameOf(text) : undefined;
        return name ? client.query({ name, text: text as string, values: values ?? [] }) : client.query(text as string, values);
      }) as pg.PoolClient['query'];
      wrapper.release = (err?: Error | boolean) => client.release(err);
      wrappers.set(client, wrapper);
    }
    return wrapper;
  };
  return Object.assign(Object.create(pool) as pg.Pool, {
    connect: async () => wrap(await pool.connect()),
    end: () => pool.end(),
  });
}

async function migratorOf(store: Store): Promise<Migrator> {
  const provider = {
    getMigrations: async () =>
      Object.fromEntries(Object.entries(migrations).map(([name, make]) => [name, make(store.dialect)])),
  };
  // Unless told a schema, Kysely takes migration tables in ANY schema for its own, so a store opened beside
  // another schema's (tests share one database, a schema each) skipped creating them and failed.
  const migrationTableSchema =
    store.dialect.name === 'postgres'
      ? (await sql<{ schema: string }>`SELECT current_schema() AS schema`.execute(store.db)).rows[0]?.schema
      : undefined;
  return new Migrator({ db: store.db, provider, ...(migrationTableSchema ? { migrationTableSchema } : {}) });
}

/** The migrations this code knows that the database lacks, and those it has that this code does not know
 *  (a newer Roster's). Reads only: getMigrations reads the migration table when it exists and creates nothing. */
async function schemaState(store: Store, migrator: Migrator): Promise<{ missing: string[]; unknown: string[] }> {
  const known = await migrator.getMigrations();
  const missing = known.filter((m) => !m.executedAt).map((m) => m.name);
  // Migrations are applied in order, so a database with any known one applied has the migration table.
  if (missing.length === known.length) return { missing, unknown: [] };
  const applied = await sql<{ name: string }>`SELECT name FROM ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(store.db);
  return { missing, unknown: applied.rows.map((r) => r.name).filter((name) => !Object.hasOwn(migrations, name)) };
}

async function migrate(store: Store): Promise<void> {
  const migrator = await migratorOf(store);
  const { missing, unknown } = await schemaState(store, migrator);
  // Kysely would say "corrupted migrations"; the database is fine, this code is older than it.
  if (unknown.length) throw new SchemaMismatch('newer', missing, unknown);
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
}

/** SchemaMismatch unless every migration this code knows, and no other, has been applied. Reads only. */
async function requireSchema(store: Store): Promise<void> {
  const { missing, unknown } = await schemaState(store, await migratorOf(store));
  if (missing.length === Object.keys(migrations).length) throw new SchemaMismatch('none');
  if (unknown.length) throw new SchemaMismatch('newer', missing, unknown);
  if (missing.length) throw new SchemaMismatch('older', missing);
}
