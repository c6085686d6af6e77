// Target groups as admins manage them. Groups synchronised from an IdP are the IdP's: read-only here. Groups a
// setting's rules made (its target group, value groups) may be deleted; a rule that needs the name again
// brings the same group back.
import { appendAudit } from '../store/audit-log.ts';
import { inTransaction, type Store } from '../store/open.ts';
import { findScimSetting } from '../store/scim-settings.ts';
import { ensureGroup, findGroup, groupNamed, listGroupRecords, softDeleteGroup, type GroupListing } from '../store/target-groups.ts';
import type { Actor } from './audit.ts';
import { requireCompany } from './companies.ts';
import { AdminError } from './errors.ts';
import { newId } from '../store/ids.ts';
import { pageTargetUsers } from '../store/target-user-reads.ts';
import { pageSize } from './target-users.ts';

export const MAX_GROUP_NAME = 256;

export interface GroupJson {
  id: string;
  name: string;
  source: string;
  settingId: string | null;
  memberCount: number;
  createdAt: string;
}

const groupJson = (g: GroupListing): GroupJson => ({ id: g.id, name: g.name, source: g.source, settingId: g.settingId, memberCount: g.memberCount, createdAt: g.createdAt });

export async function listGroups(store: Store, companyId: string, page: { limit?: number; after?: string } = {}): Promise<GroupJson[]> {
  await requireCompany(store, companyId);
  const limit = page.limit ?? 1000;
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 10_000) throw new AdminError('invalid', `--limit must be from 1 to 10000, got ${limit}`);
  return (await listGroupRecords(store, companyId, { limit, ...(page.after !== undefined ? { afterName: page.after } : {}) })).map(groupJson);
}

export async function createGroup(store: Store, companyId: string, rawName: string, actor: Actor, now = new Date()): Promise<GroupJson> {
  const name = rawName.trim();
  if (!name || [...name].length > MAX_GROUP_NAME) throw new AdminError('invalid', `A group name has 1 to ${MAX_GROUP_NAME} characters`);
  return inTransaction(store, async (tx) => {
    await requireCompany(tx, companyId);
    const taken = await groupNamed(tx, companyId, name);
    if (taken && !taken.deletedAt) throw new AdminError('conflict', `The company already has a group named "${taken.name}" (${taken.id})`);
    const at = now.toISOString();
    const { id } = await ensureGroup(tx, { companyId, name, source: 'manual', settingId: null, now: at });
    await appendAudit(tx, { id: newId(), companyId, at, ...actor, entity: 'group', entityId: id, operation: 'create', oldValue: null, newValue: { name } });
    return { id, name, source: 'manual', settingId: null, memberCount: 0, createdAt: taken?.createdAt ?? at };
  });
}

export async function deleteGroup(store: Store, companyId: string, id: string, actor: Actor, now = new Date()): Promise<void> {
  await inTransaction(store, async (tx) => {
    const group = await findGroup(tx, companyId, id);
    if (!group) throw new AdminError('notFound', `No group with id ${id} in this company`);
    if (group.source === 'idp') {
      const setting = group.settingId ? await findScimSetting(tx, group.settingId) : undefined;
      throw new AdminError('conflict', `Group "${group.name}" is synchronised from the identity provider by SCIM setting "${setting?.name ?? group.settingId}"; remove it there`);
    }
    const at = now.toISOString();
    await softDeleteGroup(tx, id, at);
    await appendAudit(tx, { id: newId(), companyId, at, ...actor, entity: 'group', entityId: id, operation: 'delete', oldValue: { name: group.name, source: group.source }, newValue: null });
  });
}

export interface MemberJson {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  active: boolean;
}

/** A page of a group's members in id order (the membership index), whatever the group's size. */
export async function listGroupMembers(store: Store, companyId: string, groupId: string, page: { limit?: number; after?: string } = {}): Promise<MemberJson[]> {
  const group = await findGroup(store, companyId, groupId);
  if (!group) throw new AdminError('notFound', `No group with id ${groupId} in this company`);
  const rows = await pageTargetUsers(store, { companyId, groupId, limit: pageSize(page.limit), ...(page.after !== undefined ? { afterId: page.after } : {}) });
  return rows.map((r) => ({ id: r.id, email: r.email, firstName: r.firstName, lastName: r.lastName, active: r.active }));
}
