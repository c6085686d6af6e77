// Sessions of signed-in system users and the failed sign-ins that lock an email out. Both live in the database,
// so every instance behind a load balancer sees the same sessions and counts the same failures.
import type { Store } from './open.ts';

export interface SessionRow {
  id: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  idleSeconds: number;
  idleExpiresAt: string;
  expiresAt: string;
  endedAt: string | null;
}

export interface SessionWithUser extends SessionRow {
  email: string;
  role: string;
  companyId: string | null;
}

export async function insertSession({ db }: Store, s: SessionRow & { tokenHash: string; ip: string | null; userAgent: string | null }): Promise<void> {
  await db
    .insertInto('sessions')
    .values({
      id: s.id,
      token_hash: s.tokenHash,
      user_id: s.userId,
      created_at: s.createdAt,
      last_seen_at: s.lastSeenAt,
      idle_seconds: s.idleSeconds,
      idle_expires_at: s.idleExpiresAt,
      expires_at: s.expiresAt,
      ended_at: s.endedAt,
      ip: s.ip,
      user_agent: s.userAgent,
    })
    .execute();
}

/** The session and its user as they are now (a changed role or a deleted user counts at once). */
export async function findSessionByHash({ db }: Store, tokenHash: string): Promise<SessionWithUser | undefined> {
  const r = await db
    .selectFrom('sessions')
    .innerJoin('system_users', 'system_users.id', 'sessions.user_id')
    .selectAll('sessions')
    .select(['system_users.email', 'system_users.role', 'system_users.company_id'])
    .where('sessions.token_hash', '=', tokenHash)
    .executeTakeFirst();
  return (
    r && {
      id: r.id,
      userId: r.user_id,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      idleSeconds: Number(r.idle_seconds),
      idleExpiresAt: r.idle_expires_at,
      expiresAt: r.expires_at,
      endedAt: r.ended_at,
      email: r.email,
      role: r.role,
      companyId: r.company_id,
    }
  );
}

export async function touchSession({ db }: Store, id: string, lastSeenAt: string, idleExpiresAt: string): Promise<void> {
  await db.updateTable('sessions').set({ last_seen_at: lastSeenAt, idle_expires_at: idleExpiresAt }).where('id', '=', id).where('ended_at', 'is', null).execute();
}

/** Ends a session: it is refused from now on, and pruned with the expired ones. */
export async function endSessionByHash({ db }: Store, tokenHash: string, at: string): Promise<void> {
  await db.updateTable('sessions').set({ ended_at: at, idle_expires_at: at }).where('token_hash', '=', tokenHash).where('ended_at', 'is', null).execute();
}

/** Ends every session of the user but `keepId`'s. */
export async function endUserSessions({ db }: Store, userId: string, at: string, keepId?: string): Promise<void> {
  let q = db.updateTable('sessions').set({ ended_at: at, idle_expires_at: at }).where('user_id', '=', userId).where('ended_at', 'is', null);
  if (keepId !== undefined) q = q.where('id', '!=', keepId);
  await q.execute();
}

/** Removes up to `batch` sessions expired or ended before `before`; how many. */
export async function pruneSessions({ db }: Store, before: string, batch: number): Promise<number> {
  const doomed = db.selectFrom('sessions').select('id').where('idle_expires_at', '<', before).orderBy('idle_expires_at').limit(batch);
  return Number((await db.deleteFrom('sessions').where('id', 'in', doomed).executeTakeFirst()).numDeletedRows);
}

export async function findLockout({ db }: Store, emailCi: string): Promise<string | null> {
  const r = await db.selectFrom('sign_in_failures').select('locked_until').where('email_ci', '=', emailCi).executeTakeFirst();
  return r?.locked_until ?? null;
}

/** Counts one more failure for the email and returns the count: consecutive failures, each within `windowStart`
 *  of the one before (an older count starts again at 1). One upsert, so instances counting at once add up. */
export async function countFailure({ db }: Store, emailCi: string, at: string, windowStart: string): Promise<number> {
  const row = await db
    .insertInto('sign_in_failures')
    .values({ email_ci: emailCi, failures: 1, last_failed_at: at, locked_until: null })
    .onConflict((oc) =>
      oc.column('email_ci').doUpdateSet((eb) => ({
        failures: eb.case().when('sign_in_failures.last_failed_at', '<', windowStart).then(1).else(eb('sign_in_failures.failures', '+', 1)).end(),
        last_failed_at: at,
      })),
    )
    .returning('failures')
    .executeTakeFirstOrThrow();
  return Number(row.failures);
}

/** Refuses the email until `until`; the count starts again after it. */
export async function lockOut({ db }: Store, emailCi: string, until: string): Promise<void> {
  await db.updateTable('sign_in_failures').set({ locked_until: until, failures: 0 }).where('email_ci', '=', emailCi).execute();
}

export async function clearFailures({ db }: Store, emailCi: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('email_ci', '=', emailCi).execute();
}

/** Removes up to `batch` failure counts whose last failure (and so any lockout) is older than `before`. */
export async function pruneSignInFailures({ db }: Store, before: string, batch: number): Promise<number> {
  const doomed = db.selectFrom('sign_in_failures').select('email_ci').where('last_failed_at', '<', before).orderBy('last_failed_at').limit(batch);
  return Number((await db.deleteFrom('sign_in_failures').where('email_ci', 'in', doomed).executeTakeFirst()).numDeletedRows);
}
