// SCIM User resources as the IdP pushed them. The row keeps the resource JSON plus the columns IdPs filter on
// (userName folded, externalId, active, timestamps) and one row per email, so lookups stay indexed.
import type { Kysely, Selectable, Transaction } from 'kysely';
import { foldString } from '../scim/fold.ts';
import { foldResource } from '../scim/resource.ts';
import type { ScimResource } from '../scim/resource.ts';
import { chunks } from './chunks.ts';
import { UniqueViolation } from './errors.ts';
import { listResources, type ListPage } from './list.ts';
import { inTransaction, type Store } from './open.ts';
import { prepared } from './prepared.ts';
import { userColumns } from './sql-dialect.ts';
import type { ListQuery } from '../scim/list-query.ts';
import type { Database, ScimUsersTable } from './schema.ts';

export interface UserRecord {
  id: string;
  companyId: string;
  settingId: string;
  userName: string;
  externalId: string | null;
  active: boolean;
  /** Canonical SCIM wire form without id, meta, groups and password. */
  resource: ScimResource;
  version: number;
  createdAt: string;
  updatedAt: string;
}

type Db = Kysely<Database> | Transaction<Database>;

export function toUserRecord(store: Store, r: Selectable<ScimUsersTable>): UserRecord {
  return {
    id: r.id,
    companyId: r.company_id,
    settingId: r.scim_setting_id,
    userName: r.user_name,
    externalId: r.external_id,
    active: Boolean(r.active),
    resource: store.dialect.fromJson<ScimResource>(r.resource),
    version: Number(r.version),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

function columns(store: Store, u: UserRecord) {
  return {
    user_name: u.userName,
    user_name_ci: foldString(u.userName),
    external_id: u.externalId,
    active: store.dialect.toBool(u.active),
    resource: store.dialect.toJson(u.resource),
    resource_ci: store.dialect.toJson(foldResource('User', u.resource)),
    version: u.version,
    updated_at: u.updatedAt,
  };
}

function emailRows(store: Store, u: UserRecord) {
  const emails = Array.isArray(u.resource.emails) ? (u.resource.emails as Record<string, unknown>[]) : [];
  return emails
    .filter((e) => typeof e.value === 'string')
    .map((e) => ({
      company_id: u.companyId,
      user_id: u.id,
      value_ci: foldString(e.value as string),
      type_ci: typeof e.type === 'string' ? foldString(e.type) : null,
      is_primary: store.dialect.toBool(e.primary === true),
    }));
}

/** One row per email, five parameters each, in as many statements as the user's emails need. */
async function insertEmails(store: Store, db: Db, u: UserRecord): Promise<void> {
  for (const rows of chunks(emailRows(store, u), 5)) await db.insertInto('scim_user_emails').values(rows).execute();
}

// The one unique index a user write can hit besides the primary key (a random UUID): (company_id, user_name_ci).
const uniqueness = (userName: string) => new UniqueViolation('user', 'userName', userName);

export async function insertUser(store: Store, u: UserRecord): Promise<void> {
  try {
    await inTransaction(store, async ({ db: tx }) => {
      await tx
        .insertInto('scim_users')
        .values({ ...columns(store, u), company_id: u.companyId, id: u.id, scim_setting_id: u.settingId, created_at: u.createdAt })
        .execute();
      await insertEmails(store, tx, u);
    });
  } catch (e) {
    if (store.dialect.isUniqueViolation(e)) throw uniqueness(u.userName);
    throw e;
  }
}

/** `forUpdate` locks the row until the caller's transaction ends (where the database has row locks). */
export async function findUser(store: Store, companyId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<UserRecord | undefined> {
  const statement = options.forUpdate && store.dialect.lockRows ? userByIdForUpdate : userById;
  const [row] = (await statement.run(store, { companyId, id })).rows;
  return row && toUserRecord(store, row);
}

type UserKey = { companyId: string; id: string };
const userByIdQuery = (db: Kysely<Database>, a: UserKey) => db.selectFrom('scim_users').selectAll().where('company_id', '=', a.companyId).where('id', '=', a.id);
const userById = prepared(userByIdQuery);
const userByIdForUpdate = prepared((db, a: UserKey) => userByIdQuery(db, a).forUpdate());

/**
 * Writes `u` only if the stored version is still `expectedVersion` (optimistic concurrency: a concurrent
 * writer makes this return false and the caller re-reads). Race-safe on both stores.
 */
export async function updateUser(store: Store, u: UserRecord, expectedVersion: number): Promise<boolean> {
  try {
    return await inTransaction(store, async ({ db: tx }) => {
      const result = await tx
        .updateTable('scim_users')
        .set(columns(store, u))
        .where('company_id', '=', u.companyId)
        .where('id', '=', u.id)
        .where('version', '=', expectedVersion)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) return false;
      await tx.deleteFrom('scim_user_emails').where('user_id', '=', u.id).execute();
      await insertEmails(store, tx, u);
      return true;
    });
  } catch (e) {
    if (store.dialect.isUniqueViolation(e)) throw uniqueness(u.userName);
    throw e;
  }
}

/**
 * Deletes the user, its email rows and its memberships (ON DELETE CASCADE). The groups it belonged to get a
 * new version and lastModified `at`: their member list changed, so a cached copy must not be answered 304.
 */
export async function deleteUser(store: Store, companyId: string, id: string, at: string, expectedVersion?: number): Promise<boolean> {
  return inTransaction(store, async ({ db: tx }) => {
    const groups = await tx.selectFrom('scim_group_members').select('group_id').where('user_id', '=', id).where('company_id', '=', companyId).execute();
    let q = tx.deleteFrom('scim_users').where('company_id', '=', companyId).where('id', '=', id);
    if (expectedVersion !== undefined) q = q.where('version', '=', expectedVersion);
    const result = await q.executeTakeFirst();
    if (result.numDeletedRows === 0n) return false;
    const groupIds = groups.map((g) => g.group_id);
    // The group ids, plus company_id, updated_at and the version increment.
    for (const chunk of chunks(groupIds, 1, 3)) {
      await tx
        .updateTable('scim_groups')
        .set((eb) => ({ version: eb('version', '+', 1), updated_at: at }))
        .where('company_id', '=', companyId)
        .where('id', 'in', chunk)
        .execute();
    }
    return true;
  });
}

/** Which of `ids` are users of the company. Chunked so a 100,000-member PUT stays within bind limits. */
export async function existingUserIds(db: Db, companyId: string, ids: readonly string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const chunk of chunks(ids, 1, 1)) {
    const rows = await db.selectFrom('scim_users').select('id').where('company_id', '=', companyId).where('id', 'in', chunk).execute();
    for (const r of rows) found.add(r.id);
  }
  return found;
}

/** The SCIM setting that provisioned the company's user with this userName (folded, as the unique index
 *  compares it), for a conflict's message; undefined when there is none (any more). */
export async function userNameOwner(store: Store, companyId: string, userName: string): Promise<{ settingId: string; settingName: string } | undefined> {
  return store.db
    .selectFrom('scim_users as u')
    .innerJoin('scim_settings as s', 's.id', 'u.scim_setting_id')
    .select(['s.id as settingId', 's.name as settingName'])
    .where('u.company_id', '=', companyId)
    .where('u.user_name_ci', '=', foldString(userName))
    .executeTakeFirst();
}

export async function listUsers(store: Store, companyId: string, query: ListQuery): Promise<ListPage<UserRecord>> {
  const userName = userNameLookup(query);
  if (userName === undefined) return listResources(store, { type: 'User', table: 'scim_users', columns: userColumns, toRecord: toUserRecord }, companyId, query);
  const { rows } = await userNamePage.run(store, { companyId, userNameCi: foldString(userName), limit: query.count });
  // The unique (company_id, user_name_ci) index leaves at most one match, so the page is the whole set.
  return { records: rows.map((r) => toUserRecord(store, r)), totalResults: rows.length };
}

/** The userName of a first page filtered by exactly `userName eq "…"` (what IdPs send before every create),
 *  unsorted and not cursor-paged; undefined for any other query, which the generic compiler answers. */
function userNameLookup(q: ListQuery): string | undefined {
  const f = q.filter;
  if (f?.kind !== 'compare' || f.op !== 'eq' || typeof f.value !== 'string') return undefined;
  if (f.path.uri !== undefined || f.path.sub !== undefined || f.path.attr.toLowerCase() !== 'username') return undefined;
  if (q.sortBy !== undefined || q.cursor !== undefined || q.startIndex !== 1 || q.count < 1) return undefined;
  return f.value;
}

// The statement listResources builds for that query.
const userNamePage = prepared((db, a: { companyId: string; userNameCi: string; limit: number }) =>
  db
    .selectFrom('scim_users as u')
    .selectAll('u')
    .where('u.company_id', '=', a.companyId)
    .where('u.user_name_ci', '=', a.userNameCi)
    .orderBy('u.created_at')
    .orderBy('u.id')
    .limit(a.limit)
    .offset(0),
);
