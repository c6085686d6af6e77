// Only the server creates and migrates a database: `roster` pointed at anything else (a typo in DATABASE_URL,
// the wrong working directory, PostgreSQL's `postgres` maintenance database, a database an older or newer
// Roster migrated) creates nothing, changes nothing and exits 1 saying to start the server there first.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../../src/store/open.ts';
import { freshPostgresDatabase, roster, startServerExpectingFailure, tempDir, type CliResult } from '../support/process.ts';

const NO_SCHEMA = /holds no Roster database .*; start the server on it first \(DATABASE_URL=.* npm start\), which creates it$/;

function refused(result: CliResult, databaseUrl: string, message: RegExp): void {
  assert.equal(result.code, 1, result.stderr);
  assert.equal(result.json?.error?.kind, 'unavailable', result.stdout);
  assert.ok(result.json.error.message.startsWith(`DATABASE_URL ${databaseUrl} `), result.json.error.message);
  assert.match(result.json.error.message, message);
  assert.equal(result.stderr, `roster: ${result.json.error.message}\n`);
}

describe('roster on a SQLite path that holds no Roster database', () => {
  const dir = tempDir();
  after(() => dir.remove());

  it('exits 1 on a missing file and creates neither the file nor its folder', async () => {
    const url = `sqlite:${join(dir.path, 'typo', 'roster.db')}`;
    refused(await roster(['company', 'list', '--json'], { DATABASE_URL: url }), url, NO_SCHEMA);
    assert.deepEqual(readdirSync(dir.path), []);
  });

  it('creates no ./data/roster.db when run without DATABASE_URL in the wrong working directory', async () => {
    const elsewhere = tempDir();
    try {
      refused(await roster(['company', 'create', '--name', 'Acme', '--json'], {}, elsewhere.path), 'sqlite:./data/roster.db', NO_SCHEMA);
      assert.deepEqual(readdirSync(elsewhere.path), []);
    } finally {
      elsewhere.remove();
    }
  });

  it('exits 1 on an empty file and leaves it empty', async () => {
    const file = join(dir.path, 'empty.db');
    writeFileSync(file, '');
    refused(await roster(['company', 'list', '--json'], { DATABASE_URL: `sqlite:${file}` }), `sqlite:${file}`, NO_SCHEMA);
    assert.equal(statSync(file).size, 0);
    assert.ok(!existsSync(`${file}-wal`));
  });
});

/** A database as an older or a newer Roster left it: this one's schema with its migration record edited. */
interface Stored {
  url: string;
  query(text: string): Promise<unknown[]>;
  remove(): Promise<void>;
}

async function sqliteStored(): Promise<Stored> {
  const dir = tempDir();
  const file = join(dir.path, 'roster.db');
  return {
    url: `sqlite:${file}`,
    async query(text) {
      const db = new Database(file);
      try {
        const statement = db.prepare(text);
        return statement.reader ? statement.all() : (statement.run(), []);
      } finally {
        db.close();
      }
    },
    remove: async () => dir.remove(),
  };
}

async function postgresStored(): Promise<Stored | undefined> {
  const fresh = await freshPostgresDatabase();
  if (!fresh) return undefined;
  return {
    url: fresh.url,
    async query(text) {
      const client = new pg.Client({ connectionString: fresh.url });
      await client.connect();
      try {
        return (await client.query(text)).rows;
      } finally {
        await client.end();
      }
    },
    remove: fresh.drop,
  };
}

for (const [name, make] of [['SQLite', sqliteStored], ['PostgreSQL', postgresStored]] as const) {
  describe(`roster on a ${name} database migrated by another Roster version`, () => {
    let stored: Stored | undefined;
    before(async () => {
      stored = await make();
      if (stored) await (await openStore(stored.url)).close();
    });
    after(async () => {
      await stored?.remove();
    });
    const migrations = async () => ((await stored!.query('SELECT name FROM kysely_migration ORDER BY name')) as { name: string }[]).map((r) => r.name);

    it('exits 1 on an older one (fewer migrations than this code knows), says to start the server there, and migrates nothing', async (t) => {
      if (!stored) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      const latest = (await migrations()).at(-1)!;
      await stored.query(`DELETE FROM kysely_migration WHERE name = '${latest}'`);
      try {
        const result = await roster(['company', 'list', '--json'], { DATABASE_URL: stored.url });
        refused(result, stored.url, new RegExp(`older version \\(missing migrations ${latest}\\); start the server on it first \\(DATABASE_URL=.* npm start\\), which migrates it$`));
        assert.ok(!(await migrations()).includes(latest));
      } finally {
        await stored.query(`INSERT INTO kysely_migration (name, timestamp) VALUES ('${latest}', '2026-01-01T00:00:00.000Z')`);
      }
    });

    it('exits 1 on a newer one (a migration this code does not know), naming it, and so does the server', async (t) => {
      if (!stored) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      await stored.query(`INSERT INTO kysely_migration (name, timestamp) VALUES ('999_future', '2027-01-01T00:00:00.000Z')`);
      try {
        refused(await roster(['company', 'list', '--json'], { DATABASE_URL: stored.url }), stored.url, /newer version \(migrations 999_future\); use the roster CLI of that version$/);
        // Nor does the server start on it: its migrations would not be the ones the database has.
        const server = await startServerExpectingFailure({ DATABASE_URL: stored.url, PORT: '0' });
        assert.equal(server.code, 1);
        assert.match(server.stderr, /^roster: cannot open DATABASE_URL .*: the database was migrated by a newer Roster \(migrations 999_future, unknown to this version\)\n$/);
      } finally {
        await stored.query(`DELETE FROM kysely_migration WHERE name = '999_future'`);
      }
    });

    it('works once the database holds exactly this version’s schema', async (t) => {
      if (!stored) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      const result = await roster(['company', 'list', '--json'], { DATABASE_URL: stored.url });
      assert.equal(result.code, 0, result.stderr);
      assert.deepEqual(result.json, []);
    });
  });
}

describe("roster on PostgreSQL's postgres maintenance database", () => {
  const base = process.env.ROSTER_TEST_POSTGRES_URL;
  const url = base && Object.assign(new URL(base), { pathname: '/postgres' }).href;
  // Read only: nothing in `postgres` is created or dropped here.
  const tables = async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string }>(
        "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema') ORDER BY 1",
      );
      return rows.map((r) => r.name);
    } finally {
      await client.end();
    }
  };

  it('exits 1 naming the URL, and creates no tables there', async (t) => {
    if (!url) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
    const before = await tables();
    refused(await roster(['company', 'create', '--name', 'Acme', '--json'], { DATABASE_URL: url }), url, NO_SCHEMA);
    assert.deepEqual(await tables(), before);
  });
});
