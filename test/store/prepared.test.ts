// Statements compiled once per dialect (src/store/prepared.ts) run with each call's own values, bound where
// the builder placed them, on the store or inside the caller's transaction, and visible to plugins. On every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createQueryId, sql, type KyselyPlugin, type RootOperationNode } from 'kysely';
import { inTransaction, type Store } from '../../src/store/open.ts';
import { prepared } from '../../src/store/prepared.ts';
import { storeKinds } from '../support/stores.ts';

// The arguments are declared in another order than the SQL binds them; `from` is bound twice and the
// offset is a constant of the builder's own.
type Range = { limit: number; to: string; from: string };
const namesInRange = prepared((db, a: Range) =>
  db
    .selectFrom('companies')
    .select(['name', 'language'])
    .where('name_ci', '>=', a.from)
    .where('name_ci', '<=', a.to)
    .where((eb) => eb.or([eb('language', 'is', null), eb('language', '<>', a.from)]))
    .orderBy('name_ci')
    .limit(a.limit)
    .offset(0),
);

const addCompany = (store: Store, name: string) =>
  store.db
    .insertInto('companies')
    .values({ id: `prepared-${name}`, name, name_ci: name.toLowerCase(), license_limit: null, license_enforce: store.dialect.toBool(false), allowed_domains: '[]', created_at: '2026-01-01T00:00:00.000Z' })
    .execute();

const names = async (store: Store, a: Range) => (await namesInRange.run(store, a)).rows.map((r) => r.name);

for (const kind of storeKinds()) {
  describe(`Statements compiled once on ${kind.name}`, () => {
    let store: Store;
    before(async () => {
      store = await kind.open();
      for (const name of ['Alpha', 'Bravo', 'Charlie', 'Delta']) await addCompany(store, name);
    });
    after(() => store.close());

    it('binds each call its own values in the order the SQL needs them', async () => {
      assert.deepEqual(await names(store, { from: 'b', to: 'd', limit: 10 }), ['Bravo', 'Charlie']);
      assert.deepEqual(await names(store, { limit: 1, from: 'a', to: 'z' }), ['Alpha']);
      assert.deepEqual(await names(store, { to: 'delta', limit: 2, from: 'charlie' }), ['Charlie', 'Delta']);
      assert.deepEqual(await names(store, { from: 'x', to: 'z', limit: 5 }), []);
    });

    it("runs inside the caller's transaction and sees its uncommitted rows", async () => {
      await assert.rejects(
        inTransaction(store, async (tx) => {
          await addCompany(tx, 'Echo');
          assert.deepEqual(await names(tx, { from: 'e', to: 'f', limit: 10 }), ['Echo']);
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.deepEqual(await names(store, { from: 'e', to: 'f', limit: 10 }), []);
    });

    it('shows a Kysely plugin every call with its own values', async () => {
      const seen: unknown[][] = [];
      const recorder: KyselyPlugin = {
        transformQuery: ({ node }) => {
          seen.push([...store.db.getExecutor().compileQuery(node as RootOperationNode, createQueryId()).parameters]);
          return node;
        },
        transformResult: async ({ result }) => result,
      };
      const recorded = { ...store, db: store.db.withPlugin(recorder) };
      assert.deepEqual(await names(recorded, { from: 'b', to: 'c', limit: 10 }), ['Bravo']);
      assert.deepEqual(await names(recorded, { from: 'c', to: 'd', limit: 3 }), ['Charlie']);
      assert.deepEqual(seen, [
        ['b', 'c', 'b', 10, 0],
        ['c', 'd', 'c', 3, 0],
      ]);
    });

    it('refuses a builder that writes an argument into the SQL text instead of binding it', async () => {
      const unbound = prepared((db, a: { column: string }) => db.selectFrom('companies').select(sql.ref(a.column).as('x')));
      await assert.rejects(unbound.run(store, { column: 'name' }), /binds \[\] of the arguments \[column\]/);
    });
  });
}
