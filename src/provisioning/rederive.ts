// Long-running jobs by kind (WORKERS below: re-derivation here, CSV imports in csv-import.ts), and
// re-deriving a setting's target users from their stored SCIM resources, after its rules changed or test mode
// was switched off: a job worked in short batches (each its own transaction, the event loop free between
// them) so SCIM traffic keeps flowing, with progress and a cursor saved per batch so that another process
// resumes it if this one dies. The result, and each user that could not be projected, go to the job log.
import { CSV_IMPORT, workCsvImport } from './csv-import.ts';
import { yieldToIo } from './event-loop.ts';
import { newId } from '../store/ids.ts';
import { ScimError } from '../scim/errors.ts';
import { deleteJobInput } from '../store/job-inputs.ts';
import { appendJobLog } from '../store/job-log.ts';
import { claimableJobIds, claimJob, finishJob, insertJob, saveProgress, supersedeJobs, type ClaimedJob } from '../store/job-queue.ts';
import { inTransaction, type Store } from '../store/open.ts';
import { countSettingUsers, settingGroupsAfter, settingUsersAfter } from '../store/setting-resources.ts';
import { findScimSetting, type ScimSettingRow } from '../store/scim-settings.ts';
import { copyIdpMembers, hasScimMembers, linkIdpGroup } from '../store/target-group-sync.ts';
import { runPeriodically, type Periodic } from './periodic.ts';
import { rulesOf } from './projection/rules.ts';
import { projectUserWrite } from './projection/users.ts';
import type { ScimContext } from './scim/context.ts';

export const REDERIVE = 'rederive';
/** Users per transaction: short enough that a SCIM write waits at most a few milliseconds behind one. */
const BATCH = 200;
const LEASE_MS = 30_000;

/** Queues a re-derivation of the setting's users (cancelling one still running for older rules); its id. */
export async function queueRederive(tx: Store, setting: ScimSettingRow, at: string): Promise<string> {
  await supersedeJobs(tx, REDERIVE, setting.id, at);
  const id = newId();
  await insertJob(tx, { id, companyId: setting.companyId, kind: REDERIVE, settingId: setting.id, total: await countSettingUsers(tx, setting.id), at });
  return id;
}

const NO_DEADLINE = { expired: () => false, beforeCommit: () => {} };

/** A cursor is `u:<id>` while users are walked, then `g:<id>` for the groups of a setting that synchronises them. */
function parseCursor(cursor: string | null): { phase: 'users' | 'groups'; after: string | null } {
  if (cursor === null) return { phase: 'users', after: null };
  const [phase, after] = [cursor.slice(0, 2), cursor.slice(2)];
  return { phase: phase === 'g:' ? 'groups' : 'users', after: after || null };
}

interface Tally {
  projected: number;
  failed: number;
}

async function userBatch(tx: Store, setting: ScimSettingRow, after: string | null, now: () => Date, tally: Tally): Promise<string | undefined> {
  const users = await settingUsersAfter(tx, setting.id, after, BATCH);
  const at = now().toISOString();
  const ctx: ScimContext = { store: tx, setting, baseUrl: '', now, deadline: NO_DEADLINE };
  // One read of the rules per batch, and one compilation of them (rules/project.ts keeps it per rules object).
  const rules = await rulesOf(tx, setting);
  for (const user of users) {
    try {
      await projectUserWrite(tx, ctx, user, at, rules);
      tally.projected++;
    } catch (e) {
      if (!(e instanceof ScimError)) throw e;
      tally.failed++;
      await appendJobLog(tx, {
        id: newId(),
        companyId: setting.companyId,
        settingId: setting.id,
        at,
        idp: null,
        operation: REDERIVE,
        resourceType: 'User',
        resourceId: user.id,
        userName: user.userName,
        userEmailCi: null,
        targetUserId: null,
        outcome: 'failure',
        status: e.status,
        detail: `Re-deriving after a rules change: ${e.detail}`,
      });
    }
  }
  return users.at(-1)?.id;
}

async function groupBatch(tx: Store, setting: ScimSettingRow, after: string | null, at: string): Promise<string | undefined> {
  const groups = await settingGroupsAfter(tx, setting.id, after, BATCH);
  for (const g of groups) {
    if (!(await hasScimMembers(tx, g.id))) continue;
    const groupId = await linkIdpGroup(tx, { companyId: setting.companyId, scimGroupId: g.id, name: g.displayName, settingId: setting.id, now: at });
    await copyIdpMembers(tx, setting.companyId, g.id, groupId, setting.id);
  }
  return groups.at(-1)?.id;
}

/** Works one batch and returns the job's state after it (`more` false once it is finished or no longer ours).
 *  Nothing outside the transaction changes inside it: on SQLite it may run again. */
async function step(store: Store, job: ClaimedJob, failedSoFar: number, now: () => Date): Promise<{ more: boolean; done: number; cursor: string | null; failed: number }> {
  return inTransaction(store, async (tx) => {
    const at = now();
    const tally: Tally = { projected: 0, failed: 0 };
    const setting = job.settingId ? await findScimSetting(tx, job.settingId) : undefined;
    if (!setting) {
      await finishJob(tx, job.id, { status: 'failed', error: 'The SCIM setting was deleted', now: at.toISOString() });
      return { more: false, done: job.done, cursor: job.cursor, failed: failedSoFar };
    }
    const { phase, after } = parseCursor(job.cursor);
    const last = phase === 'users' ? await userBatch(tx, setting, after, now, tally) : await groupBatch(tx, setting, after, at.toISOString());
    const done = job.done + tally.projected + tally.failed;
    const failed = failedSoFar + tally.failed;
    let cursor: string | null = last === undefined ? null : `${phase === 'users' ? 'u:' : 'g:'}${last}`;
    if (last === undefined && phase === 'users' && setting.syncGroups) cursor = 'g:';
    if (cursor === null) {
      await appendJobLog(tx, {
        id: newId(),
        companyId: setting.companyId,
        settingId: setting.id,
        at: at.toISOString(),
        idp: null,
        operation: REDERIVE,
        resourceType: null,
        resourceId: null,
        userName: null,
        userEmailCi: null,
        targetUserId: null,
        outcome: failed ? 'warning' : 'success',
        status: null,
        detail: `Re-derived the ${done} target users of SCIM setting "${setting.name}" from its current rules${failed ? `; ${failed} could not be projected (see their failure rows)` : ''}.`,
      });
      await finishJob(tx, job.id, { status: 'done', error: null, now: at.toISOString() });
      return { more: false, done, cursor, failed };
    }
    const ours = await saveProgress(tx, job.id, { done, cursor, now: at.toISOString(), until: new Date(at.getTime() + LEASE_MS).toISOString() });
    return { more: ours, done, cursor, failed };
  });
}

export interface WorkOptions {
  now?: () => Date;
  /** Asked between batches: a process shutting down stops there, and the job resumes elsewhere once its lease runs out. */
  shouldStop?: () => boolean;
  /** Told the rows or users done after each batch (the CLI prints it). */
  onProgress?: (done: number) => void;
}

/** Works a re-derivation from its cursor, batch by batch. */
async function workRederive(store: Store, job: ClaimedJob, options: WorkOptions): Promise<void> {
  const now = options.now ?? (() => new Date());
  let state = { ...job, failed: 0 };
  for (;;) {
    const next = await step(store, state, state.failed, now);
    state = { ...state, done: next.done, cursor: next.cursor, failed: next.failed };
    options.onProgress?.(state.done);
    if (!next.more || options.shouldStop?.()) return;
    await yieldToIo();
  }
}

/** Who works a job of each kind: from the job's cursor to its end, or until `shouldStop` between batches. */
const WORKERS: Record<string, (store: Store, job: ClaimedJob, options: WorkOptions) => Promise<void>> = {
  [REDERIVE]: workRederive,
  [CSV_IMPORT]: workCsvImport,
};

/** Works the job to its end (or until told to stop) if its lease is free; whether this call worked it. */
export async function workJob(store: Store, id: string, options: WorkOptions = {}): Promise<boolean> {
  const now = options.now ?? (() => new Date());
  const at = now();
  const job = await inTransaction(store, (tx) => claimJob(tx, id, at.toISOString(), new Date(at.getTime() + LEASE_MS).toISOString()));
  if (!job) return false;
  try {
    const worker = WORKERS[job.kind];
    if (!worker) throw new Error(`No worker for jobs of kind "${job.kind}"`);
    await worker(store, job, options);
  } catch (e) {
    await inTransaction(store, async (tx) => {
      await finishJob(tx, job.id, { status: 'failed', error: e instanceof Error ? e.message : String(e), now: now().toISOString() });
      await deleteJobInput(tx, job.id);
    });
    throw e;
  }
  return true;
}

/** Works every job whose lease is free: new ones, and those a dead worker left. */
export async function workPendingJobs(store: Store, options: WorkOptions = {}): Promise<void> {
  const now = options.now ?? (() => new Date());
  for (const id of await claimableJobIds(store, now().toISOString())) {
    if (options.shouldStop?.()) return;
    await workJob(store, id, options);
  }
}

/**
 * The server's job worker: looks for jobs every `intervalMs` (a job queued by the CLI, or left by a process
 * that died). `stop()` resolves once the batch in progress has committed.
 */
export function startJobWorker(store: Store, onError: (e: unknown) => void, intervalMs = 5_000): Periodic {
  return runPeriodically((shouldStop) => workPendingJobs(store, { shouldStop }), onError, intervalMs);
}
