// Long-running jobs as a queue in the database: any process may work a job, one at a time by lease. Progress
// and a cursor are saved after every batch, so a job whose worker died resumes where it stopped once the
// lease runs out. `findJob` reads one for `roster job show`.
import type { Store } from './open.ts';

export interface NewJob {
  id: string;
  companyId: string;
  kind: string;
  settingId: string | null;
  total: number;
  at: string;
}

export interface ClaimedJob {
  id: string;
  companyId: string;
  kind: string;
  settingId: string | null;
  done: number;
  cursor: string | null;
}

export interface JobRow {
  id: string;
  companyId: string;
  kind: string;
  settingId: string | null;
  /** queued | running | done | failed | cancelled */
  status: string;
  done: number;
  total: number;
  error: string | null;
  createdAt: string;
  updatedAt: string;
  finishedAt: string | null;
}

export async function findJob(store: Store, id: string): Promise<JobRow | undefined> {
  const r = await store.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  return (
    r && {
      id: r.id,
      companyId: r.company_id,
      kind: r.kind,
      settingId: r.scim_setting_id,
      status: r.status,
      done: Number(r.done),
      total: Number(r.total),
      error: r.error,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
      finishedAt: r.finished_at,
    }
  );
}

export async function insertJob(store: Store, j: NewJob): Promise<void> {
  await store.db
    .insertInto('jobs')
    .values({
      id: j.id,
      company_id: j.companyId,
      kind: j.kind,
      scim_setting_id: j.settingId,
      status: 'queued',
      done: 0,
      total: j.total,
      cursor: null,
      error: null,
      lease_until: null,
      created_at: j.at,
      updated_at: j.at,
      finished_at: null,
    })
    .execute();
}

/** Jobs not finished whose lease is free (never taken, or run out), oldest first. */
export async function claimableJobIds(store: Store, now: string, limit = 10): Promise<string[]> {
  const rows = await store.db
    .selectFrom('jobs')
    .select('id')
    .where('status', 'in', ['queued', 'running'])
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .orderBy('status')
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** Takes the job's lease until `until` if it is free; undefined when another worker holds it or it is done. */
export async function claimJob(store: Store, id: string, now: string, until: string): Promise<ClaimedJob | undefined> {
  const claimed = await store.db
    .updateTable('jobs')
    .set({ status: 'running', lease_until: until, updated_at: now })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
    .returning(['id', 'company_id', 'kind', 'scim_setting_id', 'done', 'cursor'])
    .executeTakeFirst();
  return claimed && { id: claimed.id, companyId: claimed.company_id, kind: claimed.kind, settingId: claimed.scim_setting_id, done: Number(claimed.done), cursor: claimed.cursor };
}

/** Saves a batch's progress and renews the lease; false when the job was cancelled meanwhile. */
export async function saveProgress(store: Store, id: string, p: { done: number; cursor: string | null; now: string; until: string }): Promise<boolean> {
  const result = await store.db
    .updateTable('jobs')
    .set({ done: p.done, cursor: p.cursor, updated_at: p.now, lease_until: p.until })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

export async function finishJob(store: Store, id: string, f: { status: 'done' | 'failed'; error: string | null; now: string }): Promise<void> {
  await store.db.updateTable('jobs').set({ status: f.status, error: f.error, updated_at: f.now, finished_at: f.now, lease_until: null }).where('id', '=', id).execute();
}

/** A job of the same kind and setting still to run is cancelled for a new one: the newest rules win. */
export async function supersedeJobs(store: Store, kind: string, settingId: string, now: string): Promise<void> {
  await store.db
    .updateTable('jobs')
    .set({ status: 'cancelled', error: 'Superseded by a later change of the same setting', finished_at: now, updated_at: now, lease_until: null })
    .where('kind', '=', kind)
    .where('scim_setting_id', '=', settingId)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}
