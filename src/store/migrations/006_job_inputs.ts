// The input of a job that arrived as a file (a CSV import): spooled into the database in chunks, so that any
// instance can work the job and it survives a restart; the chunks go when the job finishes.
import type { Kysely } from 'kysely';
import type { StoreDialect } from '../dialect.ts';

export async function up(db: Kysely<any>, _d: StoreDialect): Promise<void> {
  // `content` is decoded text of at most 256 Ki characters (≤ 1 MiB of UTF-8); `seq` counts from 0.
  await db.schema
    .createTable('job_inputs')
    .addColumn('job_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('job_inputs_pk', ['job_id', 'seq'])
    .execute();
}
