// A job's input file in the database, in chunks (migration 006): written once while it is spooled, read back
// in order one chunk per query by whoever works the job, deleted when the job finishes, or by the pruning
// when nothing will read them (an upload cut off mid-spool, a job that failed).
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

/**
 * Removes up to `batch` chunks of jobs made before `beforeId` (job ids are time-ordered) that no worker will
 * read: no queued or running job has them. How many went.
 */
export async function pruneJobInputs(store: Store, beforeId: string, batch: number): Promise<number> {
  const doomed = store.db
    .selectFrom('job_inputs')
    .select(['job_id', 'seq'])
    .where('job_id', '<', beforeId)
    .where(({ exists, not, selectFrom }) =>
      not(exists(selectFrom('jobs').select('jobs.id').whereRef('jobs.id', '=', 'job_inputs.job_id').where('jobs.status', 'in', ['queued', 'running']))),
    )
    .orderBy('job_id')
    .orderBy('seq')
    .limit(batch);
  const result = await store.db
    .deleteFrom('job_inputs')
    .where((eb) => eb(eb.refTuple('job_id', 'seq'), 'in', doomed.$asTuple('job_id', 'seq')))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
