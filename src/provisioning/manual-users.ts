// Target users an admin manages by hand (the CLI now, the admin API later): created, changed and deleted
// with the same licence counting, timezone and language rules as provisioned ones. A user a SCIM setting
// owns is read-only here: its identity provider is the authority.
import type { Actor } from '../directory/audit.ts';
import { AdminError } from '../directory/errors.ts';
import { newId } from '../store/ids.ts';
import { canonicalLanguage } from './rules/language.ts';
import { appendAudit } from '../store/audit-log.ts';
import { changeActiveUsers, licenceUsage } from '../store/licence.ts';
import { inTransaction, type Store } from '../store/open.ts';
import { findScimSetting } from '../store/scim-settings.ts';
import { findTargetUser, insertTargetUser, softDeleteTargetUser, updateTargetUser, type TargetUserFields, type TargetUserRow } from '../store/target-users.ts';
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
  externalId?: string | null;
  active?: boolean;
}

const MAX_TEXT = 256;

function text(name: string, value: string | null | undefined): string | null {
  const v = value?.trim() || null;
  if (v !== null && [...v].length > MAX_TEXT) throw new AdminError('invalid', `${name} must be at most ${MAX_TEXT} characters`);
  return v;
}

/** Fields from an admin's input over `base`; what an admin types wrong is an error, not a warning. */
function fieldsFrom(input: ManualUserInput, base: TargetUserFields): TargetUserFields {
  let email = base.email;
  if (input.email !== undefined) {
    const checked = normaliseEmail(input.email);
    if (!checked.ok) throw new AdminError('invalid', `"${input.email}" is not a usable email address: ${checked.reason}`);
    email = checked.value;
  }
  let timezone = base.timezone;
  if (input.timezone !== undefined) {
    const resolved = input.timezone === null || !input.timezone.trim() ? { zone: null } : resolveTimezone(input.timezone);
    if (input.timezone && resolved.zone === null) throw new AdminError('invalid', `"${input.timezone}" is not a country code, Windows or IANA time zone`);
    timezone = resolved.zone;
  }
  let preferredLanguage = base.preferredLanguage;
  if (input.preferredLanguage !== undefined) {
    preferredLanguage = input.preferredLanguage === null || !input.preferredLanguage.trim() ? null : canonicalLanguage(input.preferredLanguage);
    if (input.preferredLanguage && preferredLanguage === null) throw new AdminError('invalid', `"${input.preferredLanguage}" is not a BCP 47 language tag`);
  }
  const pick = (name: string, key: 'firstName' | 'lastName' | 'department' | 'title' | 'phone' | 'externalId') => (input[key] === undefined ? base[key] : text(name, input[key]));
  return {
    email,
    firstName: pick('First name', 'firstName'),
    lastName: pick('Last name', 'lastName'),
    department: pick('Department', 'department'),
    title: pick('Title', 'title'),
    phone: pick('Phone', 'phone'),
    externalId: pick('External id', 'externalId'),
    timezone,
    preferredLanguage,
    managerValue: base.managerValue,
    managerId: base.managerId,
    active: input.active ?? base.active,
  };
}

async function countActive(tx: Store, companyId: string, delta: number, at: string): Promise<void> {
  if (delta === 0) return;
  if (await changeActiveUsers(tx, companyId, delta, at, true)) return;
  const usage = await licenceUsage(tx, companyId);
  throw new AdminError('conflict', `The company's licence limit of ${usage?.limit} active target users is reached (${usage?.activeUsers} active)`);
}

const shown = (u: TargetUserRow) => ({ id: u.id, email: u.email, firstName: u.firstName, lastName: u.lastName, department: u.department, active: u.active });

export async function createManualUser(store: Store, companyId: string, input: ManualUserInput, actor: Actor, now = new Date()): Promise<TargetUserRow> {
  if (input.email === undefined) throw new AdminError('invalid', 'A target user needs an email address (--email)');
  const empty: TargetUserFields = { email: '', firstName: null, lastName: null, department: null, title: null, phone: null, timezone: null, preferredLanguage: null, managerValue: null, managerId: null, externalId: null, active: true };
  const fields = fieldsFrom(input, empty);
  return inTransaction(store, async (tx) => {
    await requireCompany(tx, companyId);
    const at = now.toISOString();
    await countActive(tx, companyId, Number(fields.active), at);
    const user: TargetUserRow = { ...fields, id: newId(now.getTime()), companyId, sourceKind: 'manual', settingId: null, scimUserId: null, deletedAt: null, createdAt: at, updatedAt: at };
    await insertTargetUser(tx, user);
    await appendAudit(tx, { id: newId(), companyId, at, ...actor, entity: 'target-user', entityId: user.id, operation: 'create', oldValue: null, newValue: shown(user) });
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
    const fields = fieldsFrom(input, before);
    const at = now.toISOString();
    await countActive(tx, companyId, Number(fields.active) - Number(before.active), at);
    await updateTargetUser(tx, id, fields, at);
    const after = { ...before, ...fields, updatedAt: at };
    await appendAudit(tx, { id: newId(), companyId, at, ...actor, entity: 'target-user', entityId: id, operation: 'update', oldValue: shown(before), newValue: shown(after) });
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
    await appendAudit(tx, { id: newId(), companyId, at, ...actor, entity: 'target-user', entityId: id, operation: 'delete', oldValue: shown(user), newValue: null });
    return { ...user, deletedAt: at };
  });
}
