// On PostgreSQL the store sends its SQL as named prepared statements (src/store/open.ts, namingStatements):
// each backend parses a text once, a bounded number of texts get names, and answers, errors and
// transactions stay what they were. Runs when ROSTER_TEST_POSTGRES_URL is set.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { namingStatements } from '../../src/store/open.ts';

const url = process.env.ROSTER_TEST_POSTGRES_URL;

describe('named statements on PostgreSQL', { skip: url ? false : 'ROSTER_TEST_POSTGRES_URL is not set' }, () => {
  let db: Kysely<any>;
  const table = `named_statements_${process.pid}`;
  /** The named statements the pool's one backend holds. */
  const prepared = async () =>
    (await sql<{ name: string }>`SELECT name FROM pg_prepared_statements ORDER BY name`.execute(db)).rows.map((r) => r.name);

  before(async () => {
    // One connection, so every query meets the same backend; at most 4 names.
    db = new Kysely({ dialect: new PostgresDialect({ pool: namingStatements(new pg.Pool({ connectionString: url!, max: 1 }), 4) }) });
    await sql`CREATE TEMP TABLE ${sql.table(table)} (k integer PRIMARY KEY, v text NOT NULL)`.execute(db);
  });
  after(() => db?.destroy());

  it('runs a query many times from one prepared statement, each time with its own parameters', async () => {
    for (let k = 0; k < 50; k++) await db.insertInto(table).values({ k, v: `v${k}` }).execute();
    for (let k = 0; k < 50; k++) assert.equal((await db.selectFrom(table).select('v').where('k', '=', k).executeTakeFirstOrThrow()).v, `v${k}`);
    const names = await prepared();
    assert.ok(names.length >= 2 && names.every((n) => n.startsWith('roster_')), names.join());
  });

  it('runs a statement with a long parameter list unnamed, so no generic plan ignores its values', async () => {
    const before = (await prepared()).length;
    const ks = Array.from({ length: 500 }, (_, i) => i);
    for (let i = 0; i < 3; i++) await db.selectFrom(table).select('k').where('k', 'in', ks).execute();
    assert.equal((await prepared()).length, before);
  });

  it('names no more than its bound of texts and runs the rest unnamed', async () => {
    for (let i = 0; i < 10; i++) await sql`SELECT ${sql.lit(i)}::int + ${1}::int AS n`.execute(db);
    assert.equal((await prepared()).length, 4);
    assert.equal((await sql<{ n: number }>`SELECT ${sql.lit(41)}::int + ${1}::int AS n`.execute(db)).rows[0]!.n, 42);
  });

  it('keeps working after a failed statement and a rolled-back transaction', async () => {
    await assert.rejects(db.insertInto(table).values({ k: 1, v: 'again' }).execute(), /duplicate key/);
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await trx.updateTable(table).set({ v: 'changed' }).where('k', '=', 2).execute();
        throw new Error('give up');
      }),
      /give up/,
    );
    assert.equal((await db.selectFrom(table).select('v').where('k', '=', 2).executeTakeFirstOrThrow()).v, 'v2');
    await db.transaction().execute((trx) => trx.updateTable(table).set({ v: 'committed' }).where('k', '=', 3).execute());
    assert.equal((await db.selectFrom(table).select('v').where('k', '=', 3).executeTakeFirstOrThrow()).v, 'committed');
  });
});
