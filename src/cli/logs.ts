// `roster job-log`, `roster audit-log` and `roster job show`: what the SCIM traffic did, what admins changed,
// and how a long-running job is getting on. The checks live in directory/logs.ts; this file parses and prints.
import type { Command } from 'commander';
import { AdminError } from '../directory/errors.ts';
import { listAuditLog, listJobLog, requireJob, type AuditJson } from '../directory/logs.ts';
import { pageSize, type JobLogJson } from '../directory/target-users.ts';
import type { JobRow } from '../store/job-queue.ts';
import { run, wholeNumber } from './run.ts';

const PAGE_HELP = 'rows per page, 1 to 1000 (default 100)';
const AFTER_HELP = 'the id of the last row of the previous page: older rows follow';

/** Rows one per line, newest first, and how to ask for the next page when this one is full. */
function pageText<T extends { id: string }>(rows: T[], limit: number | undefined, line: (row: T) => string, empty: string): string {
  if (!rows.length) return empty;
  const more = rows.length === pageSize(limit) ? `\n(more: --after ${rows.at(-1)!.id})` : '';
  return rows.map(line).join('\n') + more;
}

const jobLogLine = (r: JobLogJson) =>
  [r.at, r.outcome.padEnd(7), r.operation, r.resourceType, r.userName ?? r.resourceId, r.status, r.detail && `— ${r.detail}`].filter((p) => p !== null && p !== '').join('  ');

const auditLine = (r: AuditJson) => `${r.at}  ${r.actor}  ${r.operation} ${r.entity}${r.entityId ? ` ${r.entityId}` : ''}`;

const jobText = (j: JobRow) =>
  `Job ${j.id} (${j.kind}): ${j.status}, ${j.done} of ${j.total} done${j.error ? ` — ${j.error}` : ''}${j.finishedAt ? `; finished ${j.finishedAt}` : ''}`;

export function registerLogCommands(program: Command): void {
  program
    .command('job-log')
    .description('What SCIM requests changed, warned about or failed, newest first')
    .requiredOption('--company <id>', 'company id')
    .option('--setting <id>', 'only requests made with this SCIM setting')
    .option('--outcome <outcome>', 'success, warning or failure')
    .option('--user <email>', "only rows about the target user with this email (ignoring case)")
    .option('--since <iso>', 'only rows at or after this ISO 8601 date or time')
    .option('--until <iso>', 'only rows before this ISO 8601 date or time')
    .option('--limit <n>', PAGE_HELP, wholeNumber)
    .option('--after <cursor>', AFTER_HELP)
    .action((o: { company: string; setting?: string; outcome?: string; user?: string; since?: string; until?: string; limit?: number; after?: string }) =>
      run(async (store) => {
        const rows = await listJobLog(store, { ...o, companyId: o.company, settingId: o.setting });
        return { json: rows, text: pageText(rows, o.limit, jobLogLine, 'No job-log rows') };
      }),
    );
  program
    .command('audit-log')
    .description("What admins changed in the company's configuration, newest first")
    .option('--company <id>', 'company id')
    .option('--system', "instead of a company's: the changes that belong to no company (operators, their API keys, sign-ins of unknown emails)")
    .option('--limit <n>', PAGE_HELP, wholeNumber)
    .option('--after <cursor>', AFTER_HELP)
    .action((o: { company?: string; system?: boolean; limit?: number; after?: string }) =>
      run(async (store) => {
        if ((o.company === undefined) === !o.system) throw new AdminError('invalid', 'audit-log needs either --company <id> or --system');
        const rows = await listAuditLog(store, { ...o, companyId: o.company ?? null });
        return { json: rows, text: pageText(rows, o.limit, auditLine, 'No audit-log rows') };
      }),
    );
  program
    .command('job')
    .description('Long-running jobs (re-deriving target users after a rules change)')
    .command('show <id>')
    .description("A job's status and progress (done of total)")
    .action((id: string) =>
      run(async (store) => {
        const job = await requireJob(store, id);
        return { json: job, text: jobText(job) };
      }),
    );
}
