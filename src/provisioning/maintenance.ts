// Retention: job-log rows older than JOB_LOG_RETENTION_DAYS and target users soft-deleted longer ago than
// DELETED_USER_RETENTION_DAYS are removed, and so are uploaded files no job will read (after a day), expired or
// ended sessions, used or expired invitations and failed sign-ins that no longer count, in bounded batches of one transaction each so that SCIM writes wait at
// most one batch behind the pruning. The audit log is never pruned (it is append-only).
import { yieldToIo } from './event-loop.ts';
import { idAtTime } from '../store/ids.ts';
import { pruneJobInputs } from '../store/job-inputs.ts';
import { pruneJobLog } from '../store/job-log.ts';
import { inTransaction, type Store } from '../store/open.ts';
import { purgeDeletedTargetUsers } from '../store/target-users.ts';
import { pruneSessions, pruneSignInFailures } from '../store/sessions.ts';
import { pruneInvitations } from '../store/system-users.ts';
import { runPeriodically, type Periodic } from './periodic.ts';

export interface PruneOptions {
  now: Date;
  jobLogRetentionDays: number;
  deletedUserRetentionDays: number;
  /** Rows per transaction. */
  batch: number;
  /** Asked between batches: a server shutting down stops there; the next run carries on. */
  shouldStop?: () => boolean;
}

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const BATCH = 500;

/** Repeats `removeBatch` (each in its own transaction) until a batch removes fewer than `batch` rows. */
async function inBatches(store: Store, o: Pick<PruneOptions, 'batch' | 'shouldStop'>, removeBatch: (tx: Store) => Promise<number>): Promise<number> {
  let removed = 0;
  for (;;) {
    const n = await inTransaction(store, removeBatch);
    removed += n;
    if (n < o.batch || o.shouldStop?.()) return removed;
    await yieldToIo();
  }
}

const cutoff = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/** An upload is spooled in seconds; a day later, chunks without a queued or running job are abandoned. */
const ABANDONED_INPUT_MS = DAY_MS;

/** One pass of both retentions and of abandoned uploads; how many job-log rows, target users and chunks went. */
export async function pruneOnce(store: Store, o: PruneOptions): Promise<{ jobLogRows: number; targetUsers: number; jobInputChunks: number }> {
  // Job-log ids are time-ordered: "older than the cutoff" is the id range below the cutoff's smallest id.
  const beforeId = idAtTime(cutoff(o.now, o.jobLogRetentionDays));
  const jobLogRows = await inBatches(store, o, (tx) => pruneJobLog(tx, beforeId, o.batch));
  const deletedBefore = cutoff(o.now, o.deletedUserRetentionDays).toISOString();
  const targetUsers = o.shouldStop?.() ? 0 : await inBatches(store, o, (tx) => purgeDeletedTargetUsers(tx, deletedBefore, o.batch));
  const inputsBefore = idAtTime(new Date(o.now.getTime() - ABANDONED_INPUT_MS));
  const jobInputChunks = o.shouldStop?.() ? 0 : await inBatches(store, o, (tx) => pruneJobInputs(tx, inputsBefore, o.batch));
  return { jobLogRows, targetUsers, jobInputChunks };
}

/** Sign-in failures older than this no longer count towards a lockout (auth/sessions.ts LOCKOUT_MS). */
const SIGN_IN_FAILURE_MS = 15 * 60_000;

/** What admin access leaves behind: sessions past their end, invitations used or expired, stale failure counts. */
export async function pruneAdminAccess(store: Store, o: Pick<PruneOptions, 'now' | 'batch' | 'shouldStop'>): Promise<{ sessions: number; invitations: number; signInFailures: number }> {
  const now = o.now.toISOString();
  const sessions = await inBatches(store, o, (tx) => pruneSessions(tx, now, o.batch));
  const invitations = o.shouldStop?.() ? 0 : await inBatches(store, o, (tx) => pruneInvitations(tx, now, o.batch));
  const failedBefore = new Date(o.now.getTime() - SIGN_IN_FAILURE_MS).toISOString();
  const signInFailures = o.shouldStop?.() ? 0 : await inBatches(store, o, (tx) => pruneSignInFailures(tx, failedBefore, o.batch));
  return { sessions, invitations, signInFailures };
}

/** The server's pruning: once at start, then hourly. */
export function startMaintenance(
  store: Store,
  retention: { jobLogRetentionDays: number; deletedUserRetentionDays: number },
  onError: (e: unknown) => void,
): Periodic {
  const prune = async (shouldStop: () => boolean) => {
    const o = { ...retention, now: new Date(), batch: BATCH, shouldStop };
    await pruneOnce(store, o);
    if (!shouldStop()) await pruneAdminAccess(store, o);
  };
  return runPeriodically(prune, onError, HOUR_MS, true);
}
