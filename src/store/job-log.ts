// The job log: one row per SCIM request that changed something, warned or failed. Ids are time-ordered, so
// newest first is the primary key read backwards.
import type { Store } from './open.ts';

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
  await store.db
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
    })
    .execute();
}
