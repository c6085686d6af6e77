// The job log, the audit log and long-running jobs as an admin reads them: the request checked here (an
// AdminError names the bad flag), then one index range per page, newest first (store/job-log.ts,
// store/audit-log.ts).
import { foldString } from '../scim/fold.ts';
import { pageAuditLog } from '../store/audit-log.ts';
import { findJob, type JobRow } from '../store/job-queue.ts';
import { pageJobLog, type JobOutcome } from '../store/job-log.ts';
import type { Store } from '../store/open.ts';
import { findScimSetting } from '../store/scim-settings.ts';
import { requireCompany } from './companies.ts';
import { AdminError } from './errors.ts';
import { idAtTime, isId } from '../store/ids.ts';
import { jobLogJson, pageSize, type JobLogJson } from './target-users.ts';

const OUTCOMES: readonly JobOutcome[] = ['success', 'warning', 'failure'];

export interface JobLogQuery {
  companyId: string;
  settingId?: string;
  outcome?: string;
  /** A target user's email, ignoring case. */
  user?: string;
  /** ISO 8601: rows at or after this moment. */
  since?: string;
  /** ISO 8601: rows before this moment. */
  until?: string;
  limit?: number;
  /** The id of the last row of the previous page: older rows follow. */
  after?: string;
}

function cursor(after: string | undefined): { beforeId?: string } {
  if (after === undefined) return {};
  if (!isId(after)) throw new AdminError('invalid', `--after expects the id of the last row of the previous page, got "${after}"`);
  return { beforeId: after };
}

// A date, optionally with a time and zone: what an admin types (2026-01-31, 2026-01-31T09:00:00Z).
const ISO_8601 = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** The smallest id made at the moment `value` names (ids are time-ordered), for a range of the log. */
function momentId(flag: 'since' | 'until', value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const at = ISO_8601.test(value.trim()) ? new Date(value.trim()) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw new AdminError('invalid', `--${flag} expects an ISO 8601 date or time such as 2026-01-31 or 2026-01-31T09:00:00Z, got "${value}"`);
  return idAtTime(at);
}

function outcome(value: string | undefined): JobOutcome | undefined {
  if (value === undefined) return undefined;
  const found = OUTCOMES.find((o) => o === value.trim().toLowerCase());
  if (!found) throw new AdminError('invalid', `--outcome must be one of ${OUTCOMES.join(', ')}, got "${value}"`);
  return found;
}

export async function listJobLog(store: Store, q: JobLogQuery): Promise<JobLogJson[]> {
  const limit = pageSize(q.limit);
  const wanted = outcome(q.outcome);
  const from = momentId('since', q.since);
  const to = momentId('until', q.until);
  const { beforeId: after } = cursor(q.after);
  // Both bounds are "older than this id": the tighter one applies.
  const beforeId = after === undefined ? to : to === undefined || after < to ? after : to;
  const company = await requireCompany(store, q.companyId);
  if (q.settingId !== undefined) {
    // An unknown setting is a typo, not an empty log.
    const setting = await findScimSetting(store, q.settingId);
    if (setting?.companyId !== company.id) throw new AdminError('notFound', `The company has no SCIM setting with id ${q.settingId} (roster scim-setting list --company ${company.id})`);
  }
  const rows = await pageJobLog(
    store,
    { companyId: company.id, limit, settingId: q.settingId, outcome: wanted, userEmailCi: q.user === undefined ? undefined : foldString(q.user.trim()), ...(beforeId !== undefined ? { beforeId } : {}) },
    from,
  );
  return rows.map(jobLogJson);
}

export interface AuditJson {
  id: string;
  at: string;
  actor: string;
  ip: string | null;
  userAgent: string | null;
  entity: string;
  entityId: string | null;
  operation: string;
  oldValue: unknown;
  newValue: unknown;
}

/** A company's audit log, or with `companyId: null` the changes that belong to no company: operators' system
 *  users and API keys, and sign-ins of emails no system user has. */
export async function listAuditLog(store: Store, q: { companyId: string | null; limit?: number; after?: string }): Promise<AuditJson[]> {
  const limit = pageSize(q.limit);
  const page = cursor(q.after);
  const companyId = q.companyId === null ? null : (await requireCompany(store, q.companyId)).id;
  const rows = await pageAuditLog(store, { companyId, limit, ...page });
  return rows.map((r) => ({ id: r.id, at: r.at, actor: r.actor, ip: r.ip, userAgent: r.userAgent, entity: r.entity, entityId: r.entityId, operation: r.operation, oldValue: r.oldValue, newValue: r.newValue }));
}

export async function requireJob(store: Store, id: string): Promise<JobRow> {
  const job = await findJob(store, id);
  if (!job) throw new AdminError('notFound', `No job with id ${id}`);
  return job;
}
