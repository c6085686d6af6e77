// The stores every HTTP test runs on: SQLite always, PostgreSQL too when ROSTER_TEST_POSTGRES_URL is set.
// Each opened store is isolated: a fresh SQLite file, or a fresh PostgreSQL schema dropped on close.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openStore, type Store } from '../../src/store/open.ts';

export interface StoreKind {
  name: 'sqlite' | 'postgres';
  open(): Promise<Store>;
}

const sqlite: StoreKind = {
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'roster-test-'));
    const store = await openStore(`sqlite:${join(dir, 'roster.db')}`);
    return {
      ...store,
      async close() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/**
 * Kysely's migrator lists the tables of every schema in the database, by name, and fails with 3F000 "schema
 * does not exist" when another test file drops its schema at that moment. Opening a store and dropping a
 * schema therefore hold one advisory lock, so they never overlap across the test processes.
 */
export async function underSchemaLock<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(76449865)');
    return await work(client);
  } finally {
    // Ending the session releases the lock.
    await client.end();
  }
}

function postgres(url: string): StoreKind {
  return {
    name: 'postgres',
    async open() {
      const schema = `roster_test_${randomBytes(6).toString('hex')}`;
      const store = await underSchemaLock(url, async (admin) => {
        await admin.query(`CREATE SCHEMA ${schema}`);
        return openStore(url, { schema, poolSize: 4 });
      });
      return {
        ...store,
        async close() {
          await store.close();
          await underSchemaLock(url, (admin) => admin.query(`DROP SCHEMA ${schema} CASCADE`));
        },
      };
    },
  };
}

export function storeKinds(): StoreKind[] {
  const url = process.env.ROSTER_TEST_POSTGRES_URL;
  return url ? [sqlite, postgres(url)] : [sqlite];
}
