// Writes of target users — the platform's projection of a SCIM resource (or a CSV, API or manual entry) —
// their custom values and their group memberships. Reads for listing live in target-user-reads.ts.
import type { Kysely, Selectable } from 'kysely';
import { foldString } from '../scim/fold.ts';
import { chunks } from './chunks.ts';
import type { Store } from './open.ts';
import { prepared } from './prepared.ts';
import type { Database, TargetUsersTable } from './schema.ts';

export type SourceKind = 'scim' | 'csv' | 'api' | 'manual';

/** The fields of a target user that a source decides. */
export interface TargetUserFields {
  email: string;
  firstName: string | null;
  lastName: string | null;
  department: string | null;
  title: string | null;
  phone: string | null;
  timezone: string | null;
  preferredLanguage: string | null;
  /** The raw manager reference; `managerId` is the target user it resolved to, if any. */
  managerValue: string | null;
  managerId: string | null;
  externalId: string | null;
  active: boolean;
}

export interface TargetUserRow extends TargetUserFields {
  id: string;
  companyId: string;
  sourceKind: SourceKind;
  settingId: string | null;
  scimUserId: string | null;
  deletedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toTargetUserRow(r: Selectable<TargetUsersTable>): TargetUserRow {
  return {
    id: r.id,
    companyId: r.company_id,
    sourceKind: r.source_kind as SourceKind,
    settingId: r.scim_setting_id,
    scimUserId: r.scim_user_id,
    externalId: r.external_id,
    email: r.email,
    firstName: r.first_name,
    lastName: r.last_name,
    department: r.department,
    title: r.title,
    phone: r.phone,
    timezone: r.timezone,
    preferredLanguage: r.preferred_language,
    managerValue: r.manager_value,
    managerId: r.manager_id,
    active: Boolean(r.active),
    deletedAt: r.deleted_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The domain part of an address, folded. */
export const emailDomain = (email: string): string => foldString(email.slice(email.lastIndexOf('@') + 1));

function fieldColumns(store: Store, f: TargetUserFields) {
  return {
    email: f.email,
    email_ci: foldString(f.email),
    email_domain: emailDomain(f.email),
    first_name: f.firstName,
    first_name_ci: f.firstName === null ? null : foldString(f.firstName),
    last_name: f.lastName,
    last_name_ci: f.lastName === null ? null : foldString(f.lastName),
    department: f.department,
    title: f.title,
    phone: f.phone,
    timezone: f.timezone,
    preferred_language: f.preferredLanguage,
    manager_value: f.managerValue,
    manager_value_ci: f.managerValue === null ? null : foldString(f.managerValue),
    manager_id: f.managerId,
    external_id: f.externalId,
    active: store.dialect.toBool(f.active),
  };
}

export async function insertTargetUser(store: Store, u: TargetUserRow): Promise<void> {
  await store.db
    .insertInto('target_users')
    .values({
      ...fieldColumns(store, u),
      id: u.id,
      company_id: u.companyId,
      source_kind: u.sourceKind,
      scim_setting_id: u.settingId,
      scim_user_id: u.scimUserId,
      deleted_at: u.deletedAt,
      created_at: u.createdAt,
      updated_at: u.updatedAt,
    })
    .execute();
}

/** Writes a user's fields and, when given, its ownership (adoption changes source and SCIM resource). */
export async function updateTargetUser(
  store: Store,
  id: string,
  fields: TargetUserFields,
  at: string,
  owner?: { sourceKind: SourceKind; settingId: string | null; scimUserId: string | null },
): Promise<void> {
  await store.db
    .updateTable('target_users')
    .set({
      ...fieldColumns(store, fields),
      updated_at: at,
      ...(owner ? { source_kind: owner.sourceKind, scim_setting_id: owner.settingId, scim_user_id: owner.scimUserId } : {}),
    })
    .where('id', '=', id)
    .execute();
}

/** A target user by id, deleted or not, whatever its company (commands name a user by id alone). `forUpdate`
 *  locks the row for the rest of the caller's transaction (where the database has row locks). */
export async function findTargetUser(store: Store, id: string, options: { forUpdate?: boolean } = {}): Promise<TargetUserRow | undefined> {
  let q = store.db.selectFrom('target_users').selectAll().where('id', '=', id);
  if (options.forUpdate && store.dialect.lockRows) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toTargetUserRow(row);
}

/** The live target user projected from a SCIM resource (the unique scim_user_id index). */
export async function findTargetUserByScimId(store: Store, scimUserId: string): Promise<TargetUserRow | undefined> {
  const [row] = (await byScimUserId.run(store, { scimUserId })).rows;
  return row && toTargetUserRow(row);
}

// Every SCIM user write reads it.
const byScimUserId = prepared((db, a: { scimUserId: string }) => db.selectFrom('target_users').selectAll().where('scim_user_id', '=', a.scimUserId));

// Every SCIM user create looks for a target user to take over.
type LiveLookup = { companyId: string; value: string };
const live = (db: Kysely<Database>, a: LiveLookup) => db.selectFrom('target_users').selectAll().where('company_id', '=', a.companyId).where('deleted_at', 'is', null).limit(10);
const liveByEmail = prepared((db, a: LiveLookup) => live(db, a).where('email_ci', '=', a.value));
const liveByExternalId = prepared((db, a: LiveLookup) => live(db, a).where('external_id', '=', a.value));

/**
 * Live target users of the company a new SCIM resource could stand for: the same externalId, or the same
 * email ignoring case. Indexed on both; at most a few rows, oldest first.
 */
export async function findMatchingTargetUsers(
  store: Store,
  companyId: string,
  match: { externalId: string | null; email: string },
): Promise<TargetUserRow[]> {
  // Two indexed reads rather than a UNION: SQLite allows no LIMIT inside a compound SELECT's arms.
  const rows = [
    ...(await liveByEmail.run(store, { companyId, value: foldString(match.email) })).rows,
    ...(match.externalId === null ? [] : (await liveByExternalId.run(store, { companyId, value: match.externalId })).rows),
  ];
  const seen = new Set<string>();
  return rows
    .filter((r) => !seen.has(r.id) && seen.add(r.id))
    .map((r) => toTargetUserRow(r))
    .sort((a, b) => (a.id < b.id ? -1 : 1));
}

/**
 * Soft delete: the row stays for history (purged after the retention), leaves every group and its SCIM
 * resource, so the same userName provisioned again becomes a new target user.
 */
export async function softDeleteTargetUser(store: Store, id: string, at: string): Promise<void> {
  await store.db.updateTable('target_users').set({ deleted_at: at, updated_at: at, scim_user_id: null }).where('id', '=', id).execute();
  await store.db.deleteFrom('target_group_members').where('target_user_id', '=', id).execute();
}

/** Removes up to `batch` target users soft-deleted before `before` (ISO 8601), oldest deletion first, by
 *  the target_users_deleted index; their custom values go with them (foreign-key cascade). How many went. */
export async function purgeDeletedTargetUsers(store: Store, before: string, batch: number): Promise<number> {
  const doomed = store.db.selectFrom('target_users').select('id').where('deleted_at', '<', before).orderBy('deleted_at').limit(batch);
  const result = await store.db.deleteFrom('target_users').where('id', 'in', doomed).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** The live target user a manager reference names: its SCIM id, externalId or email. */
export async function resolveManager(store: Store, companyId: string, value: string): Promise<string | undefined> {
  const byScimId = await store.db.selectFrom('target_users').select('id').where('scim_user_id', '=', value).where('company_id', '=', companyId).executeTakeFirst();
  if (byScimId) return byScimId.id;
  const folded = foldString(value);
  const other = await store.db
    .selectFrom('target_users')
    .select('id')
    .where('company_id', '=', companyId)
    .where('deleted_at', 'is', null)
    .where((eb) => eb.or([eb('external_id', '=', value), eb('email_ci', '=', folded)]))
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  return other?.id;
}

/** Reports that named this user before it existed now point at it (the target_users_manager index). */
export async function linkWaitingReports(store: Store, companyId: string, managerId: string, names: readonly string[]): Promise<void> {
  const folded = [...new Set(names.map(foldString))];
  if (!folded.length) return;
  await store.db
    .updateTable('target_users')
    .set({ manager_id: managerId })
    .where('company_id', '=', companyId)
    .where('manager_value_ci', 'in', folded)
    .where('manager_id', 'is', null)
    .execute();
}

/** A user's custom values: those of `fieldIds` become exactly `values` (other fields are left alone). */
export async function replaceCustomValues(
  store: Store,
  companyId: string,
  targetUserId: string,
  fieldIds: readonly string[],
  values: readonly { fieldId: string; value: string }[],
): Promise<void> {
  if (fieldIds.length) {
    await store.db.deleteFrom('target_user_fields').where('target_user_id', '=', targetUserId).where('field_id', 'in', [...fieldIds]).execute();
  }
  for (const chunk of chunks(values, 5)) {
    await store.db
      .insertInto('target_user_fields')
      .values(chunk.map((v) => ({ company_id: companyId, target_user_id: targetUserId, field_id: v.fieldId, value: v.value, value_ci: foldString(v.value) })))
      .execute();
  }
}

export async function customValuesOf(store: Store, targetUserId: string): Promise<Map<string, string>> {
  const rows = await store.db.selectFrom('target_user_fields').select(['field_id', 'value']).where('target_user_id', '=', targetUserId).execute();
  return new Map(rows.map((r) => [r.field_id, r.value]));
}

export type MembershipOrigin = 'setting' | 'rule' | 'idp' | 'manual';

export interface Membership {
  groupId: string;
  groupName: string;
  origin: MembershipOrigin;
  settingId: string | null;
}

export async function membershipsOf(store: Store, targetUserId: string): Promise<Membership[]> {
  const rows = await store.db
    .selectFrom('target_group_members as m')
    .innerJoin('target_groups as g', 'g.id', 'm.group_id')
    .select(['m.group_id', 'g.name', 'm.origin', 'm.scim_setting_id'])
    .where('m.target_user_id', '=', targetUserId)
    .execute();
  return rows.map((r) => ({ groupId: r.group_id, groupName: r.name, origin: r.origin as MembershipOrigin, settingId: r.scim_setting_id }));
}

/** Adds memberships; one that exists already (for whatever reason) is kept as it is. */
export async function addMemberships(
  store: Store,
  companyId: string,
  rows: readonly { groupId: string; targetUserId: string; origin: MembershipOrigin; settingId: string | null }[],
): Promise<void> {
  for (const chunk of chunks(rows, 5)) {
    await store.db
      .insertInto('target_group_members')
      .values(chunk.map((r) => ({ company_id: companyId, group_id: r.groupId, target_user_id: r.targetUserId, origin: r.origin, scim_setting_id: r.settingId })))
      .onConflict((oc) => oc.columns(['group_id', 'target_user_id']).doNothing())
      .execute();
  }
}

export async function removeMemberships(store: Store, targetUserId: string, groupIds: readonly string[]): Promise<void> {
  for (const chunk of chunks(groupIds, 1, 1)) {
    await store.db.deleteFrom('target_group_members').where('target_user_id', '=', targetUserId).where('group_id', 'in', chunk).execute();
  }
}

/** Live target users projected from the given SCIM resources: SCIM id → target user id. */
export async function targetUsersOfScimUsers(store: Store, scimUserIds: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of chunks(scimUserIds, 1)) {
    const rows = await store.db.selectFrom('target_users').select(['id', 'scim_user_id']).where('scim_user_id', 'in', chunk).execute();
    for (const r of rows) found.set(r.scim_user_id!, r.id);
  }
  return found;
}

/** The live users of the company with these folded emails, oldest first (the target_users_email index);
 *  `forUpdate` locks them for the rest of the caller's transaction (where the database has row locks). */
export async function liveUsersByEmail(store: Store, companyId: string, emailsCi: readonly string[], options: { forUpdate?: boolean } = {}): Promise<TargetUserRow[]> {
  const found: TargetUserRow[] = [];
  for (const chunk of chunks(emailsCi, 1, 1)) {
    let q = store.db.selectFrom('target_users').selectAll().where('company_id', '=', companyId).where('email_ci', 'in', chunk).where('deleted_at', 'is', null).orderBy('id');
    if (options.forUpdate && store.dialect.lockRows) q = q.forUpdate();
    const rows = await q.execute();
    found.push(...rows.map(toTargetUserRow));
  }
  return found;
}
