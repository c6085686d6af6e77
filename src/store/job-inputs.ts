// A job's input file in the database, in chunks (migration 006): written once while it is spooled, read back
// in order one chunk per query by whoever works the job, deleted when the job finishes.
import type { Store } from './open.ts';

export async function insertJobInput(store: Store, jobId: string, seq: number, content: string): Promise<void> {
  await store.db.insertInto('job_inputs').values({ job_id: jobId, seq, content }).execute();
}

/** The chunks in order; only one is held at a time. */
export async function* readJobInput(store: Store, jobId: string): AsyncGenerator<string> {
  for (let seq = 0; ; seq++) {
    const row = await store.db.selectFrom('job_inputs').select('content').where('job_id', '=', jobId).where('seq', '=', seq).executeTakeFirst();
    if (!row) return;
    yield row.content;
  }
}

export async function deleteJobInput(store: Store, jobId: string): Promise<void> {
  await store.db.deleteFrom('job_inputs').where('job_id', '=', jobId).execute();
}
