// Reads of membership rows in both directions: a group's members, a user's groups (RFC 7643 §4.1.2, derived
// and readOnly). One query per page of resources, never one per resource.
import { chunks } from './chunks.ts';
import type { Kysely } from 'kysely';
import type { Store } from './open.ts';
import { prepared } from './prepared.ts';
import type { Database } from './schema.ts';

export interface MemberRef {
  value: string;
  display: string;
}

/**
 * Runs `query` for slices of `ids` (one parameter each, plus the company) and buckets its rows by `key`.
 * Each id's rows come whole from one slice, so each bucket keeps the query's order.
 */
async function bucketed<T>(
  ids: readonly string[],
  query: (slice: string[]) => Promise<T[]>,
  key: (row: T) => string,
  ref: (row: T) => MemberRef,
): Promise<Map<string, MemberRef[]>> {
  const by = new Map<string, MemberRef[]>();
  for (const slice of chunks(ids, 1, 1)) {
    for (const row of await query(slice)) {
      const list = by.get(key(row)) ?? [];
      list.push(ref(row));
      by.set(key(row), list);
    }
  }
  return by;
}

/** Members of the given groups, with the user's userName as `display`, ordered by it. */
export async function membersOfGroups(store: Store, companyId: string, groupIds: readonly string[]): Promise<Map<string, MemberRef[]>> {
  return bucketed(
    groupIds,
    (slice) =>
      store.db
        .selectFrom('scim_group_members as m')
        .innerJoin('scim_users as u', 'u.id', 'm.user_id')
        .select(['m.group_id', 'u.id', 'u.user_name'])
        .where('m.company_id', '=', companyId)
        .where('m.group_id', 'in', slice)
        .orderBy('m.group_id')
        .orderBy('u.user_name_ci')
        .execute(),
    (r) => r.group_id,
    (r) => ({ value: r.id, display: r.user_name }),
  );
}

/** The groups each of the given users belongs to, ordered by displayName. */
export async function groupsOfUsers(store: Store, companyId: string, userIds: readonly string[]): Promise<Map<string, MemberRef[]>> {
  return bucketed(
    userIds,
    async (slice) =>
      // One user (GET /Users/{id}, a userName lookup) is the common case and keeps one shape.
      slice.length === 1 ? (await groupsOfOneUser.run(store, { companyId, userId: slice[0]! })).rows : groupsOfUsersQuery(store.db, companyId, slice).execute(),
    (r) => r.user_id,
    (r) => ({ value: r.id, display: r.display_name }),
  );
}

const groupsOfUsersQuery = (db: Kysely<Database>, companyId: string, userIds: readonly string[]) =>
  db
    .selectFrom('scim_group_members as m')
    .innerJoin('scim_groups as g', 'g.id', 'm.group_id')
    .select(['m.user_id', 'g.id', 'g.display_name'])
    .where('m.company_id', '=', companyId)
    .where('m.user_id', 'in', userIds)
    .orderBy('g.display_name_ci');

const groupsOfOneUser = prepared((db, a: { companyId: string; userId: string }) => groupsOfUsersQuery(db, a.companyId, [a.userId]));
