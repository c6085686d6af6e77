// What the auth tests share: a company and a system user with a password, made the way an admin would.
import { acceptInvitation } from '../../src/auth/system-users.ts';
import { createSystemUser } from '../../src/auth/system-users.ts';
import type { Role } from '../../src/auth/principal.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import type { Store } from '../../src/store/open.ts';

export const CLIENT = { ip: '203.0.113.7', userAgent: 'test-browser' };
export const PASSWORD = 'a long enough password';

let n = 0;
/** A system user who has accepted their invitation; its email is unique in this process. */
export async function activeUser(store: Store, role: Role = 'operator', companyId: string | null = null) {
  const email = `user${n++}.${Date.now()}@example.com`;
  const created = await createSystemUser(store, { email, role, companyId }, CLI_ACTOR);
  const session = await acceptInvitation(store, created.invitationToken, PASSWORD, CLIENT);
  return { user: created.user, email, session };
}
