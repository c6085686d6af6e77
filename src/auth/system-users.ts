// System users: the people who administer Roster, each an operator (every company) or an admin or viewer of
// one company. A user is created with no password and a one-time invitation link that sets it; the same link
// serves a forgotten password. Every change is audited.
import type { Actor } from '../directory/audit.ts';
import { requireCompany } from '../directory/companies.ts';
import { AdminError } from '../directory/errors.ts';
import { normaliseEmail } from '../provisioning/rules/email-address.ts';
import { foldString } from '../scim/fold.ts';
import { appendAudit } from '../store/audit-log.ts';
import { UniqueViolation } from '../store/errors.ts';
import { newId } from '../store/ids.ts';
import { inTransaction, type Store } from '../store/open.ts';
import { clearFailures, endUserSessions } from '../store/sessions.ts';
import {
  deleteSystemUserRow,
  findInvitationByHash,
  findSystemUser,
  findSystemUserByEmail,
  insertInvitation,
  insertSystemUser,
  listSystemUserRows,
  lockOperators,
  recordSignIn,
  setPasswordHash,
  useInvitation,
  type SystemUserRow,
} from '../store/system-users.ts';
import { checkPassword, hashPassword, verifyPassword } from './passwords.ts';
import { actorOf, ROLES, type ClientInfo, type Principal, type Role } from './principal.ts';
import { randomSecret, SECRET_PATTERN, sha256 } from './secrets.ts';
import { DEFAULT_SESSION_POLICY, startSession, type NewSession, type SessionPolicy } from './sessions.ts';

export interface SystemUserJson {
  id: string;
  email: string;
  role: Role;
  companyId: string | null;
  /** invited: no password set yet; locked: sign-in refused for now after repeated failures. */
  status: 'invited' | 'active' | 'locked';
  createdAt: string;
  lastSignInAt: string | null;
}

export const INVITATION_DAYS = 7;
const INVALID_INVITATION = 'This invitation link is invalid or has expired; ask for a new one';

function userJson(u: SystemUserRow, now = new Date()): SystemUserJson {
  const status = u.passwordHash === null ? 'invited' : u.lockedUntil !== null && u.lockedUntil > now.toISOString() ? 'locked' : 'active';
  return { id: u.id, email: u.email, role: u.role as Role, companyId: u.companyId, status, createdAt: u.createdAt, lastSignInAt: u.lastSignInAt };
}

const audited = (u: Pick<SystemUserRow, 'email' | 'role' | 'companyId'>) => ({ email: u.email, role: u.role, companyId: u.companyId });

async function requireUser(store: Store, id: string): Promise<SystemUserRow> {
  const u = await findSystemUser(store, id);
  if (!u) throw new AdminError('notFound', `No system user with id ${id} (roster system-user list shows them)`);
  return u;
}

/** A new one-time invitation for the user, inside the caller's transaction. */
async function invite(tx: Store, userId: string, now: Date): Promise<{ invitationToken: string; invitationExpiresAt: string }> {
  const invitationToken = randomSecret();
  const invitationExpiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000).toISOString();
  await insertInvitation(tx, { id: newId(now.getTime()), userId, tokenHash: sha256(invitationToken), createdAt: now.toISOString(), expiresAt: invitationExpiresAt, usedAt: null });
  return { invitationToken, invitationExpiresAt };
}

/**
 * Creates a user with no password and a one-time invitation token (valid INVITATION_DAYS days; only its
 * SHA-256 stored). operator ⇒ no company; admin and viewer ⇒ an existing company. Email unique ignoring case.
 */
export async function createSystemUser(
  store: Store,
  input: { email: string; role: Role; companyId?: string | null },
  actor: Actor,
  now = new Date(),
): Promise<{ user: SystemUserJson; invitationToken: string; invitationExpiresAt: string }> {
  const email = normaliseEmail(input.email);
  if (!email.ok) throw new AdminError('invalid', `"${input.email}" is not an email address: ${email.reason}`, 'email');
  if (!ROLES.includes(input.role)) throw new AdminError('invalid', `Role must be one of ${ROLES.join(', ')}, got "${input.role}"`, 'role');
  const companyId = input.companyId ?? null;
  if (input.role === 'operator' && companyId !== null) {
    throw new AdminError('invalid', 'An operator manages every company: give no company', 'companyId');
  }
  if (input.role !== 'operator' && companyId === null) {
    throw new AdminError('invalid', `An ${input.role} belongs to one company: give its id`, 'companyId');
  }
  const row: SystemUserRow = { id: newId(now.getTime()), email: email.value, emailCi: foldString(email.value), role: input.role, companyId, passwordHash: null, createdAt: now.toISOString(), lastSignInAt: null, lockedUntil: null };
  const emailTaken = async (tx: Store) => {
    const taken = await findSystemUserByEmail(tx, row.emailCi);
    if (taken) throw new AdminError('conflict', `A system user with email ${taken.email} already exists (${taken.id})`, 'email');
  };
  try {
    return await inTransaction(store, async (tx) => {
      if (companyId !== null) await requireCompany(tx, companyId);
      await emailTaken(tx);
      await insertSystemUser(tx, row);
      const invitation = await invite(tx, row.id, now);
      await appendAudit(tx, { id: newId(now.getTime()), companyId, at: row.createdAt, ...actor, entity: 'system-user', entityId: row.id, operation: 'create', oldValue: null, newValue: audited(row) });
      return { user: userJson(row, now), ...invitation };
    });
  } catch (e) {
    // Another create took the email since we looked (PostgreSQL, two at once): the same conflict.
    if (e instanceof UniqueViolation) await emailTaken(store);
    throw e;
  }
}

/** Oldest first: one company's users, or with companyId null every user (operators included). */
export async function listSystemUsers(store: Store, scope: { companyId: string | null }): Promise<SystemUserJson[]> {
  const now = new Date();
  return (await listSystemUserRows(store, scope.companyId)).map((u) => userJson(u, now));
}

export async function getSystemUser(store: Store, id: string): Promise<SystemUserJson> {
  return userJson(await requireUser(store, id));
}

/** Deletes the user, its sessions and invitations; the last operator cannot go (conflict). */
export async function deleteSystemUser(store: Store, id: string, actor: Actor, now = new Date()): Promise<void> {
  await inTransaction(store, async (tx) => {
    const user = await requireUser(tx, id);
    if (user.role === 'operator' && (await lockOperators(tx)).length <= 1) {
      throw new AdminError('conflict', `${user.email} is the last operator; create another operator before deleting this one`);
    }
    await deleteSystemUserRow(tx, id);
    await appendAudit(tx, { id: newId(now.getTime()), companyId: user.companyId, at: now.toISOString(), ...actor, entity: 'system-user', entityId: id, operation: 'delete', oldValue: audited(user), newValue: null });
  });
}

/** A new invitation for an existing user (e.g. a forgotten password): earlier invitations and the current
 *  password keep working until one invitation is accepted. */
export async function reinviteSystemUser(store: Store, id: string, actor: Actor, now = new Date()): Promise<{ invitationToken: string; invitationExpiresAt: string }> {
  return inTransaction(store, async (tx) => {
    const user = await requireUser(tx, id);
    const invitation = await invite(tx, id, now);
    await appendAudit(tx, { id: newId(now.getTime()), companyId: user.companyId, at: now.toISOString(), ...actor, entity: 'system-user', entityId: id, operation: 'invite', oldValue: null, newValue: { invitationExpiresAt: invitation.invitationExpiresAt } });
    return invitation;
  });
}

/**
 * Sets the password from an invitation token and signs the user in. The token works once: expired, used or
 * unknown is AdminError('invalid'). Accepting ends every other invitation and every session of the user (a
 * forgotten password may have been someone else's), and lifts a lockout.
 */
export async function acceptInvitation(store: Store, token: string, password: string, client: ClientInfo, now = new Date(), policy: SessionPolicy = DEFAULT_SESSION_POLICY): Promise<NewSession> {
  const invalid = () => new AdminError('invalid', INVALID_INVITATION, 'token');
  const at = now.toISOString();
  const invitation = SECRET_PATTERN.test(token) ? await findInvitationByHash(store, sha256(token)) : undefined;
  if (!invitation || invitation.usedAt !== null || invitation.expiresAt <= at) throw invalid();
  const user = await requireUser(store, invitation.userId);
  checkPassword(password, user.email);
  // Hashed before the transaction: scrypt takes tens of milliseconds, SQLite's write lock should not wait on it.
  const hash = await hashPassword(password);
  return inTransaction(store, async (tx) => {
    if (!(await useInvitation(tx, invitation, at))) throw invalid();
    await setPasswordHash(tx, user.id, hash);
    await endUserSessions(tx, user.id, at);
    await clearFailures(tx, user.emailCi);
    // Accepting signs the user in: the system users screen shows it as their last sign-in.
    await recordSignIn(tx, user.id, at);
    const session = await startSession(tx, { ...user, passwordHash: hash }, client, now, policy);
    await appendAudit(tx, { id: newId(now.getTime()), companyId: user.companyId, at, ...actorOf(session.principal, client), entity: 'system-user', entityId: user.id, operation: 'accept-invitation', oldValue: null, newValue: null });
    return session;
  });
}

/** A signed-in user's new password; the current one must be given. Ends the user's other sessions. */
export async function changePassword(store: Store, principal: Principal, currentPassword: string, newPassword: string, client: ClientInfo, now = new Date()): Promise<void> {
  if (principal.kind !== 'user') throw new AdminError('invalid', 'Only a signed-in system user has a password to change');
  const user = await requireUser(store, principal.id);
  if (!user.passwordHash || !(await verifyPassword(currentPassword, user.passwordHash))) {
    throw new AdminError('invalid', 'The current password is wrong', 'currentPassword');
  }
  checkPassword(newPassword, user.email, 'newPassword');
  const hash = await hashPassword(newPassword);
  const at = now.toISOString();
  await inTransaction(store, async (tx) => {
    await setPasswordHash(tx, user.id, hash);
    await endUserSessions(tx, user.id, at, principal.sessionId);
    await appendAudit(tx, { id: newId(now.getTime()), companyId: user.companyId, at, ...actorOf(principal, client), entity: 'system-user', entityId: user.id, operation: 'change-password', oldValue: null, newValue: null });
  });
}
