// The SQLite store keeps compiled statements (src/store/open.ts, cachingStatements): a statement runs many
// times from one compilation, and the answers, transactions and rollbacks stay what they were.
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { cachingStatements, openStore, type Store } from '../../src/store/open.ts';

/** How often the connection compiled each SQL text. */
function countCompilations(conn: BetterSqlite3.Database): Map<string, number> {
  const counts = new Map<string, number>();
  const prepare = conn.prepare.bind(conn);
  conn.prepare = ((text: string) => {
    counts.set(text, (counts.get(text) ?? 0) + 1);
    return prepare(text);
  }) as typeof conn.prepare;
  return counts;
}

describe('the SQLite store opened by openStore', () => {
  let store: Store;
  let db: Kysely<any>;
  let compiled: string[];

  beforeEach(async () => {
    compiled = [];
    // openStore creates its connection itself, so the count is taken on every better-sqlite3 connection.
    const prepare = BetterSqlite3.prototype.prepare;
    mock.method(BetterSqlite3.prototype, 'prepare', function (this: BetterSqlite3.Database, text: string) {
      compiled.push(text);
      return prepare.call(this, text);
    });
    store = await openStore('sqlite::memory:');
    db = store.db as unknown as Kysely<any>;
    await sql`CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)`.execute(db);
  });

  afterEach(async () => {
    mock.restoreAll();
    await store.close();
  });

  const insert = (k: number, v: string, on = db) => on.insertInto('t').values({ k, v }).execute();
  const valueOf = async (k: number) => (await db.selectFrom('t').select('v').where('k', '=', k).executeTakeFirst())?.v;
  const keys = async () => (await db.selectFrom('t').select('k').orderBy('k').execute()).map((r) => r.k);

  it('compiles a statement once however often it runs, and answers each run with its own parameters', async () => {
    compiled.length = 0;
    for (let k = 1; k <= 200; k++) await insert(k, `v${k}`);
    for (let k = 1; k <= 200; k++) assert.equal(await valueOf(k), `v${k}`);
    assert.equal(await valueOf(201), undefined);
    assert.deepEqual(compiled.sort(), ['insert into "t" ("k", "v") values (?, ?)', 'select "v" from "t" where "k" = ?']);
  });

  it('commits and rolls back transactions, over and over, through the same statements', async () => {
    for (let round = 0; round < 20; round++) {
      await db.transaction().execute((trx) => insert(round * 2, 'kept', trx));
      await assert.rejects(
        db.transaction().execute(async (trx) => {
          await insert(round * 2 + 1, 'dropped', trx);
          throw new Error('roll back');
        }),
        /roll back/,
      );
    }
    assert.deepEqual(await keys(), Array.from({ length: 20 }, (_, i) => i * 2));
    for (const text of ['begin immediate', 'commit', 'rollback']) assert.equal(compiled.filter((c) => c === text).length, 1, text);
  });

  it('answers after a statement failed (a constraint violation), also for the next transaction', async () => {
    await insert(1, 'first');
    await assert.rejects(insert(1, 'again'), /UNIQUE|PRIMARY KEY/);
    await assert.rejects(db.transaction().execute((trx) => insert(1, 'again', trx)), /UNIQUE|PRIMARY KEY/);
    await db.transaction().execute((trx) => insert(2, 'second', trx));
    assert.deepEqual(await keys(), [1, 2]);
    assert.equal(await valueOf(1), 'first');
  });

  it('runs a statement again after a stream over it stopped half-way', async () => {
    for (let k = 1; k <= 5; k++) await insert(k, `v${k}`);
    const seen: number[] = [];
    for await (const row of db.selectFrom('t').select('k').orderBy('k').stream()) {
      seen.push(row.k);
      if (seen.length === 2) break;
    }
    assert.deepEqual(seen, [1, 2]);
    assert.deepEqual(await keys(), [1, 2, 3, 4, 5]);
  });
});

describe('cachingStatements', () => {
  let conn: BetterSqlite3.Database;
  beforeEach(() => {
    conn = new BetterSqlite3(':memory:');
  });
  afterEach(() => {
    if (conn.open) conn.close();
  });

  it('keeps at most `max` statements, dropping the least recently used', () => {
    const counts = countCompilations(conn);
    const cache = cachingStatements(conn, 3);
    for (const text of ['SELECT 1', 'SELECT 2', 'SELECT 3', 'SELECT 1', 'SELECT 4']) cache.prepare(text);
    // SELECT 2 was the least recently used when SELECT 4 arrived.
    cache.prepare('SELECT 1');
    cache.prepare('SELECT 2');
    assert.deepEqual(Object.fromEntries(counts), { 'SELECT 1': 1, 'SELECT 2': 2, 'SELECT 3': 1, 'SELECT 4': 1 });
  });

  it('never holds more than `max` statements however many distinct ones run', () => {
    const counts = countCompilations(conn);
    const cache = cachingStatements(conn, 10);
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 100; i++) assert.deepEqual(cache.prepare(`SELECT ${i} AS n`).all([]), [{ n: i }]);
    }
    // Each was evicted before it came round again.
    assert.equal(counts.size, 100);
    assert.ok([...counts.values()].every((n) => n === 2));
  });

  it('gives a fresh statement while the cached one is still being iterated', () => {
    conn.exec('CREATE TABLE t (k INTEGER); INSERT INTO t VALUES (1), (2), (3)');
    const cache = cachingStatements(conn);
    const rows = cache.prepare('SELECT k FROM t ORDER BY k').iterate([]);
    assert.deepEqual(rows.next().value, { k: 1 });
    assert.deepEqual(cache.prepare('SELECT k FROM t ORDER BY k').all([]), [{ k: 1 }, { k: 2 }, { k: 3 }]);
    assert.deepEqual([...rows], [{ k: 2 }, { k: 3 }]);
  });

  it('closes the connection', () => {
    const cache = cachingStatements(conn);
    cache.prepare('SELECT 1');
    cache.close();
    assert.equal(conn.open, false);
  });
});
