// A SCIM setting's resources in id order (the scim_users_setting / scim_groups_setting indexes), a batch at a
// time: what re-deriving a setting's target users walks.
import type { Store } from './open.ts';
import { toGroupRecord, type GroupRecord } from './scim-groups.ts';
import { toUserRecord, type UserRecord } from './scim-users.ts';

export async function countSettingUsers(store: Store, settingId: string): Promise<number> {
  const row = await store.db.selectFrom('scim_users').select((eb) => eb.fn.countAll().as('n')).where('scim_setting_id', '=', settingId).executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function settingUsersAfter(store: Store, settingId: string, after: string | null, limit: number): Promise<UserRecord[]> {
  let q = store.db.selectFrom('scim_users').selectAll().where('scim_setting_id', '=', settingId);
  if (after !== null) q = q.where('id', '>', after);
  return (await q.orderBy('id').limit(limit).execute()).map((r) => toUserRecord(store, r));
}

export async function settingGroupsAfter(store: Store, settingId: string, after: string | null, limit: number): Promise<GroupRecord[]> {
  let q = store.db.selectFrom('scim_groups').selectAll().where('scim_setting_id', '=', settingId);
  if (after !== null) q = q.where('id', '>', after);
  return (await q.orderBy('id').limit(limit).execute()).map((r) => toGroupRecord(store, r));
}
