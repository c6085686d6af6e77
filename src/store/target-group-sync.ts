// Target groups synchronised from SCIM groups (a setting with "Synchronise IdP groups"): the platform group
// is linked to its SCIM group by scim_group_id and holds the target users of the SCIM group's members, as
// rows of origin `idp`. Every statement is indexed, whatever the group's size.
import { sql } from 'kysely';
import { foldString } from '../scim/fold.ts';
import { chunks } from './chunks.ts';
import type { Store } from './open.ts';
import { ensureGroup } from './target-groups.ts';

/** The live platform group linked to a SCIM group. */
export async function idpGroupOf(store: Store, scimGroupId: string): Promise<{ id: string; name: string } | undefined> {
  return store.db.selectFrom('target_groups').select(['id', 'name']).where('scim_group_id', '=', scimGroupId).where('deleted_at', 'is', null).executeTakeFirst();
}

/**
 * The platform group for a SCIM group, created (or a deleted one of that name brought back) on demand and
 * linked to it. A group of the same name that already exists becomes the IdP's: names are unique per company.
 */
export async function linkIdpGroup(
  store: Store,
  g: { companyId: string; scimGroupId: string; name: string; settingId: string; now: string },
): Promise<string> {
  const linked = await idpGroupOf(store, g.scimGroupId);
  if (linked) return linked.id;
  const { id } = await ensureGroup(store, { companyId: g.companyId, name: g.name, source: 'idp', settingId: g.settingId, now: g.now });
  await store.db
    .updateTable('target_groups')
    .set({ scim_group_id: g.scimGroupId, source: 'idp', scim_setting_id: g.settingId, updated_at: g.now })
    .where('id', '=', id)
    .execute();
  return id;
}

/** Renames a linked group; false when another group of the company already has that name. */
export async function renameGroup(store: Store, companyId: string, id: string, name: string, now: string): Promise<boolean> {
  const nameCi = foldString(name);
  const taken = await store.db.selectFrom('target_groups').select('id').where('company_id', '=', companyId).where('name_ci', '=', nameCi).where('id', '!=', id).executeTakeFirst();
  if (taken) return false;
  await store.db.updateTable('target_groups').set({ name, name_ci: nameCi, updated_at: now }).where('id', '=', id).execute();
  return true;
}

export async function addIdpMembers(store: Store, companyId: string, groupId: string, targetUserIds: readonly string[], settingId: string): Promise<void> {
  for (const chunk of chunks(targetUserIds, 5)) {
    await store.db
      .insertInto('target_group_members')
      .values(chunk.map((id) => ({ company_id: companyId, group_id: groupId, target_user_id: id, origin: 'idp', scim_setting_id: settingId })))
      .onConflict((oc) => oc.columns(['group_id', 'target_user_id']).doNothing())
      .execute();
  }
}

export async function removeIdpMembers(store: Store, groupId: string, targetUserIds: readonly string[]): Promise<void> {
  for (const chunk of chunks(targetUserIds, 1, 1)) {
    await store.db.deleteFrom('target_group_members').where('group_id', '=', groupId).where('target_user_id', 'in', chunk).where('origin', '=', 'idp').execute();
  }
}

export async function clearIdpMembers(store: Store, groupId: string): Promise<void> {
  await store.db.deleteFrom('target_group_members').where('group_id', '=', groupId).where('origin', '=', 'idp').execute();
}

/** The SCIM group is gone: its platform group is soft-deleted and unlinked; its users stay. */
export async function dropIdpGroup(store: Store, scimGroupId: string, now: string): Promise<string | undefined> {
  const linked = await idpGroupOf(store, scimGroupId);
  if (!linked) return undefined;
  await store.db.deleteFrom('target_group_members').where('group_id', '=', linked.id).execute();
  await store.db.updateTable('target_groups').set({ deleted_at: now, updated_at: now, scim_group_id: null }).where('id', '=', linked.id).execute();
  return linked.name;
}

/** A bound value as a text column of a SELECT list (PostgreSQL cannot type a bare parameter there). */
const text = (value: string) => sql<string>`CAST(${value} AS text)`;

/**
 * A user who becomes a target user after joining SCIM groups (adopted, or test mode switched off) joins their
 * platform groups: one INSERT … SELECT over the user's SCIM memberships.
 */
export async function linkIdpMemberships(store: Store, companyId: string, scimUserId: string, targetUserId: string, settingId: string): Promise<void> {
  await store.db
    .insertInto('target_group_members')
    .columns(['company_id', 'group_id', 'target_user_id', 'origin', 'scim_setting_id'])
    .expression(
      store.db
        .selectFrom('scim_group_members as m')
        .innerJoin('target_groups as g', 'g.scim_group_id', 'm.group_id')
        .select([
          text(companyId).as('company_id'),
          'g.id',
          text(targetUserId).as('target_user_id'),
          text('idp').as('origin'),
          text(settingId).as('scim_setting_id'),
        ])
        .where('m.user_id', '=', scimUserId)
        .where('g.deleted_at', 'is', null),
    )
    .onConflict((oc) => oc.columns(['group_id', 'target_user_id']).doNothing())
    .execute();
}

/** The platform group holds exactly the target users of the SCIM group's members (one DELETE, one INSERT … SELECT). */
export async function copyIdpMembers(store: Store, companyId: string, scimGroupId: string, groupId: string, settingId: string): Promise<void> {
  await clearIdpMembers(store, groupId);
  await store.db
    .insertInto('target_group_members')
    .columns(['company_id', 'group_id', 'target_user_id', 'origin', 'scim_setting_id'])
    .expression(
      store.db
        .selectFrom('scim_group_members as m')
        .innerJoin('target_users as u', 'u.scim_user_id', 'm.user_id')
        .select([text(companyId).as('company_id'), text(groupId).as('group_id'), 'u.id', text('idp').as('origin'), text(settingId).as('scim_setting_id')])
        .where('m.group_id', '=', scimGroupId),
    )
    .onConflict((oc) => oc.columns(['group_id', 'target_user_id']).doNothing())
    .execute();
}

export async function hasScimMembers(store: Store, scimGroupId: string): Promise<boolean> {
  return (await store.db.selectFrom('scim_group_members').select('user_id').where('group_id', '=', scimGroupId).limit(1).executeTakeFirst()) !== undefined;
}
