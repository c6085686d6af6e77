// Target groups: per company, names unique ignoring case, a source (setting, rule, idp, manual). A deleted
// group keeps its row, so a rule that needs its name again brings the same group back.
import { sql } from 'kysely';
import { newId } from './ids.ts';
import { foldString } from '../scim/fold.ts';
import type { Store } from './open.ts';

export type GroupSource = 'setting' | 'rule' | 'idp' | 'manual';

export interface TargetGroupRow {
  id: string;
  companyId: string;
  name: string;
  source: GroupSource;
  settingId: string | null;
  scimGroupId: string | null;
  deletedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const toRow = (r: any): TargetGroupRow => ({
  id: r.id,
  companyId: r.company_id,
  name: r.name,
  source: r.source,
  settingId: r.scim_setting_id,
  scimGroupId: r.scim_group_id,
  deletedAt: r.deleted_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/**
 * The live group of that name, created on demand or brought back when an admin deleted it. Concurrent
 * requests needing the same new group meet on the unique (company_id, name_ci) index: the loser's INSERT does
 * nothing and it reads the winner's row.
 */
export async function ensureGroup(
  store: Store,
  g: { companyId: string; name: string; source: GroupSource; settingId: string | null; now: string },
): Promise<{ id: string; created: boolean }> {
  const nameCi = foldString(g.name);
  const existing = await groupNamed(store, g.companyId, g.name);
  if (existing && !existing.deletedAt) return { id: existing.id, created: false };
  if (existing) {
    await store.db
      .updateTable('target_groups')
      .set({ deleted_at: null, source: g.source, scim_setting_id: g.settingId, updated_at: g.now })
      .where('id', '=', existing.id)
      .execute();
    return { id: existing.id, created: true };
  }
  const id = newId();
  const inserted = await store.db
    .insertInto('target_groups')
    .values({ id, company_id: g.companyId, name: g.name, name_ci: nameCi, source: g.source, scim_setting_id: g.settingId, scim_group_id: null, deleted_at: null, created_at: g.now, updated_at: g.now })
    .onConflict((oc) => oc.columns(['company_id', 'name_ci']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id, created: true };
  const row = await groupNamed(store, g.companyId, g.name);
  if (!row) throw new Error(`Group "${g.name}" vanished while being created`);
  return { id: row.id, created: false };
}

/** The group of that name (ignoring case), deleted or not. */
export async function groupNamed(store: Store, companyId: string, name: string): Promise<TargetGroupRow | undefined> {
  const r = await store.db.selectFrom('target_groups').selectAll().where('company_id', '=', companyId).where('name_ci', '=', foldString(name)).executeTakeFirst();
  return r && toRow(r);
}

export async function findGroup(store: Store, companyId: string, id: string): Promise<TargetGroupRow | undefined> {
  const r = await store.db.selectFrom('target_groups').selectAll().where('company_id', '=', companyId).where('id', '=', id).where('deleted_at', 'is', null).executeTakeFirst();
  return r && toRow(r);
}

/** The group leaves every member (rows go); its row stays, deleted, so its name can come back. */
export async function softDeleteGroup(store: Store, id: string, now: string): Promise<void> {
  await store.db.deleteFrom('target_group_members').where('group_id', '=', id).execute();
  await store.db.updateTable('target_groups').set({ deleted_at: now, updated_at: now }).where('id', '=', id).execute();
}

export interface GroupListing extends TargetGroupRow {
  memberCount: number;
}

/**
 * A page of the company's live groups in name order, each with its member count (one indexed count per
 * group on the primary key's group_id prefix). IdP groups without members are not shown: an empty IdP group
 * is no platform group an admin should target.
 */
export async function listGroupRecords(store: Store, companyId: string, page: { limit: number; afterName?: string }): Promise<GroupListing[]> {
  let q = store.db
    .selectFrom('target_groups as g')
    .selectAll('g')
    .select((eb) => eb.selectFrom('target_group_members as m').select(sql<number>`count(*)`.as('n')).whereRef('m.group_id', '=', 'g.id').as('member_count'))
    .where('g.company_id', '=', companyId)
    .where('g.deleted_at', 'is', null)
    .where((eb) => eb.or([eb('g.source', '!=', 'idp'), eb.exists(eb.selectFrom('target_group_members as e').select('e.group_id').whereRef('e.group_id', '=', 'g.id'))]));
  if (page.afterName !== undefined) q = q.where('g.name_ci', '>', foldString(page.afterName));
  const rows = await q.orderBy('g.name_ci').limit(page.limit).execute();
  return rows.map((r) => ({ ...toRow(r), memberCount: Number(r.member_count) }));
}
