// Retention: job-log rows older than JOB_LOG_RETENTION_DAYS and target users soft-deleted longer ago than
// DELETED_USER_RETENTION_DAYS are removed, in bounded batches of one transaction each so that SCIM writes
// wait at most one batch behind the pruning. The audit log is never pruned (it is append-only).
import { yieldToIo } from './event-loop.ts';
import { idAtTime } from '../store/ids.ts';
import { pruneJobLog } from '../store/job-log.ts';
import { inTransaction, type Store } from '../store/open.ts';
import { purgeDeletedTargetUsers } from '../store/target-users.ts';
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
async function inBatches(store: Store, o: PruneOptions, removeBatch: (tx: Store) => Promise<number>): Promise<number> {
  let removed = 0;
  for (;;) {
    const n = await inTransaction(store, removeBatch);
    removed += n;
    if (n < o.batch || o.shouldStop?.()) return removed;
    await yieldToIo();
  }
}

const cutoff = (now: Date, days: number) => new Date(now.getTime() - days * DAY_MS);

/** One pass of both retentions; how many job-log rows and target users went. */
export async function pruneOnce(store: Store, o: PruneOptions): Promise<{ jobLogRows: number; targetUsers: number }> {
  // Job-log ids are time-ordered: "older than the cutoff" is the id range below the cutoff's smallest id.
  const beforeId = idAtTime(cutoff(o.now, o.jobLogRetentionDays));
  const jobLogRows = await inBatches(store, o, (tx) => pruneJobLog(tx, beforeId, o.batch));
  const deletedBefore = cutoff(o.now, o.deletedUserRetentionDays).toISOString();
  const targetUsers = o.shouldStop?.() ? 0 : await inBatches(store, o, (tx) => purgeDeletedTargetUsers(tx, deletedBefore, o.batch));
  return { jobLogRows, targetUsers };
}

/** The server's pruning: once at start, then hourly. */
export function startMaintenance(
  store: Store,
  retention: { jobLogRetentionDays: number; deletedUserRetentionDays: number },
  onError: (e: unknown) => void,
): Periodic {
  const prune = (shouldStop: () => boolean) => pruneOnce(store, { ...retention, now: new Date(), batch: BATCH, shouldStop });
  return runPeriodically(prune, onError, HOUR_MS, true);
}
