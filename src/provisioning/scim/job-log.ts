// The job log's rows for SCIM writes: one per write that changed something (in the write's own transaction)
// and one per write that failed (in a transaction of its own, after the failed one rolled back). Reads are not
// logged: Entra re-reads every user every 40 minutes. Nothing of the body is kept beyond the resource's name.
import { newId } from '../../store/ids.ts';
import { ScimError } from '../../scim/errors.ts';
import { foldString } from '../../scim/fold.ts';
import { appendJobLog, type JobLogEntry } from '../../store/job-log.ts';
import { inTransaction, type Store } from '../../store/open.ts';
import type { JobNote } from '../projection/note.ts';
import { identityProviderOf } from '../scim-request-stats.ts';
import type { ScimContext } from './context.ts';

export interface JobSubject {
  operation: 'create' | 'replace' | 'patch' | 'delete';
  resourceType: 'User' | 'Group';
  resourceId?: string;
  /** userName or displayName, once known. */
  name?: string;
}

function entry(ctx: ScimContext, subject: JobSubject, fields: Pick<JobLogEntry, 'outcome' | 'status' | 'detail' | 'targetUserId' | 'userEmailCi'>): JobLogEntry {
  const at = ctx.now();
  return {
    id: newId(at.getTime()),
    companyId: ctx.setting.companyId,
    settingId: ctx.setting.id,
    at: at.toISOString(),
    idp: identityProviderOf(ctx.userAgent ?? null),
    operation: subject.operation,
    resourceType: subject.resourceType,
    resourceId: subject.resourceId ?? null,
    userName: subject.name ?? null,
    ...fields,
  };
}

const STATUS: Record<JobSubject['operation'], number> = { create: 201, replace: 200, patch: 200, delete: 204 };

export async function logWrite(tx: Store, ctx: ScimContext, subject: JobSubject, note: JobNote): Promise<void> {
  if (note.outcome === 'warning') ctx.warned = true;
  await appendJobLog(
    tx,
    entry(ctx, { ...subject, name: note.userName ?? subject.name }, {
      outcome: note.outcome,
      status: STATUS[subject.operation],
      detail: note.detail,
      targetUserId: note.targetUserId,
      userEmailCi: note.email === null ? null : foldString(note.email),
    }),
  );
}

/**
 * A failed write, logged after its transaction rolled back. Not for a 503 (the database busy, the request out
 * of time): the IdP retries those, and the log would need the database that was just too busy.
 */
export async function logFailure(ctx: ScimContext, subject: JobSubject, error: unknown): Promise<void> {
  const scim = error instanceof ScimError ? error : undefined;
  if (scim?.status === 503) return;
  const detail = scim ? scim.detail : `Internal error${ctx.requestId ? ` (request ${ctx.requestId})` : ''}; the request changed nothing`;
  try {
    await inTransaction(ctx.store, (tx) =>
      appendJobLog(tx, entry(ctx, subject, { outcome: 'failure', status: scim?.status ?? 500, detail, targetUserId: null, userEmailCi: null })),
    );
  } catch {
    // The request's own error is what the IdP must see; a log row that could not be written changes nothing.
  }
}
