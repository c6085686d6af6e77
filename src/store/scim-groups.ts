// SCIM Group resources. Members live in scim_group_members, one row each: adding or removing one member is one
// indexed statement whatever the group's size, and a group read without members never touches that table.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { foldString } from '../scim/fold.ts';
import { foldResource, type ScimResource } from '../scim/resource.ts';
import type { MemberChange } from '../scim/patch/apply.ts';
import { chunks } from './chunks.ts';
import { MissingReferences, UniqueViolation } from './errors.ts';
import { listResources, type ListPage } from './list.ts';
import { inTransaction, type Store } from './open.ts';
import { groupColumns } from './sql-dialect.ts';
import type { ListQuery } from '../scim/list-query.ts';
import type { Database, ScimGroupsTable } from './schema.ts';
import { existingUserIds } from './scim-users.ts';

export interface GroupRecord {
  id: string;
  companyId: string;
  settingId: string;
  displayName: string;
  externalId: string | null;
  /** Canonical SCIM wire form without id, meta and members. */
  resource: ScimResource;
  version: number;
  createdAt: string;
  updatedAt: string;
}

type Db = Kysely<Database> | Transaction<Database>;

export function toGroupRecord(store: Store, r: Selectable<ScimGroupsTable>): GroupRecord {
  return {
    id: r.id,
    companyId: r.company_id,
    settingId: r.scim_setting_id,
    displayName: r.display_name,
    externalId: r.external_id,
    resource: store.dialect.fromJson<ScimResource>(r.resource),
    version: Number(r.version),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function columns(store: Store, g: GroupRecord) {
  return {
    display_name: g.displayName,
    display_name_ci: foldString(g.displayName),
    external_id: g.externalId,
    resource: store.dialect.toJson(g.resource),
    resource_ci: store.dialect.toJson(foldResource('Group', g.resource)),
    version: g.version,
    updated_at: g.updatedAt,
  };
}


/** RFC 7644 §3.5.2: an unknown member is an error and nothing is applied. Only users can be members. */
async function requireUsers(db: Db, companyId: string, ids: readonly string[]): Promise<void> {
  if (!ids.length) return;
  const found = await existingUserIds(db, companyId, ids);
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw new MissingReferences('user', missing);
}

async function addMembers(db: Db, companyId: string, groupId: string, ids: readonly string[]): Promise<void> {
  // Three parameters per row.
  for (const chunk of chunks(ids, 3)) {
    const rows = chunk.map((user_id) => ({ company_id: companyId, group_id: groupId, user_id }));
    // Adding an existing member is a no-op (idp-requests.md §6 rule 6).
    await db.insertInto('scim_group_members').values(rows).onConflict((oc) => oc.columns(['group_id', 'user_id']).doNothing()).execute();
  }
}

async function removeMembers(db: Db, groupId: string, ids: readonly string[]): Promise<void> {
  for (const chunk of chunks(ids, 1, 1)) {
    await db.deleteFrom('scim_group_members').where('group_id', '=', groupId).where('user_id', 'in', chunk).execute();
  }
}

async function applyMemberChanges(db: Db, g: GroupRecord, changes: readonly MemberChange[]): Promise<void> {
  for (const change of changes) {
    switch (change.op) {
      case 'add':
        await requireUsers(db, g.companyId, change.ids);
        await addMembers(db, g.companyId, g.id, change.ids);
        break;
      case 'remove':
        await removeMembers(db, g.id, change.ids);
        break;
      case 'removeAll':
        await db.deleteFrom('scim_group_members').where('group_id', '=', g.id).execute();
        break;
      case 'replace':
        await requireUsers(db, g.companyId, change.ids);
        await db.deleteFrom('scim_group_members').where('group_id', '=', g.id).execute();
        await addMembers(db, g.companyId, g.id, change.ids);
        break;
    }
  }
}

async function translateUnique<T>(store: Store, displayName: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (e) {
    // (company_id, display_name_ci) is the only unique index a group write can hit besides random ids.
    if (store.dialect.isUniqueViolation(e)) throw new UniqueViolation('group', 'displayName', displayName);
    throw e;
  }
}

/** How many of `ids` are members of the group, chunked like the writes. */
async function countMembers(db: Db, groupId: string, ids: readonly string[]): Promise<number> {
  let n = 0;
  for (const chunk of chunks(ids, 1, 1)) {
    const row = await db
      .selectFrom('scim_group_members')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('group_id', '=', groupId)
      .where('user_id', 'in', chunk)
      .executeTakeFirstOrThrow();
    n += Number(row.n);
  }
  return n;
}

/**
 * Whether `changes` would leave the membership as it is: adding present members, removing absent ones,
 * replacing with the same set. An IdP re-sending membership (Entra every cycle) then changes nothing, not
 * even the group's version. Each change is checked against the state the earlier ones left, which is the
 * current state as long as they were no-ops. Reads are indexed: one per MAX_PARAMETERS ids named.
 */
export async function memberChangesAreNoOps(store: Store, groupId: string, changes: readonly MemberChange[]): Promise<boolean> {
  const total = async () => {
    const row = await store.db
      .selectFrom('scim_group_members')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('group_id', '=', groupId)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  };
  for (const change of changes) {
    if (change.op === 'removeAll') {
      if ((await total()) !== 0) return false;
      continue;
    }
    const ids = [...new Set(change.ids)];
    const present = await countMembers(store.db, groupId, ids);
    if (change.op === 'add' && present !== ids.length) return false;
    if (change.op === 'remove' && present !== 0) return false;
    if (change.op === 'replace' && (present !== ids.length || (await total()) !== ids.length)) return false;
  }
  return true;
}

export async function insertGroup(store: Store, g: GroupRecord, memberIds: readonly string[]): Promise<void> {
  await translateUnique(store, g.displayName, () =>
    inTransaction(store, async ({ db: tx }) => {
      await tx
        .insertInto('scim_groups')
        .values({ ...columns(store, g), company_id: g.companyId, id: g.id, scim_setting_id: g.settingId, created_at: g.createdAt })
        .execute();
      await applyMemberChanges(tx, g, [{ op: 'add', ids: memberIds }]);
    }),
  );
}

/** `forUpdate` locks the row until the caller's transaction ends (where the database has row locks). */
export async function findGroup(store: Store, companyId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<GroupRecord | undefined> {
  let q = store.db.selectFrom('scim_groups').selectAll().where('company_id', '=', companyId).where('id', '=', id);
  if (options.forUpdate && store.dialect.lockRows) q = q.forUpdate();
  const row = await q.executeTakeFirst();
  return row && toGroupRecord(store, row);
}

/**
 * Writes the group and its member changes in one transaction, only if the stored version is still
 * `expectedVersion`; false means a concurrent writer won and the caller should re-read.
 */
export async function updateGroup(store: Store, g: GroupRecord, expectedVersion: number, changes: readonly MemberChange[]): Promise<boolean> {
  return translateUnique(store, g.displayName, () =>
    inTransaction(store, async ({ db: tx }) => {
      const result = await tx
        .updateTable('scim_groups')
        .set(columns(store, g))
        .where('company_id', '=', g.companyId)
        .where('id', '=', g.id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      await applyMemberChanges(tx, g, changes);
      return true;
    }),
  );
}

export async function deleteGroup(store: Store, companyId: string, id: string, expectedVersion?: number): Promise<boolean> {
  let q = store.db.deleteFrom('scim_groups').where('company_id', '=', companyId).where('id', '=', id);
  if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
  const result = await q.executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** The SCIM setting that provisioned the company's group with this displayName (folded), for a conflict's
 *  message; undefined when there is none (any more). */
export async function displayNameOwner(store: Store, companyId: string, displayName: string): Promise<{ settingId: string; settingName: string } | undefined> {
  return store.db
    .selectFrom('scim_groups as g')
    .innerJoin('scim_settings as s', 's.id', 'g.scim_setting_id')
    .select(['s.id as settingId', 's.name as settingName'])
    .where('g.company_id', '=', companyId)
    .where('g.display_name_ci', '=', foldString(displayName))
    .executeTakeFirst();
}

export function listGroups(store: Store, companyId: string, query: ListQuery): Promise<ListPage<GroupRecord>> {
  return listResources(store, { type: 'Group', table: 'scim_groups', columns: groupColumns, toRecord: toGroupRecord }, companyId, query);
}
