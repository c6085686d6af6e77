// Searching target users by name: first and last names folded in JavaScript (scim/fold.ts, as every
// case-insensitive column), each with an index so a prefix search is an index range at any size.
import type { Kysely } from 'kysely';
import { foldString } from '../../scim/fold.ts';
import type { StoreDialect } from '../dialect.ts';

const BATCH = 1000;

export async function up(db: Kysely<any>, d: StoreDialect): Promise<void> {
  await db.schema.alterTable('target_users').addColumn('first_name_ci', d.binaryTextType).execute();
  await db.schema.alterTable('target_users').addColumn('last_name_ci', d.binaryTextType).execute();
  // Existing users, a batch at a time in id order.
  for (let after = ''; ; ) {
    const rows = await db.selectFrom('target_users').select(['id', 'first_name', 'last_name']).where('id', '>', after).orderBy('id').limit(BATCH).execute();
    for (const r of rows) {
      await db
        .updateTable('target_users')
        .set({ first_name_ci: r.first_name === null ? null : foldString(r.first_name), last_name_ci: r.last_name === null ? null : foldString(r.last_name) })
        .where('id', '=', r.id)
        .execute();
    }
    if (rows.length < BATCH) break;
    after = rows.at(-1)!.id;
  }
  await db.schema.createIndex('target_users_first_name').on('target_users').columns(['company_id', 'first_name_ci', 'id']).execute();
  await db.schema.createIndex('target_users_last_name').on('target_users').columns(['company_id', 'last_name_ci', 'id']).execute();
}
