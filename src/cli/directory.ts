// `roster custom-field …`, `roster target-user …`, `roster group …`: the target-user directory.
import { createReadStream, statSync } from 'node:fs';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { CLI_ACTOR } from '../directory/audit.ts';
import { createCustomField, listCustomFields } from '../directory/custom-fields.ts';
import { createGroup, deleteGroup, listGroups } from '../directory/groups.ts';
import { getTargetUser, listTargetUsers, showTargetUser, type TargetUserJson } from '../directory/target-users.ts';
import { createManualUser, deleteManualUser, updateManualUser, type ManualUserInput } from '../provisioning/manual-users.ts';
import { exportTargetUsers } from '../directory/target-user-export.ts';
import { requireJob } from '../directory/logs.ts';
import { AdminError } from '../directory/errors.ts';
import { importSummary, previewImport, queueImport, type ImportPreview } from '../provisioning/csv-import.ts';
import { workJob } from '../provisioning/rederive.ts';
import type { Store } from '../store/open.ts';
import { run, wholeNumber } from './run.ts';

function bool(value: string): boolean {
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new InvalidArgumentError('expected true or false');
}

const userLine = (u: TargetUserJson) =>
  `${u.id}  ${u.email}  ${[u.firstName, u.lastName].filter(Boolean).join(' ') || '-'}  ${u.active ? 'active' : 'inactive'}${u.groups.length ? `  [${u.groups.join(', ')}]` : ''}`;

interface UserFlags {
  email?: string;
  firstName?: string;
  lastName?: string;
  department?: string;
  title?: string;
  phone?: string;
  timezone?: string;
  language?: string;
  externalId?: string;
  active?: boolean;
}

/** The fields an admin named; an empty string clears a field. */
function userInput(o: UserFlags): ManualUserInput {
  const blankIsNull = (v: string | undefined) => (v === undefined ? undefined : v.trim() === '' ? null : v);
  const input: ManualUserInput = {};
  if (o.email !== undefined) input.email = o.email;
  for (const key of ['firstName', 'lastName', 'department', 'title', 'phone', 'timezone', 'externalId'] as const) {
    const v = blankIsNull(o[key]);
    if (v !== undefined) input[key] = v;
  }
  const language = blankIsNull(o.language);
  if (language !== undefined) input.preferredLanguage = language;
  if (o.active !== undefined) input.active = o.active;
  return input;
}

function userOptions(command: Command): Command {
  return command
    .option('--first-name <text>', 'first name')
    .option('--last-name <text>', 'last name')
    .option('--department <text>', 'department')
    .option('--title <text>', 'job title')
    .option('--phone <text>', 'phone number')
    .option('--timezone <zone>', 'IANA zone, Windows zone name or country code')
    .option('--language <tag>', 'preferred language (BCP 47)')
    .option('--external-id <id>', 'the id of the user in another system')
    .option('--active <true|false>', 'whether the user is targeted and holds a licence', bool);
}

/** The file's bytes as a stream; a file that cannot be opened is an argument error. */
function fileInput(file: string): AsyncIterable<Uint8Array> {
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
  } catch (e) {
    throw new AdminError('invalid', `Cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return createReadStream(file);
}

const previewText = (p: ImportPreview) =>
  [
    `${p.rows} rows: ${p.create} to create, ${p.update} to update, ${p.unchanged} unchanged, ${p.skipped} skipped, ${p.failed} failed (nothing was written)`,
    ...p.columns.filter((c) => c.field === null).map((c) => `  column "${c.header}" is not a field and is ignored`),
    ...p.problems.map((r) => `  row ${r.row}${r.email ? ` (${r.email})` : ''}: ${r.outcome}: ${r.message ?? ''}`),
    ...(p.truncated ? ['  (more rows have problems: only the first 1000 are listed)'] : []),
  ].join('\n');

/** Works the import's job here to its end, or follows the server's worker when it took the job first. */
async function importToTheEnd(store: Store, jobId: string) {
  const total = (await requireJob(store, jobId)).total;
  const progress = (done: number) => process.stderr.write(`imported ${done} of ${total} rows\n`);
  while (!(await workJob(store, jobId, { onProgress: progress }))) {
    const job = await requireJob(store, jobId);
    if (job.status !== 'queued' && job.status !== 'running') break;
    progress(job.done);
    await sleep(1000);
  }
  return requireJob(store, jobId);
}

interface ListFlags {
  company: string;
  email?: string;
  group?: string;
  active?: boolean;
  source?: string;
  field?: string;
}

function filterOptions(command: Command): Command {
  return command
    .requiredOption('--company <id>', 'company id')
    .option('--email <email>', 'only the user(s) with this address, ignoring case')
    .option('--group <name>', 'only members of this group')
    .option('--active <true|false>', 'only active or only inactive users', bool)
    .option('--source <settingId>', 'only users provisioned by this SCIM setting')
    .option('--field <NAME=VALUE>', 'only users whose custom field NAME holds VALUE (ignoring case)');
}

export function registerDirectoryCommands(program: Command): void {
  const field = program.command('custom-field').description("A company's custom fields of target users");
  field
    .command('create')
    .description('Create a custom field (names unique per company ignoring case, kept as typed)')
    .requiredOption('--company <id>', 'company id')
    .requiredOption('--name <name>', 'field name, e.g. "Country / Region"')
    .option('--type <type>', 'text, number, email, date, datetime or boolean', 'text')
    .action((o: { company: string; name: string; type: string }) =>
      run(async (store) => {
        const f = await createCustomField(store, { companyId: o.company, name: o.name, type: o.type }, CLI_ACTOR);
        return { json: { id: f.id, name: f.name, type: f.type }, text: `Created custom field "${f.name}" (${f.type}): ${f.id}` };
      }),
    );
  field
    .command('list')
    .description("List a company's custom fields")
    .requiredOption('--company <id>', 'company id')
    .action((o: { company: string }) =>
      run(async (store) => {
        const fields = (await listCustomFields(store, o.company)).map((f) => ({ id: f.id, name: f.name, type: f.type }));
        return { json: fields, text: fields.length ? fields.map((f) => `${f.id}  ${f.name}  (${f.type})`).join('\n') : 'No custom fields' };
      }),
    );

  const user = program.command('target-user').description('Target users: who simulations and training reach');
  filterOptions(user.command('list').description("A page of a company's target users, oldest first; --after the last id of a page gives the next"))
    .option('--limit <n>', 'users per page, 1–1000 (default 100)', wholeNumber)
    .option('--after <id>', 'the id of the last user of the previous page')
    .action((o: ListFlags & { limit?: number; after?: string }) =>
      run(async (store) => {
        const users = await listTargetUsers(store, { companyId: o.company, ...o });
        return { json: users, text: users.length ? users.map(userLine).join('\n') : 'No target users' };
      }),
    );
  user
    .command('show <id>')
    .description('One target user with its job-log history')
    .action((id: string) =>
      run(async (store) => {
        const u = await showTargetUser(store, id);
        const history = u.jobLog.map((e) => `  ${e.at}  ${e.outcome}  ${e.operation}  ${e.detail ?? ''}`);
        return { json: u, text: [userLine(u), ...history].join('\n') };
      }),
    );
  userOptions(
    user
      .command('create')
      .description('Create a target user by hand')
      .requiredOption('--company <id>', 'company id')
      .requiredOption('--email <email>', 'email address'),
  ).action((o: UserFlags & { company: string }) =>
    run(async (store) => {
      const u = await createManualUser(store, o.company, userInput(o), CLI_ACTOR);
      return { json: await getTargetUser(store, u.id), text: `Created target user ${u.email}: ${u.id}` };
    }),
  );
  userOptions(user.command('update <id>').description('Change a target user created by hand (SCIM-managed users are changed in their IdP)').option('--email <email>', 'email address')).action(
    (id: string, o: UserFlags) =>
      run(async (store) => {
        await updateManualUser(store, id, userInput(o), CLI_ACTOR);
        const u = await getTargetUser(store, id);
        return { json: u, text: userLine(u) };
      }),
  );
  user
    .command('import <file>')
    .description('Create and update target users from a CSV file (upsert by email); --dry-run previews it and writes nothing')
    .requiredOption('--company <id>', 'company id')
    .option('--dry-run', 'check every row and print what the import would do')
    .action((file: string, o: { company: string; dryRun?: boolean }) =>
      run(async (store) => {
        if (o.dryRun) {
          const preview = await previewImport(store, o.company, fileInput(file));
          return { json: preview, text: previewText(preview) };
        }
        const { jobId } = await queueImport(store, o.company, fileInput(file), CLI_ACTOR);
        const job = await importToTheEnd(store, jobId);
        return { json: job, text: `Job ${job.id} (csv-import): ${job.status}. ${(await importSummary(store, job)) ?? ''}`.trim() };
      }),
    );
  filterOptions(user.command('export').description('Write the target users the filters select as CSV to stdout (it imports back unchanged)')).action((o: ListFlags) =>
    run(async (store) => {
      for await (const piece of exportTargetUsers(store, { ...o, companyId: o.company })) {
        if (!process.stdout.write(piece)) await once(process.stdout, 'drain');
      }
      return null;
    }),
  );
  user
    .command('delete <id>')
    .description('Delete a target user created by hand (kept for history, removed from every group)')
    .action((id: string) =>
      run(async (store) => {
        const u = await deleteManualUser(store, id, CLI_ACTOR);
        return { json: { id: u.id, email: u.email, deletedAt: u.deletedAt }, text: `Deleted target user ${u.email}` };
      }),
    );

  const group = program.command('group').description('Target groups');
  group
    .command('list')
    .description("A company's groups by name, with their member counts")
    .requiredOption('--company <id>', 'company id')
    .option('--limit <n>', 'groups per page (default 1000)', wholeNumber)
    .option('--after <name>', 'the name of the last group of the previous page')
    .action((o: { company: string; limit?: number; after?: string }) =>
      run(async (store) => {
        const groups = await listGroups(store, o.company, { ...(o.limit !== undefined ? { limit: o.limit } : {}), ...(o.after !== undefined ? { after: o.after } : {}) });
        return { json: groups, text: groups.length ? groups.map((g) => `${g.id}  ${g.name}  (${g.source}, ${g.memberCount} members)`).join('\n') : 'No groups' };
      }),
    );
  group
    .command('create')
    .description('Create a group by hand')
    .requiredOption('--company <id>', 'company id')
    .requiredOption('--name <name>', 'group name')
    .action((o: { company: string; name: string }) =>
      run(async (store) => {
        const g = await createGroup(store, o.company, o.name, CLI_ACTOR);
        return { json: g, text: `Created group "${g.name}": ${g.id}` };
      }),
    );
  group
    .command('delete <id>')
    .description('Delete a group (its users stay); groups synchronised from an IdP are removed there')
    .requiredOption('--company <id>', 'company id')
    .action((id: string, o: { company: string }) =>
      run(async (store) => {
        await deleteGroup(store, o.company, id, CLI_ACTOR);
        return { json: { id, deleted: true }, text: `Deleted group ${id}` };
      }),
    );
}
