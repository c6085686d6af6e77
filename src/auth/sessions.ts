// Signing in, the session a cookie carries, and signing out. Only the SHA-256 of a session token is stored;
// the CSRF token is derived from the session token, so it needs no storage and dies with the session.
import { createHash } from 'node:crypto';
import { appendAudit } from '../store/audit-log.ts';
import { newId } from '../store/ids.ts';
import { inTransaction, type Store } from '../store/open.ts';
import { clearFailures, countFailure, endSessionByHash, findLockout, findSessionByHash, insertSession, lockOut, touchSession } from '../store/sessions.ts';
import { findSystemUserByEmail, recordSignIn, type SystemUserRow } from '../store/system-users.ts';
import { foldString } from '../scim/fold.ts';
import { EMAIL_MAX_LENGTH } from '../provisioning/rules/email-address.ts';
import { decoyHash, verifyPassword } from './passwords.ts';
import { ANONYMOUS, type ClientInfo, type Principal, type Role } from './principal.ts';
import { randomSecret, SECRET_PATTERN, sha256 } from './secrets.ts';

export type { ClientInfo } from './principal.ts';

export const SESSION_COOKIE = 'roster_session';

/** How long a session lasts (README "Configuration": SESSION_IDLE_MINUTES, SESSION_MAX_HOURS); Config has
 *  both fields, so the server passes its config. */
export interface SessionPolicy {
  sessionIdleMinutes: number;
  sessionMaxHours: number;
}
export const DEFAULT_SESSION_POLICY: SessionPolicy = { sessionIdleMinutes: 30, sessionMaxHours: 12 };

/** Consecutive failures that lock an email out, and for how long (also the window the failures must fall in). */
export const LOCKOUT_FAILURES = 5;
export const LOCKOUT_MS = 15 * 60_000;
/** last_seen_at is written at most this often: a session read is no write per request. */
const TOUCH_MS = 60_000;

export interface NewSession {
  token: string;
  csrfToken: string;
  principal: Principal;
  expiresAt: string;
}

export type SignInResult = { ok: true; session: NewSession } | { ok: false; reason: 'invalid' | 'locked'; retryAfterSeconds?: number };

/** The CSRF token of a session: a digest of its token under a label of its own, so it cannot be turned back
 *  into the token and differs from the stored hash. */
function csrfOf(token: string): string {
  return createHash('sha256').update(`roster-csrf\0${token}`, 'utf8').digest('base64url');
}

export function userPrincipal(u: Pick<SystemUserRow, 'id' | 'email' | 'role' | 'companyId'>, sessionId?: string): Principal {
  return { kind: 'user', id: u.id, name: u.email, role: u.role as Role, companyId: u.companyId, ...(sessionId ? { sessionId } : {}) };
}

const plus = (at: Date, ms: number) => new Date(at.getTime() + ms).toISOString();
const earlier = (a: string, b: string) => (a < b ? a : b);

/** Starts a session for the user inside the caller's transaction. */
export async function startSession(tx: Store, user: SystemUserRow, client: ClientInfo, now: Date, policy: SessionPolicy): Promise<NewSession> {
  const token = randomSecret();
  const idleSeconds = policy.sessionIdleMinutes * 60;
  const expiresAt = plus(now, policy.sessionMaxHours * 3_600_000);
  const idleExpiresAt = earlier(plus(now, idleSeconds * 1000), expiresAt);
  const id = newId(now.getTime());
  const at = now.toISOString();
  await insertSession(tx, { id, tokenHash: sha256(token), userId: user.id, createdAt: at, lastSeenAt: at, idleSeconds, idleExpiresAt, expiresAt, endedAt: null, ip: client.ip, userAgent: client.userAgent });
  return { token, csrfToken: csrfOf(token), principal: userPrincipal(user, id), expiresAt: idleExpiresAt };
}

/** The email as the failure count and the audit log key it: folded, and bounded like any email. */
const emailKey = (email: string) => foldString(email.trim().slice(0, EMAIL_MAX_LENGTH));

/**
 * Email + password; never throws for bad credentials. An unknown email, a user still invited and a wrong
 * password give the same result and cost the same scrypt time. After LOCKOUT_FAILURES consecutive failures for
 * an email (known or not) sign-in for it is refused for 15 minutes; a success resets the count. Each failure
 * and each lockout is audited (actor `anonymous`, the email tried, ip, user agent).
 */
export async function signIn(store: Store, email: string, password: string, client: ClientInfo, now = new Date(), policy = DEFAULT_SESSION_POLICY): Promise<SignInResult> {
  const key = emailKey(email);
  const at = now.toISOString();
  const lockedUntil = await findLockout(store, key);
  if (lockedUntil !== null && lockedUntil > at) return { ok: false, reason: 'locked', retryAfterSeconds: Math.ceil((Date.parse(lockedUntil) - now.getTime()) / 1000) };
  const user = await findSystemUserByEmail(store, key);
  const valid = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
  if (user?.passwordHash && valid) {
    const session = await inTransaction(store, async (tx) => {
      await clearFailures(tx, key);
      await recordSignIn(tx, user.id, at);
      return startSession(tx, user, client, now, policy);
    });
    return { ok: true, session };
  }
  const locked = await inTransaction(store, async (tx) => {
    const audit = (operation: string, newValue: unknown) =>
      appendAudit(tx, { id: newId(now.getTime()), companyId: user?.companyId ?? null, at, actor: ANONYMOUS, ip: client.ip, userAgent: client.userAgent, entity: 'sign-in', entityId: user?.id ?? null, operation, oldValue: null, newValue });
    const failures = await countFailure(tx, key, at, new Date(now.getTime() - LOCKOUT_MS).toISOString());
    await audit('fail', { email: email.trim().slice(0, EMAIL_MAX_LENGTH), failures });
    if (failures < LOCKOUT_FAILURES) return false;
    const until = plus(now, LOCKOUT_MS);
    await lockOut(tx, key, until);
    await audit('lockout', { email: email.trim().slice(0, EMAIL_MAX_LENGTH), lockedUntil: until });
    return true;
  });
  return locked ? { ok: false, reason: 'locked', retryAfterSeconds: LOCKOUT_MS / 1000 } : { ok: false, reason: 'invalid' };
}

/**
 * The session of a cookie token, or undefined when unknown, ended, idle longer than its idle timeout, or older
 * than its maximum age. Touches last-seen at most once a minute, so the idle timeout counts from a request at
 * most a minute old. The principal is the user as it is now.
 */
export async function sessionOf(store: Store, token: string, now = new Date()): Promise<{ principal: Principal; csrfToken: string; expiresAt: string } | undefined> {
  if (!SECRET_PATTERN.test(token)) return undefined;
  const s = await findSessionByHash(store, sha256(token));
  const at = now.toISOString();
  if (!s || s.endedAt !== null || at >= s.idleExpiresAt || at >= s.expiresAt) return undefined;
  let expiresAt = s.idleExpiresAt;
  if (now.getTime() - Date.parse(s.lastSeenAt) >= TOUCH_MS) {
    expiresAt = earlier(plus(now, s.idleSeconds * 1000), s.expiresAt);
    await inTransaction(store, (tx) => touchSession(tx, s.id, at, expiresAt));
  }
  return { principal: userPrincipal({ id: s.userId, email: s.email, role: s.role, companyId: s.companyId }, s.id), csrfToken: csrfOf(token), expiresAt };
}

/** Ends the session on the server: its cookie is refused from now on, on every instance. */
export async function signOut(store: Store, token: string, now = new Date()): Promise<void> {
  if (!SECRET_PATTERN.test(token)) return;
  await inTransaction(store, (tx) => endSessionByHash(tx, sha256(token), now.toISOString()));
}
