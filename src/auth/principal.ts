// Who is calling the admin surfaces: a signed-in system user or an API key, and how the audit log names it.
import type { Actor } from '../directory/audit.ts';

export type Role = 'operator' | 'admin' | 'viewer';
export const ROLES: readonly Role[] = ['operator', 'admin', 'viewer'];

/** Who is calling: a system user (session) or an API key. operator has companyId null (all companies). */
export interface Principal {
  kind: 'user' | 'apiKey';
  /** System user id or API key id. */
  id: string;
  /** The user's email, or the key's name. */
  name: string;
  role: Role;
  companyId: string | null;
  /** The session a user principal came from (sessionOf), so a password change can end the others. */
  sessionId?: string;
}

/** Where a request came from, for the audit log and the session row. */
export interface ClientInfo {
  ip: string | null;
  userAgent: string | null;
}

/** The audit actor string for a principal: `user:<email>` or `api-key:<name> (<id>)`. */
export function actorName(p: Principal): string {
  return p.kind === 'user' ? `user:${p.name}` : `api-key:${p.name} (${p.id})`;
}

/** The Actor every change a principal makes is audited with. */
export function actorOf(p: Principal, client: ClientInfo): Actor {
  return { actor: actorName(p), ip: client.ip, userAgent: client.userAgent };
}

/** Failed sign-ins have no principal. */
export const ANONYMOUS = 'anonymous';
