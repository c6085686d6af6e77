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

function postgres(url: string): StoreKind {
  return {
    name: 'postgres',
    async open() {
      const schema = `roster_test_${randomBytes(6).toString('hex')}`;
      const admin = new pg.Client({ connectionString: url });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      await admin.end();
      const store = await openStore(url, { schema, poolSize: 4 });
      return {
        ...store,
        async close() {
          await store.close();
          const c = new pg.Client({ connectionString: url });
          await c.connect();
          await c.query(`DROP SCHEMA ${schema} CASCADE`);
          await c.end();
        },
      };
    },
  };
}

export function storeKinds(): StoreKind[] {
  const url = process.env.ROSTER_TEST_POSTGRES_URL;
  return url ? [sqlite, postgres(url)] : [sqlite];
}
