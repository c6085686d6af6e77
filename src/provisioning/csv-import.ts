// "Add Users via CSV" (product-spec.md d.1): a file of target users, previewed without writing, or spooled
// into the database and worked as a job of kind `csv-import` in batches — progress and counts saved after
// each, so any instance resumes it after a crash — with per-row results in the job log and one audit row.
// docs/provisioning.md, "CSV import and export".
import type { Actor } from '../directory/audit.ts';
import { requireCompany } from '../directory/companies.ts';
import { appendAudit } from '../store/audit-log.ts';
import { customFieldsOf } from '../store/custom-fields.ts';
import { newId } from '../store/ids.ts';
import { deleteJobInput, insertJobInput, readJobInput } from '../store/job-inputs.ts';
import { appendJobLog } from '../store/job-log.ts';
import { finishJob, insertJob, saveProgress, type ClaimedJob } from '../store/job-queue.ts';
import { inTransaction, type Store } from '../store/open.ts';
import { listScimSettings } from '../store/scim-settings.ts';
import { columnName, columnsOf } from './csv/columns.ts';
import { decodeUtf8, openCsv, type CsvFile, type CsvRecord } from './csv/read.ts';
import { emailKey, importBatch, prepareRow, type ImportContext, type ImportRowResult, type PreparedRow, type RowDone, type RowWriter } from './csv/rows.ts';
import { SeenEmails } from './csv/seen-emails.ts';
import { yieldToIo } from './event-loop.ts';
import type { WorkOptions } from './rederive.ts';
import { applyManualUpdate, insertManualUser, licenceConflict } from './manual-users.ts';

export type { ImportRowResult } from './csv/rows.ts';

export const CSV_IMPORT = 'csv-import';
/** Rows per transaction: a SCIM write waits at most a few milliseconds behind one. */
const BATCH = 200;
/** Failed and skipped rows a preview lists; the counts cover them all. */
const MAX_PROBLEMS = 1000;
/** Characters per spooled chunk: at most 1 MiB of UTF-8. */
const CHUNK_CHARS = 256 * 1024;
const LEASE_MS = 30_000;

export interface ImportPreview {
  rows: number;
  create: number;
  update: number;
  unchanged: number;
  skipped: number;
  failed: number;
  /** Every column of the header and the field it fills; null = a column the import does not know (ignored). */
  columns: { header: string; field: string | null }[];
  /** Failed and skipped rows, at most 1000. */
  problems: ImportRowResult[];
  truncated: boolean;
}

interface Counts {
  created: number;
  updated: number;
  unchanged: number;
  skipped: number;
  failed: number;
}

const NO_COUNTS: Counts = { created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 };
const COUNTED: Record<ImportRowResult['outcome'], keyof Counts> = { created: 'created', updated: 'updated', unchanged: 'unchanged', skipped: 'skipped', failed: 'failed' };

function add(counts: Counts, rows: readonly ImportRowResult[]): Counts {
  const next = { ...counts };
  for (const r of rows) next[COUNTED[r.outcome]]++;
  return next;
}

async function contextOf(store: Store, companyId: string, header: readonly string[]): Promise<ImportContext> {
  const company = await requireCompany(store, companyId);
  const customFields = await customFieldsOf(store, companyId);
  const columns = columnsOf(header, customFields);
  const settingNames = new Map((await listScimSettings(store, companyId)).map((s) => [s.id, s.name]));
  return { company, customFields, columns, settingNames };
}

const columnsJson = (file: CsvFile, ctx: ImportContext) => file.header.map((header, i) => ({ header, field: ctx.columns[i] ? columnName(ctx.columns[i]!) : null }));

/** The file's records in batches of `size`, each read and checked (addresses remembered in `seen`). */
async function* batches(file: CsvFile, ctx: ImportContext, seen: SeenEmails, skip = 0): AsyncGenerator<PreparedRow[]> {
  const emailIndex = ctx.columns.findIndex((c) => c?.kind === 'platform' && c.field === 'email');
  let batch: PreparedRow[] = [];
  for await (const record of file.records as AsyncIterable<CsvRecord>) {
    if (record.row <= skip) {
      // Done before a restart: only its address matters, for the duplicates of later rows.
      const key = emailKey(record.values[emailIndex]);
      if (key !== undefined) seen.firstRow(key, record.row);
      continue;
    }
    batch.push(prepareRow(ctx, emailIndex, record, seen));
    if (batch.length === BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}

/** Counts what a create or update would do to the licence, as the writes would, and writes nothing. */
function countingWriter(ctx: ImportContext): RowWriter {
  const { licenseLimit: limit, licenseEnforce: enforce } = ctx.company;
  let active = ctx.company.activeUsers;
  const count = (delta: number) => {
    if (delta > 0 && enforce && limit !== null && active + delta > limit) throw licenceConflict(limit, active);
    active += delta;
  };
  return {
    writes: false,
    create: async (change) => (count(Number(change.fields.active)), undefined),
    update: async (before, change) => (count(Number(change.fields.active) - Number(before.active)), undefined),
  };
}

/** Reads the whole input as a stream and writes nothing. AdminError('invalid') for a file that cannot be
 *  read at all (no email column, not UTF-8, an unterminated quote — with the line number). */
export async function previewImport(store: Store, companyId: string, input: AsyncIterable<Uint8Array | string>): Promise<ImportPreview> {
  const file = await openCsv(input);
  const ctx = await contextOf(store, companyId, file.header);
  const writer = countingWriter(ctx);
  let counts = NO_COUNTS;
  const problems: ImportRowResult[] = [];
  let truncated = false;
  for await (const batch of batches(file, ctx, new SeenEmails())) {
    const done = await importBatch(store, ctx, batch, writer);
    counts = add(counts, done);
    for (const { targetUserId: _, warning: __, ...r } of done) {
      if (r.outcome !== 'failed' && r.outcome !== 'skipped') continue;
      if (problems.length < MAX_PROBLEMS) problems.push(r);
      else truncated = true;
    }
    await yieldToIo();
  }
  const rows = Object.values(counts).reduce((a, b) => a + b, 0);
  return { rows, create: counts.created, update: counts.updated, unchanged: counts.unchanged, skipped: counts.skipped, failed: counts.failed, columns: columnsJson(file, ctx), problems, truncated };
}

/** The input's text into the job's chunks as it passes through (each chunk written before more is read). */
async function* spooling(store: Store, jobId: string, text: AsyncIterable<Uint8Array | string>): AsyncGenerator<Uint8Array | string> {
  let pending = '';
  let seq = 0;
  const flush = async (chunk: string) => inTransaction(store, (tx) => insertJobInput(tx, jobId, seq++, chunk));
  for await (const piece of decodeUtf8(text)) {
    yield piece;
    pending += piece;
    while (pending.length >= CHUNK_CHARS) {
      await flush(pending.slice(0, CHUNK_CHARS));
      pending = pending.slice(CHUNK_CHARS);
    }
  }
  if (pending) await flush(pending);
}

/** Spools the input into the database (so any instance can work it and it survives restarts and page
 *  reloads) and queues a job of kind `csv-import`; returns once the file is stored, before any row is
 *  imported. The header is checked first, and the whole file read (AdminError('invalid') as for a preview). */
export async function queueImport(store: Store, companyId: string, input: AsyncIterable<Uint8Array | string>, actor: Actor, now = () => new Date()): Promise<{ jobId: string }> {
  const jobId = newId();
  try {
    const file = await openCsv(spooling(store, jobId, input));
    const ctx = await contextOf(store, companyId, file.header);
    let total = 0;
    for await (const _ of file.records) total++;
    await inTransaction(store, async (tx) => {
      const at = now().toISOString();
      await insertJob(tx, { id: jobId, companyId, kind: CSV_IMPORT, settingId: null, total, at });
      await appendAudit(tx, { id: newId(), companyId, at, ...actor, entity: 'target-user', entityId: null, operation: 'import', oldValue: null, newValue: { jobId, rows: total, columns: columnsJson(file, ctx) } });
    });
    return { jobId };
  } catch (e) {
    await inTransaction(store, (tx) => deleteJobInput(tx, jobId));
    throw e;
  }
}

/** The job's cursor: the last row done and the counts so far, so a resumed job reports the whole file. */
interface Progress extends Counts {
  row: number;
}

const parseProgress = (cursor: string | null): Progress => (cursor ? (JSON.parse(cursor) as Progress) : { row: 0, ...NO_COUNTS });

function writingWriter(tx: Store, ctx: ImportContext, at: string): RowWriter {
  return {
    writes: true,
    create: (change) => insertManualUser(tx, ctx.company.id, change, at, 'csv'),
    update: (before, change) => applyManualUpdate(tx, before, change, at),
  };
}

/** What every job-log row of an import holds: no setting or IdP, the job as its resource. */
const importEntry = (job: ClaimedJob, at: string) =>
  ({ id: newId(), companyId: job.companyId, settingId: null, at, idp: null, operation: CSV_IMPORT, resourceType: null, resourceId: job.id, status: null }) as const;

/** Job-log rows: one per failed or skipped row, one per created or updated user linked to it. */
async function logRows(tx: Store, job: ClaimedJob, done: readonly RowDone[], at: string): Promise<void> {
  for (const r of done) {
    if (r.outcome === 'unchanged') continue;
    const ok = r.outcome === 'created' || r.outcome === 'updated';
    const what = r.outcome === 'created' ? `Row ${r.row}: created target user ${r.email}.` : r.outcome === 'updated' ? `Row ${r.row}: updated target user ${r.email}.` : `Row ${r.row}: ${r.outcome}.`;
    await appendJobLog(tx, {
      ...importEntry(job, at),
      userName: r.email,
      userEmailCi: r.email ? (emailKey(r.email) ?? null) : null,
      targetUserId: r.targetUserId ?? null,
      outcome: r.outcome === 'failed' ? 'failure' : ok && !r.warning ? 'success' : 'warning',
      detail: [what, r.field && !ok ? `${r.field}:` : null, r.message].filter(Boolean).join(' '),
    });
  }
}

async function finish(tx: Store, job: ClaimedJob, p: Progress, at: string): Promise<void> {
  const rows = p.created + p.updated + p.unchanged + p.skipped + p.failed;
  await appendJobLog(tx, {
    ...importEntry(job, at),
    userName: null,
    userEmailCi: null,
    targetUserId: null,
    outcome: p.failed || p.skipped ? 'warning' : 'success',
    detail: `Imported ${rows} rows from a CSV file: ${p.created} created, ${p.updated} updated, ${p.unchanged} unchanged, ${p.skipped} skipped, ${p.failed} failed${p.failed || p.skipped ? ' (see their rows)' : ''}.`,
  });
  await finishJob(tx, job.id, { status: 'done', error: null, now: at });
  await deleteJobInput(tx, job.id);
}

/** Works a claimed `csv-import` job from its cursor to the end, or until told to stop between batches. */
export async function workCsvImport(store: Store, job: ClaimedJob, options: WorkOptions = {}): Promise<void> {
  const now = options.now ?? (() => new Date());
  let progress = parseProgress(job.cursor);
  const file = await openCsv(readJobInput(store, job.id));
  const ctx = await contextOf(store, job.companyId, file.header);
  for await (const batch of batches(file, ctx, new SeenEmails(), progress.row)) {
    const at = now();
    const { ours, next } = await inTransaction(store, async (tx) => {
      const done = await importBatch(tx, ctx, batch, writingWriter(tx, ctx, at.toISOString()));
      await logRows(tx, job, done, at.toISOString());
      const next: Progress = { ...add(progress, done), row: batch.at(-1)!.row };
      const ours = await saveProgress(tx, job.id, { done: next.row, cursor: JSON.stringify(next), now: at.toISOString(), until: new Date(at.getTime() + LEASE_MS).toISOString() });
      return { ours, next };
    });
    progress = next;
    options.onProgress?.(progress.row);
    if (!ours || options.shouldStop?.()) return;
    await yieldToIo();
  }
  await inTransaction(store, (tx) => finish(tx, job, progress, now().toISOString()));
}

/** The summary an import's job wrote when it finished (the newest job-log row of its company about it). */
export async function importSummary(store: Store, job: { id: string; companyId: string }): Promise<string | null> {
  const row = await store.db.selectFrom('job_log').select('detail').where('company_id', '=', job.companyId).where('resource_id', '=', job.id).where('target_user_id', 'is', null).where('user_name', 'is', null).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.detail ?? null;
}
