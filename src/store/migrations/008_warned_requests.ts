// A setting's hourly counters also count the requests that succeeded with a warning in the job log (a value
// dropped by a rule, a licence or domain refusal kept as a note), so its activity chart can show them.
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

export async function up(db: Kysely<any>, _d: StoreDialect): Promise<void> {
  // Of `succeeded`, not beside it: `last24Hours.succeeded` keeps counting every answered request below 400.
  await db.schema.alterTable('scim_request_stats').addColumn('warned', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}
