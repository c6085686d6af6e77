// The job log: one row per SCIM request that changed something, warned or failed. Ids are time-ordered, so
// newest first is the primary key read backwards.
import type { Store } from './open.ts';
import { prepared } from './prepared.ts';

export type JobOutcome = 'success' | 'warning' | 'failure';

export interface JobLogEntry {
  id: string;
  companyId: string;
  settingId: string | null;
  at: string;
  /** The identity provider, from the User-Agent (Entra, Okta, OneLogin, JumpCloud, or the raw agent). */
  idp: string | null;
  /** create | replace | patch | delete | bulk … */
  operation: string;
  resourceType: string | null;
  resourceId: string | null;
  userName: string | null;
  /** The target user's email, folded, for `--user`. */
  userEmailCi: string | null;
  targetUserId: string | null;
  outcome: JobOutcome;
  status: number | null;
  detail: string | null;
}

export async function appendJobLog(store: Store, e: JobLogEntry): Promise<void> {
  await insertEntry.run(store, e);
}

// Every SCIM write appends one.
const insertEntry = prepared((db, e: JobLogEntry) =>
  db
    .insertInto('job_log')
    .values({
      id: e.id,
      company_id: e.companyId,
      scim_setting_id: e.settingId,
      at: e.at,
      idp: e.idp,
      operation: e.operation,
      resource_type: e.resourceType,
      resource_id: e.resourceId,
      user_name: e.userName,
      user_email_ci: e.userEmailCi,
      target_user_id: e.targetUserId,
      outcome: e.outcome,
      status: e.status,
      detail: e.detail,
    }),
);

export interface JobLogFilter {
  companyId: string;
  settingId?: string;
  outcome?: JobOutcome;
  /** A target user's email, folded. */
  userEmailCi?: string;
  /** Rows at or after this time (ISO 8601). */
  since?: string;
  /** The id of the last row of the previous page: older rows follow. */
  beforeId?: string;
  limit: number;
}

const toEntry = (r: any): JobLogEntry => ({
  id: r.id,
  companyId: r.company_id,
  settingId: r.scim_setting_id,
  at: r.at,
  idp: r.idp,
  operation: r.operation,
  resourceType: r.resource_type,
  resourceId: r.resource_id,
  userName: r.user_name,
  userEmailCi: r.user_email_ci,
  targetUserId: r.target_user_id,
  outcome: r.outcome,
  status: r.status === null ? null : Number(r.status),
  detail: r.detail,
});

/**
 * Newest first, one page. Each filter has an index whose last column is the id (company, setting, outcome,
 * user), and ids are time-ordered: `since` becomes an id bound, so every page is one index range.
 */
export async function pageJobLog(store: Store, f: JobLogFilter, sinceId?: string): Promise<JobLogEntry[]> {
  let q = store.db.selectFrom('job_log').selectAll().where('company_id', '=', f.companyId);
  if (f.settingId !== undefined) q = q.where('scim_setting_id', '=', f.settingId);
  if (f.outcome !== undefined) q = q.where('outcome', '=', f.outcome);
  if (f.userEmailCi !== undefined) q = q.where('user_email_ci', '=', f.userEmailCi);
  if (sinceId !== undefined) q = q.where('id', '>=', sinceId);
  if (f.beforeId !== undefined) q = q.where('id', '<', f.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(f.limit).execute();
  return rows.map(toEntry);
}

export async function jobLogOfTargetUser(store: Store, targetUserId: string, limit: number): Promise<JobLogEntry[]> {
  const rows = await store.db.selectFrom('job_log').selectAll().where('target_user_id', '=', targetUserId).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(toEntry);
}

/** Removes up to `batch` rows older than `beforeId` (an id made from the cutoff time); how many went. */
export async function pruneJobLog(store: Store, beforeId: string, batch: number): Promise<number> {
  const doomed = store.db.selectFrom('job_log').select('id').where('id', '<', beforeId).orderBy('id').limit(batch);
  const result = await store.db.deleteFrom('job_log').where('id', 'in', doomed).executeTakeFirst();
  return Number(result.numDeletedRows);
}
