// The company's count of active target users, changed in the same transaction as the users it counts, so a
// licence check reads one row instead of counting a million. PostgreSQL re-checks the WHERE clause of an
// UPDATE after waiting for a concurrent writer's row lock, so an enforced limit holds across instances.
import { sql, type Kysely } from 'kysely';
import type { Store } from './open.ts';
import { prepared } from './prepared.ts';
import type { Database } from './schema.ts';

export interface LicenceUsage {
  activeUsers: number;
  limit: number | null;
  /** Usage is over the limit (whether enforced or not). */
  over: boolean;
}

/**
 * Adds `delta` to the company's active users and keeps the over-limit flag (set when usage first goes over,
 * cleared once back within). `refuseOverEnforced`: an increase past an enforced limit changes nothing and
 * answers undefined.
 */
export async function changeActiveUsers(store: Store, companyId: string, delta: number, at: string, refuseOverEnforced: boolean): Promise<LicenceUsage | undefined> {
  const statement = refuseOverEnforced && delta > 0 ? addWithinEnforcedLimit : addActiveUsers;
  const [row] = (await statement.run(store, { companyId, delta, at })).rows;
  if (!row) return undefined;
  const activeUsers = Number(row.active_users);
  return { activeUsers, limit: row.license_limit, over: row.license_limit !== null && activeUsers > row.license_limit };
}

// Every SCIM user create and (de)activation runs one of these.
type Change = { companyId: string; delta: number; at: string };
const next = (a: Change) => sql<number>`active_users + ${a.delta}`;
const change = (db: Kysely<Database>, a: Change) =>
  db
    .updateTable('companies')
    .set({
      active_users: next(a),
      license_exceeded_at: sql<string | null>`CASE WHEN license_limit IS NOT NULL AND ${next(a)} > license_limit THEN COALESCE(license_exceeded_at, ${a.at}) ELSE NULL END`,
    })
    .where('id', '=', a.companyId);
const returned = ['active_users', 'license_limit'] as const;
const addActiveUsers = prepared((db, a: Change) => change(db, a).returning(returned));
const addWithinEnforcedLimit = prepared((db, a: Change, dialect) =>
  change(db, a)
    .where((eb) => eb.or([eb('license_enforce', '=', dialect.toBool(false)), eb('license_limit', 'is', null), eb(next(a), '<=', eb.ref('license_limit'))]))
    .returning(returned),
);

export async function licenceUsage(store: Store, companyId: string): Promise<LicenceUsage | undefined> {
  const row = await store.db.selectFrom('companies').select(['active_users', 'license_limit']).where('id', '=', companyId).executeTakeFirst();
  if (!row) return undefined;
  const activeUsers = Number(row.active_users);
  return { activeUsers, limit: row.license_limit, over: row.license_limit !== null && activeUsers > row.license_limit };
}
