// What one batch of an import's rows does to the directory: each row checked by the manual-user rules
// (provisioning/manual-users.ts), matched to a live user by email ignoring case, and created, updated, left
// unchanged, skipped (a SCIM setting owns the user) or failed. The preview and the job share this; only
// what a create or update does differs (count it, or write it).
import { isDeliverable } from '../../directory/target-users.ts';
import { unescapeCell } from '../../directory/csv-cells.ts';
import { AdminError } from '../../directory/errors.ts';
import { foldString } from '../../scim/fold.ts';
import type { CompanyWithUsage } from '../../store/companies.ts';
import type { CustomFieldRow } from '../../store/custom-fields.ts';
import type { Store } from '../../store/open.ts';
import { customValuesOfUsers } from '../../store/target-user-reads.ts';
import { emailDomain, liveUsersByEmail, type TargetUserRow } from '../../store/target-users.ts';
import { changesOf, checkManualUser, checkNewManualUser, type ManualUserChange, type ManualUserInput } from '../manual-users.ts';
import { normaliseEmail } from '../rules/email-address.ts';
import type { Column } from './columns.ts';
import type { CsvRecord } from './read.ts';
import type { SeenEmails } from './seen-emails.ts';

export type RowOutcome = 'created' | 'updated' | 'unchanged' | 'skipped' | 'failed';

export interface ImportRowResult {
  /** 1-based data row, header excluded. */
  row: number;
  email: string | null;
  outcome: RowOutcome;
  field?: string;
  message?: string;
}

/** A row's result and the target user it created or updated (for the job log). */
export interface RowDone extends ImportRowResult {
  targetUserId?: string;
  /** The message includes something an admin should act on (an address outside the allowed domains). */
  warning?: boolean;
}

export interface ImportContext {
  company: CompanyWithUsage;
  customFields: CustomFieldRow[];
  columns: (Column | null)[];
  settingNames: Map<string, string>;
}

/** A row read and checked before any database work: its input, or why it failed already. */
export interface PreparedRow {
  row: number;
  email: string | null;
  input?: ManualUserInput;
  failure?: { field?: string; message: string };
}

const BOOLEANS: ReadonlyMap<string, boolean> = new Map([['true', true], ['false', false], ['yes', true], ['no', false], ['1', true], ['0', false]]);

/** The cells of the known columns as a manual-user input; a blank cell clears its field (active: leaves it). */
function inputOf(columns: readonly (Column | null)[], values: readonly string[]): ManualUserInput {
  const input: ManualUserInput = {};
  columns.forEach((c, i) => {
    const cell = unescapeCell(values[i] ?? '');
    if (!c) return;
    if (c.kind === 'custom') (input.customFields ??= {})[c.def.name] = cell.trim() ? cell : null;
    else if (c.kind === 'active') {
      if (!cell.trim()) return;
      const active = BOOLEANS.get(cell.trim().toLowerCase());
      if (active === undefined) throw new AdminError('invalid', `active: "${cell.trim()}" is not a boolean (true/false, yes/no or 1/0)`, 'active');
      input.active = active;
    } else if (c.field === 'email') input.email = cell;
    else input[c.field] = cell.trim() ? cell : null;
  });
  return input;
}

/** The key an address is matched by: as checked, folded. Undefined for no usable address. */
export function emailKey(cell: string | undefined): string | undefined {
  const checked = normaliseEmail(cell ?? '');
  return checked.ok ? foldString(checked.value) : undefined;
}

/** Reads a record's cells and checks its address, then whether an earlier row had it (remembering it). */
export function prepareRow(ctx: ImportContext, emailIndex: number, record: CsvRecord, seen: SeenEmails): PreparedRow {
  const cell = unescapeCell(record.values[emailIndex] ?? '').trim();
  const base = { row: record.row, email: cell || null };
  if (record.values.length > ctx.columns.length && record.values.slice(ctx.columns.length).some((v) => v.trim())) {
    return { ...base, failure: { message: `The row has ${record.values.length} fields but the header names ${ctx.columns.length} columns (is a delimiter inside a field that is not quoted?)` } };
  }
  if (!cell) return { ...base, failure: { field: 'email', message: 'The row has no email address' } };
  const key = emailKey(cell);
  if (key !== undefined) {
    const earlier = seen.firstRow(key, record.row);
    if (earlier !== undefined) return { ...base, failure: { field: 'email', message: `email ${cell} appears already on row ${earlier}` } };
  }
  try {
    return { ...base, input: inputOf(ctx.columns, record.values) };
  } catch (e) {
    if (!(e instanceof AdminError)) throw e;
    return { ...base, failure: { field: e.field, message: e.message } };
  }
}

/** What a create or an update does: the preview counts it, the job writes it. */
export interface RowWriter {
  /** Lock the matched users until the batch commits (a concurrent SCIM adoption waits). */
  writes: boolean;
  create(change: ManualUserChange): Promise<TargetUserRow | undefined>;
  update(before: TargetUserRow, change: ManualUserChange): Promise<TargetUserRow | undefined>;
}

function deliverability(ctx: ImportContext, email: string): string | undefined {
  if (isDeliverable(email, ctx.company.allowedDomains)) return undefined;
  return `The email domain ${emailDomain(email)} is not one of the company's allowed domains: the user is imported but marked not deliverable.`;
}

/** The batch's rows, in order, through `writer`; reads the users they match in two queries. */
export async function importBatch(store: Store, ctx: ImportContext, rows: readonly PreparedRow[], writer: RowWriter): Promise<RowDone[]> {
  const keys = rows.flatMap((r) => (r.input && r.email ? (emailKey(r.email) ?? []) : []));
  const existing = new Map<string, TargetUserRow>();
  // The oldest live user with the address; one a SCIM setting owns is never overwritten, whichever is oldest.
  for (const u of await liveUsersByEmail(store, ctx.company.id, keys, { forUpdate: writer.writes })) {
    const key = foldString(u.email);
    const held = existing.get(key);
    if (!held || (u.sourceKind === 'scim' && held.sourceKind !== 'scim')) existing.set(key, u);
  }
  const values = await customValuesOfUsers(store, [...existing.values()].filter((u) => u.sourceKind !== 'scim').map((u) => u.id));
  const done: RowDone[] = [];
  for (const r of rows) {
    if (!r.input) {
      done.push({ row: r.row, email: r.email, outcome: 'failed', ...r.failure });
      continue;
    }
    const before = existing.get(emailKey(r.email!) ?? '');
    try {
      if (before?.sourceKind === 'scim') {
        const setting = (before.settingId && ctx.settingNames.get(before.settingId)) ?? before.settingId;
        done.push({ row: r.row, email: r.email, outcome: 'skipped', message: `Target user ${before.email} is managed by SCIM setting "${setting}"; change it in the identity provider`, targetUserId: before.id });
        continue;
      }
      if (before) {
        const change = checkManualUser(r.input, before, ctx.customFields);
        const changes = changesOf(before, values.get(before.id) ?? new Map(), change, ctx.customFields);
        if (!changes.length) {
          done.push({ row: r.row, email: change.fields.email, outcome: 'unchanged', targetUserId: before.id });
          continue;
        }
        const after = await writer.update(before, change);
        const warning = deliverability(ctx, change.fields.email);
        done.push({ row: r.row, email: change.fields.email, outcome: 'updated', message: [`Changed ${changes.join(', ')}.`, warning].filter(Boolean).join(' '), targetUserId: after?.id ?? before.id, warning: !!warning });
      } else {
        const change = checkNewManualUser(r.input, ctx.customFields);
        const user = await writer.create(change);
        const warning = deliverability(ctx, change.fields.email);
        done.push({ row: r.row, email: change.fields.email, outcome: 'created', ...(warning ? { message: warning, warning: true } : {}), ...(user ? { targetUserId: user.id } : {}) });
      }
    } catch (e) {
      if (!(e instanceof AdminError)) throw e;
      done.push({ row: r.row, email: r.email, outcome: 'failed', ...(e.field ? { field: e.field } : {}), message: e.message });
    }
  }
  return done;
}
