// System users (the people who administer Roster) and their invitations. Emails are unique ignoring case
// (email_ci, folded in JavaScript as everywhere). An installation has system users in the thousands at most.
import type { Selectable } from 'kysely';
import { UniqueViolation } from './errors.ts';
import type { Store } from './open.ts';
import type { SystemUsersTable } from './schema.ts';

export interface SystemUserRow {
  id: string;
  email: string;
  emailCi: string;
  role: string;
  companyId: string | null;
  passwordHash: string | null;
  createdAt: string;
  lastSignInAt: string | null;
  /** From sign_in_failures: until when sign-in for this email is refused, if it is. */
  lockedUntil: string | null;
}

type Joined = Selectable<SystemUsersTable> & { locked_until: string | null };

const toRow = (r: Joined): SystemUserRow => ({
  id: r.id,
  email: r.email,
  emailCi: r.email_ci,
  role: r.role,
  companyId: r.company_id,
  passwordHash: r.password_hash,
  createdAt: r.created_at,
  lastSignInAt: r.last_sign_in_at,
  lockedUntil: r.locked_until,
});

const users = ({ db }: Store) =>
  db
    .selectFrom('system_users')
    .leftJoin('sign_in_failures', 'sign_in_failures.email_ci', 'system_users.email_ci')
    .selectAll('system_users')
    .select('sign_in_failures.locked_until');

/** UniqueViolation when another user has the email, ignoring case. */
export async function insertSystemUser(store: Store, u: Omit<SystemUserRow, 'lockedUntil'>): Promise<void> {
  try {
    await store.db
      .insertInto('system_users')
      .values({ id: u.id, email: u.email, email_ci: u.emailCi, role: u.role, company_id: u.companyId, password_hash: u.passwordHash, created_at: u.createdAt, last_sign_in_at: u.lastSignInAt })
      .execute();
  } catch (e) {
    if (store.dialect.isUniqueViolation(e)) throw new UniqueViolation('system user', 'email', u.email);
    throw e;
  }
}

export async function findSystemUser(store: Store, id: string): Promise<SystemUserRow | undefined> {
  const row = await users(store).where('system_users.id', '=', id).executeTakeFirst();
  return row && toRow(row);
}

export async function findSystemUserByEmail(store: Store, emailCi: string): Promise<SystemUserRow | undefined> {
  const row = await users(store).where('system_users.email_ci', '=', emailCi).executeTakeFirst();
  return row && toRow(row);
}

/** Oldest first; one company's, or with null every system user. */
export async function listSystemUserRows(store: Store, companyId: string | null): Promise<SystemUserRow[]> {
  let q = users(store);
  if (companyId !== null) q = q.where('system_users.company_id', '=', companyId);
  return (await q.orderBy('system_users.id').execute()).map(toRow);
}

export async function hasSystemUser({ db }: Store): Promise<boolean> {
  return (await db.selectFrom('system_users').select('id').limit(1).executeTakeFirst()) !== undefined;
}

/** The operators' ids, locked until the transaction ends on PostgreSQL (SQLite's transaction holds the write
 *  lock already), so two deletes at once cannot both see another operator left. */
export async function lockOperators({ db, dialect }: Store): Promise<string[]> {
  const q = db.selectFrom('system_users').select('id').where('role', '=', 'operator');
  return (await (dialect.lockRows ? q.forUpdate() : q).execute()).map((r) => r.id);
}

/** Its sessions and invitations go with it (foreign keys, on delete cascade). */
export async function deleteSystemUserRow({ db }: Store, id: string): Promise<void> {
  await db.deleteFrom('system_users').where('id', '=', id).execute();
}

export async function setPasswordHash({ db }: Store, id: string, hash: string): Promise<void> {
  await db.updateTable('system_users').set({ password_hash: hash }).where('id', '=', id).execute();
}

export async function recordSignIn({ db }: Store, id: string, at: string): Promise<void> {
  await db.updateTable('system_users').set({ last_sign_in_at: at }).where('id', '=', id).execute();
}

export interface InvitationRow {
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export async function insertInvitation({ db }: Store, i: InvitationRow & { tokenHash: string }): Promise<void> {
  await db
    .insertInto('system_user_invitations')
    .values({ id: i.id, user_id: i.userId, token_hash: i.tokenHash, created_at: i.createdAt, expires_at: i.expiresAt, used_at: i.usedAt })
    .execute();
}

export async function findInvitationByHash({ db }: Store, tokenHash: string): Promise<InvitationRow | undefined> {
  const r = await db.selectFrom('system_user_invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  return r && { id: r.id, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at, usedAt: r.used_at };
}

/** Uses the invitation if it is still unused and unexpired: false when another request used it first. Every
 *  other invitation of the user ends with it. Used invitations expire at once, so pruning is one range. */
export async function useInvitation({ db }: Store, i: InvitationRow, at: string): Promise<boolean> {
  const used = await db
    .updateTable('system_user_invitations')
    .set({ used_at: at, expires_at: at })
    .where('id', '=', i.id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', at)
    .executeTakeFirst();
  if (Number(used.numUpdatedRows) !== 1) return false;
  await db.updateTable('system_user_invitations').set({ used_at: at, expires_at: at }).where('user_id', '=', i.userId).where('used_at', 'is', null).execute();
  return true;
}

/** Removes up to `batch` invitations expired (or used) before `before`; how many. */
export async function pruneInvitations({ db }: Store, before: string, batch: number): Promise<number> {
  const doomed = db.selectFrom('system_user_invitations').select('id').where('expires_at', '<', before).orderBy('expires_at').limit(batch);
  return Number((await db.deleteFrom('system_user_invitations').where('id', 'in', doomed).executeTakeFirst()).numDeletedRows);
}
