// Target users an admin manages by hand (the CLI, the admin API, each row of a CSV import): created, changed
// and deleted with the same licence counting, timezone, language and custom-field rules as provisioned ones. A user a SCIM setting
// owns is read-only here: its identity provider is the authority.
import type { Actor } from '../directory/audit.ts';
import { AdminError } from '../directory/errors.ts';
import { newId } from '../store/ids.ts';
import { canonicalLanguage } from './rules/language.ts';
import { appendAudit } from '../store/audit-log.ts';
import { changeActiveUsers, licenceUsage } from '../store/licence.ts';
import { inTransaction, type Store } from '../store/open.ts';
import { findScimSetting } from '../store/scim-settings.ts';
import { customFieldsOf, type CustomFieldRow } from '../store/custom-fields.ts';
import { findTargetUser, insertTargetUser, linkWaitingReports, replaceCustomValues, resolveManager, softDeleteTargetUser, updateTargetUser, type TargetUserFields, type TargetUserRow } from '../store/target-users.ts';
import { foldString } from '../scim/fold.ts';
import { coerceCustomValue } from './rules/custom-field-values.ts';
import { requireCompany } from '../directory/companies.ts';
import { normaliseEmail } from './rules/email-address.ts';
import { resolveTimezone } from './rules/timezone.ts';

export interface ManualUserInput {
  email?: string;
  firstName?: string | null;
  lastName?: string | null;
  department?: string | null;
  title?: string | null;
  phone?: string | null;
  timezone?: string | null;
  preferredLanguage?: string | null;
  /** Another user's email or externalId (resolved when that user exists, else kept for when it arrives). */
  manager?: string | null;
  externalId?: string | null;
  active?: boolean;
  /** Values by custom field name (ignoring case), as text; null or blank clears the value. */
  customFields?: Record<string, string | null>;
}

/** What a create or an update writes, checked: the fields, and custom values by field id (null clears). */
export interface ManualUserChange {
  fields: TargetUserFields;
  values: Map<string, string | null>;
}

const MAX_TEXT = 256;

function text(name: string, field: string, value: string | null | undefined): string | null {
  const v = value?.trim() || null;
  if (v !== null && [...v].length > MAX_TEXT) throw new AdminError('invalid', `${name} must be at most ${MAX_TEXT} characters`, field);
  return v;
}

function customValues(input: ManualUserInput, customFields: readonly CustomFieldRow[]): Map<string, string | null> {
  const values = new Map<string, string | null>();
  for (const [name, raw] of Object.entries(input.customFields ?? {})) {
    const def = customFields.find((f) => foldString(f.name) === foldString(name.trim()));
    if (!def) throw new AdminError('invalid', `The company has no custom field named "${name}"`, name);
    if (raw === null || !raw.trim()) {
      values.set(def.id, null);
      continue;
    }
    const coerced = coerceCustomValue(def.type, raw);
    if (!coerced.ok) throw new AdminError('invalid', `${def.name}: "${raw.trim()}" ${coerced.reason}`, def.name);
    values.set(def.id, coerced.value);
  }
  return values;
}

/**
 * An admin's input over `base` (the user as it is, or an empty one), checked: what an admin types wrong is
 * an error naming the field, not a warning. `customFields`: the company's, when the input names any.
 */
export function checkManualUser(input: ManualUserInput, base: TargetUserFields, customFields: readonly CustomFieldRow[] = []): ManualUserChange {
  let email = base.email;
  if (input.email !== undefined) {
    const checked = normaliseEmail(input.email);
    if (!checked.ok) throw new AdminError('invalid', `"${input.email}" is not a usable email address: ${checked.reason}`, 'email');
    email = checked.value;
  }
  let timezone = base.timezone;
  if (input.timezone !== undefined) {
    const resolved = input.timezone === null || !input.timezone.trim() ? { zone: null } : resolveTimezone(input.timezone);
    if (input.timezone && resolved.zone === null) throw new AdminError('invalid', `"${input.timezone}" is not a country code, Windows or IANA time zone`, 'timezone');
    timezone = resolved.zone;
  }
  let preferredLanguage = base.preferredLanguage;
  if (input.preferredLanguage !== undefined) {
    preferredLanguage = input.preferredLanguage === null || !input.preferredLanguage.trim() ? null : canonicalLanguage(input.preferredLanguage);
    if (input.preferredLanguage && preferredLanguage === null) throw new AdminError('invalid', `"${input.preferredLanguage}" is not a BCP 47 language tag`, 'preferredLanguage');
  }
  const pick = (name: string, key: 'firstName' | 'lastName' | 'department' | 'title' | 'phone' | 'externalId') => (input[key] === undefined ? base[key] : text(name, key, input[key]));
  const managerValue = input.manager === undefined ? base.managerValue : text('Manager', 'manager', input.manager);
  const fields: TargetUserFields = {
    email,
    firstName: pick('First name', 'firstName'),
    lastName: pick('Last name', 'lastName'),
    department: pick('Department', 'department'),
    title: pick('Title', 'title'),
    phone: pick('Phone', 'phone'),
    externalId: pick('External id', 'externalId'),
    timezone,
    preferredLanguage,
    managerValue,
    // A new reference is resolved when written.
    managerId: managerValue === base.managerValue ? base.managerId : null,
    active: input.active ?? base.active,
  };
  return { fields, values: customValues(input, customFields) };
}

const COMPARED = ['email', 'firstName', 'lastName', 'department', 'title', 'phone', 'timezone', 'preferredLanguage', 'managerValue', 'externalId', 'active'] as const;

/** What a change would change: field names, custom fields by name; empty when it changes nothing. */
export function changesOf(before: TargetUserFields, beforeValues: ReadonlyMap<string, string>, change: ManualUserChange, customFields: readonly CustomFieldRow[]): string[] {
  const fields = COMPARED.filter((k) => before[k] !== change.fields[k]).map((k) => (k === 'managerValue' ? 'manager' : k));
  const values = [...change.values].filter(([id, v]) => (beforeValues.get(id) ?? null) !== v).map(([id]) => customFields.find((f) => f.id === id)?.name ?? id);
  return [...fields, ...values];
}

export function licenceConflict(limit: number | null | undefined, active: number | undefined): AdminError {
  return new AdminError('conflict', `The company's licence limit of ${limit} active target users is reached (${active} active)`, 'active');
}

async function countActive(tx: Store, companyId: string, delta: number, at: string): Promise<void> {
  if (delta === 0) return;
  if (await changeActiveUsers(tx, companyId, delta, at, true)) return;
  const usage = await licenceUsage(tx, companyId);
  throw licenceConflict(usage?.limit, usage?.activeUsers);
}

async function writeValues(tx: Store, companyId: string, userId: string, values: ReadonlyMap<string, string | null>): Promise<void> {
  if (!values.size) return;
  const set = [...values].flatMap(([fieldId, value]) => (value === null ? [] : [{ fieldId, value }]));
  await replaceCustomValues(tx, companyId, userId, [...values.keys()], set);
}

const EMPTY: TargetUserFields = { email: '', firstName: null, lastName: null, department: null, title: null, phone: null, timezone: null, preferredLanguage: null, managerValue: null, managerId: null, externalId: null, active: true };

/** An input for a new user, checked (AdminError('invalid') naming the field). */
export function checkNewManualUser(input: ManualUserInput, customFields: readonly CustomFieldRow[] = []): ManualUserChange {
  if (input.email === undefined) throw new AdminError('invalid', 'A target user needs an email address (--email)', 'email');
  return checkManualUser(input, EMPTY, customFields);
}

/** Writes a new user of `source` inside the caller's transaction (licence counted; no audit row): for one
 *  admin's create and for each row of an import. AdminError('conflict') past an enforced licence, writing nothing. */
export async function insertManualUser(tx: Store, companyId: string, change: ManualUserChange, at: string, source: 'manual' | 'csv' = 'manual'): Promise<TargetUserRow> {
  const { fields } = change;
  await countActive(tx, companyId, Number(fields.active), at);
  const managerId = fields.managerValue === null ? null : ((await resolveManager(tx, companyId, fields.managerValue)) ?? null);
  const user: TargetUserRow = { ...fields, managerId, id: newId(Date.parse(at)), companyId, sourceKind: source, settingId: null, scimUserId: null, deletedAt: null, createdAt: at, updatedAt: at };
  await insertTargetUser(tx, user);
  await writeValues(tx, companyId, user.id, change.values);
  await linkWaitingReports(tx, companyId, user.id, [user.email, ...(user.externalId ? [user.externalId] : [])]);
  return user;
}

/** Writes a change of a user no SCIM setting owns inside the caller's transaction (licence counted; no audit row). */
export async function applyManualUpdate(tx: Store, before: TargetUserRow, change: ManualUserChange, at: string): Promise<TargetUserRow> {
  const { fields } = change;
  await countActive(tx, before.companyId, Number(fields.active) - Number(before.active), at);
  const managerId = fields.managerValue === before.managerValue ? before.managerId : fields.managerValue === null ? null : ((await resolveManager(tx, before.companyId, fields.managerValue)) ?? null);
  const after = { ...fields, managerId };
  await updateTargetUser(tx, before.id, after, at);
  await writeValues(tx, before.companyId, before.id, change.values);
  return { ...before, ...after, updatedAt: at };
}

/** The user's fields an audit row shows. */
export const auditView = (u: TargetUserRow) => ({ id: u.id, email: u.email, firstName: u.firstName, lastName: u.lastName, department: u.department, active: u.active });

const fieldsFor = async (tx: Store, companyId: string, input: ManualUserInput) => (input.customFields ? customFieldsOf(tx, companyId) : []);

export async function createManualUser(store: Store, companyId: string, input: ManualUserInput, actor: Actor, now = new Date()): Promise<TargetUserRow> {
  if (input.email === undefined) throw new AdminError('invalid', 'A target user needs an email address (--email)', 'email');
  return inTransaction(store, async (tx) => {
    await requireCompany(tx, companyId);
    const change = checkNewManualUser(input, await fieldsFor(tx, companyId, input));
    const at = now.toISOString();
    const user = await insertManualUser(tx, companyId, change, at);
    await appendAudit(tx, { id: newId(), companyId, at, ...actor, entity: 'target-user', entityId: user.id, operation: 'create', oldValue: null, newValue: auditView(user) });
    return user;
  });
}

/** The live user, if an admin may change it: not deleted, not owned by a SCIM setting. */
async function requireEditable(tx: Store, id: string): Promise<TargetUserRow> {
  const user = await findTargetUser(tx, id, { forUpdate: true });
  if (!user || user.deletedAt) throw new AdminError('notFound', `No target user with id ${id}`);
  if (user.sourceKind === 'scim') {
    const setting = user.settingId ? await findScimSetting(tx, user.settingId) : undefined;
    throw new AdminError('conflict', `Target user ${user.email} is managed by SCIM setting "${setting?.name ?? user.settingId}"; change it in the identity provider`);
  }
  return user;
}

export async function updateManualUser(store: Store, id: string, input: ManualUserInput, actor: Actor, now = new Date()): Promise<TargetUserRow> {
  return inTransaction(store, async (tx) => {
    const before = await requireEditable(tx, id);
    const { companyId } = before;
    const change = checkManualUser(input, before, await fieldsFor(tx, companyId, input));
    const at = now.toISOString();
    const after = await applyManualUpdate(tx, before, change, at);
    await appendAudit(tx, { id: newId(), companyId, at, ...actor, entity: 'target-user', entityId: id, operation: 'update', oldValue: auditView(before), newValue: auditView(after) });
    return after;
  });
}

export async function deleteManualUser(store: Store, id: string, actor: Actor, now = new Date()): Promise<TargetUserRow> {
  return inTransaction(store, async (tx) => {
    const user = await requireEditable(tx, id);
    const { companyId } = user;
    const at = now.toISOString();
    if (user.active) await changeActiveUsers(tx, companyId, -1, at, false);
    await softDeleteTargetUser(tx, id, at);
    await appendAudit(tx, { id: newId(), companyId, at, ...actor, entity: 'target-user', entityId: id, operation: 'delete', oldValue: auditView(user), newValue: null });
    return { ...user, deletedAt: at };
  });
}
