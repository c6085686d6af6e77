// A SCIM User write, carried into the target-user directory in the same transaction: the rules' projection
// of the resource becomes (or updates, or soft-deletes) its target user, with the licence counted, custom
// values, the groups the rules choose, and a sentence for the job log. In test mode nothing is written and
// the sentence says what would have changed.
import { ScimError } from '../../scim/errors.ts';
import { foldString } from '../../scim/fold.ts';
import { findCompany } from '../../store/companies.ts';
import { changeActiveUsers, licenceUsage } from '../../store/licence.ts';
import type { Store } from '../../store/open.ts';
import type { UserRecord } from '../../store/scim-users.ts';
import { findScimSetting } from '../../store/scim-settings.ts';
import {
  addMemberships,
  customValuesOf,
  findMatchingTargetUsers,
  findTargetUserByScimId,
  insertTargetUser,
  linkWaitingReports,
  membershipsOf,
  removeMemberships,
  replaceCustomValues,
  resolveManager,
  softDeleteTargetUser,
  updateTargetUser,
  type TargetUserFields,
  type TargetUserRow,
} from '../../store/target-users.ts';
import { ensureGroup } from '../../store/target-groups.ts';
import { linkIdpMemberships } from '../../store/target-group-sync.ts';
import { newId } from '../../store/ids.ts';
import { isDeliverable } from '../../directory/target-users.ts';
import { projectUser } from '../rules/project.ts';
import type { ProjectedUser, Rules } from '../rules/types.ts';
import type { ScimContext } from '../scim/context.ts';
import { rulesOf } from './rules.ts';
import type { JobNote } from './note.ts';

const FIELD_LABELS: Record<keyof TargetUserFields, string> = {
  email: 'email',
  firstName: 'first name',
  lastName: 'last name',
  department: 'department',
  title: 'title',
  phone: 'phone',
  timezone: 'timezone',
  preferredLanguage: 'preferred language',
  managerValue: 'manager',
  managerId: 'manager',
  externalId: 'externalId',
  active: 'active',
};

function changedFields(before: TargetUserFields, after: TargetUserFields): string[] {
  const changed = new Set<string>();
  for (const key of Object.keys(FIELD_LABELS) as (keyof TargetUserFields)[]) {
    if (before[key] !== after[key]) changed.add(FIELD_LABELS[key]);
  }
  return [...changed];
}

function note(user: { id: string; email: string } | undefined, record: Pick<UserRecord, 'userName'>, what: string, warnings: readonly string[]): JobNote {
  return {
    targetUserId: user?.id ?? null,
    userName: record.userName,
    email: user?.email ?? null,
    outcome: warnings.length ? 'warning' : 'success',
    detail: [what, ...warnings].join(' '),
  };
}

const licenceRefused = (limit: number | null, active: number) =>
  new ScimError(
    403,
    undefined,
    `The company's licence limit of ${limit} active target users is reached (${active} active); deactivate or delete users, or raise the limit (roster company update --license-limit), then retry`,
  );

/** Fields of the target user the projection decides, the manager resolved to a target user where it can be. */
async function fieldsOf(tx: Store, companyId: string, p: ProjectedUser, email: string): Promise<TargetUserFields> {
  const managerId = p.manager === null ? null : ((await resolveManager(tx, companyId, p.manager)) ?? null);
  return {
    email,
    firstName: p.firstName,
    lastName: p.lastName,
    department: p.department,
    title: p.title,
    phone: p.phone,
    timezone: p.timezone,
    preferredLanguage: p.preferredLanguage,
    managerValue: p.manager,
    managerId,
    externalId: p.externalId,
    active: p.active,
  };
}

/**
 * The live target user this resource stands for: its own, else one it adopts — a user of the company no
 * SCIM setting owns (CSV, API, manual) with the same externalId or email. One owned by another setting is a
 * conflict naming that setting; one of the same setting stays a separate user (two IdP accounts, one address).
 */
async function ownUserOrAdoptable(tx: Store, ctx: ScimContext, record: UserRecord, p: ProjectedUser, email: string): Promise<{ user?: TargetUserRow; adopted: boolean }> {
  const own = await findTargetUserByScimId(tx, record.id);
  if (own) return { user: own, adopted: false };
  const matches = await findMatchingTargetUsers(tx, ctx.setting.companyId, { externalId: p.externalId, email });
  const foreign = matches.find((m) => m.sourceKind === 'scim' && m.settingId !== ctx.setting.id);
  if (foreign) {
    const owner = foreign.settingId ? await findScimSetting(tx, foreign.settingId) : undefined;
    throw ScimError.conflict(
      `Target user ${foreign.email} already exists in this company and is provisioned by SCIM setting "${owner?.name ?? foreign.settingId}"; remove it from that setting's scope first`,
    );
  }
  const adoptable = matches.find((m) => m.sourceKind !== 'scim');
  return adoptable ? { user: adoptable, adopted: true } : { adopted: false };
}

/** Brings the user's rule and setting groups in line with `wanted`; memberships of other origins stay. */
async function syncGroups(tx: Store, ctx: ScimContext, userId: string, wanted: ProjectedUser['groups'], at: string): Promise<string[]> {
  const { companyId, id: settingId } = ctx.setting;
  const ours = (await membershipsOf(tx, userId)).filter((m) => (m.origin === 'rule' || m.origin === 'setting') && m.settingId === settingId);
  const wantedNames = new Set(wanted.map((g) => foldString(g.name)));
  const leaving = ours.filter((m) => !wantedNames.has(foldString(m.groupName)));
  await removeMemberships(tx, userId, leaving.map((m) => m.groupId));
  const present = new Set(ours.map((m) => foldString(m.groupName)));
  const joining = wanted.filter((g) => !present.has(foldString(g.name)));
  for (const g of joining) {
    const group = await ensureGroup(tx, { companyId, name: g.name, source: g.origin, settingId, now: at });
    await addMemberships(tx, companyId, [{ groupId: group.id, targetUserId: userId, origin: g.origin, settingId }]);
  }
  return [...leaving.map((m) => `left group "${m.groupName}"`), ...joining.map((g) => `joined group "${g.name}"`)];
}

function sameValues(a: Map<string, string>, b: readonly { fieldId: string; value: string }[], managed: readonly string[]): boolean {
  const wanted = new Map(b.map((v) => [v.fieldId, v.value]));
  return managed.every((id) => a.get(id) === wanted.get(id));
}

/** `rules`: the setting's, read once by a caller projecting many users (a re-derivation batch). */
export async function projectUserWrite(tx: Store, ctx: ScimContext, record: UserRecord, at: string, rules?: Rules): Promise<JobNote> {
  const { companyId } = ctx.setting;
  rules ??= await rulesOf(tx, ctx.setting);
  const p = projectUser(record.resource, rules);
  if (p.email === null) throw ScimError.badRequest('invalidValue', p.missingEmail ?? 'The user has no usable email address');
  const email = p.email;
  const warnings = [...p.warnings];
  const company = await findCompany(tx, companyId);
  if (company && !isDeliverable(email, company.allowedDomains)) {
    const domain = email.slice(email.lastIndexOf('@') + 1);
    warnings.push(`The email domain ${domain} is not one of the company's allowed domains: the user is provisioned but marked not deliverable.`);
  }
  const { user: existing, adopted } = await ownUserOrAdoptable(tx, ctx, record, p, email);
  const fields = await fieldsOf(tx, companyId, p, email);
  const managed = rules.mappings.map((m) => rules.customFields.find((f) => f.name.toLowerCase() === m.field.toLowerCase())?.id).filter((id): id is string => id !== undefined);

  if (ctx.setting.testMode) {
    const what = existing
      ? `Test mode: would ${adopted ? 'adopt' : 'update'} target user ${existing.email}${adopted ? '' : ` (${changedFields(existing, fields).join(', ') || 'no field changes'})`}; nothing was changed.`
      : `Test mode: would create target user ${email}${p.groups.length ? ` in ${p.groups.map((g) => `"${g.name}"`).join(', ')}` : ''}; nothing was changed.`;
    return note(existing ?? { id: '', email }, record, what, warnings);
  }

  const delta = Number(fields.active) - Number(existing?.active ?? false);
  if (delta !== 0) {
    const usage = await changeActiveUsers(tx, companyId, delta, at, true);
    if (!usage) {
      const now = await licenceUsage(tx, companyId);
      throw licenceRefused(now?.limit ?? null, now?.activeUsers ?? 0);
    }
    if (usage.over && delta > 0) warnings.push(`The company is over its licence limit: ${usage.activeUsers} active target users for ${usage.limit} licences.`);
  }

  let user: TargetUserRow;
  let what: string;
  if (!existing) {
    user = { ...fields, id: newId(), companyId, sourceKind: 'scim', settingId: ctx.setting.id, scimUserId: record.id, deletedAt: null, createdAt: at, updatedAt: at };
    await insertTargetUser(tx, user);
    what = `Created target user ${email}.`;
  } else {
    const changed = changedFields(existing, fields);
    const owner = adopted ? { sourceKind: 'scim' as const, settingId: ctx.setting.id, scimUserId: record.id } : undefined;
    if (changed.length || owner) await updateTargetUser(tx, existing.id, fields, at, owner);
    user = { ...existing, ...fields, ...(owner ?? {}) };
    what = adopted
      ? `Adopted target user ${email} (created by ${existing.sourceKind}); it is now managed by this SCIM setting.`
      : `Updated target user ${email}${changed.length ? `: ${changed.join(', ')} changed` : ''}.`;
  }
  if (!existing || adopted) {
    await linkWaitingReports(tx, companyId, user.id, [record.id, email, ...(p.externalId ? [p.externalId] : [])]);
    if (ctx.setting.syncGroups) await linkIdpMemberships(tx, companyId, record.id, user.id, ctx.setting.id);
  }
  const current = existing ? await customValuesOf(tx, user.id) : new Map<string, string>();
  if (managed.length && !sameValues(current, p.customFields, managed)) {
    await replaceCustomValues(tx, companyId, user.id, managed, p.customFields.filter((v) => managed.includes(v.fieldId)));
  }
  const moves = await syncGroups(tx, ctx, user.id, p.groups, at);
  if (moves.length) what += ` It ${moves.join(', ')}.`;
  return note(user, record, what, warnings);
}

/** DELETE: the target user is soft-deleted (kept for history, gone from lists and groups) and its seat freed. */
export async function projectUserDelete(tx: Store, ctx: ScimContext, record: UserRecord, at: string): Promise<JobNote> {
  const user = await findTargetUserByScimId(tx, record.id);
  if (!user) return note(undefined, record, 'Deleted the SCIM user; it had no target user.', []);
  if (ctx.setting.testMode) return note(user, record, `Test mode: would delete target user ${user.email}; nothing was changed.`, []);
  if (user.active) await changeActiveUsers(tx, ctx.setting.companyId, -1, at, false);
  await softDeleteTargetUser(tx, user.id, at);
  return note(user, record, `Deleted target user ${user.email} (kept for history, removed from every group).`, []);
}
