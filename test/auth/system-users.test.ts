// System users on both stores: who may be created, invitations that work once and expire, re-invitation,
// password changes, and the last operator who cannot be deleted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signIn, sessionOf } from '../../src/auth/sessions.ts';
import { acceptInvitation, changePassword, createSystemUser, deleteSystemUser, getSystemUser, listSystemUsers, reinviteSystemUser } from '../../src/auth/system-users.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createCompany } from '../../src/directory/companies.ts';
import { AdminError } from '../../src/directory/errors.ts';
import type { Store } from '../../src/store/open.ts';
import { storeKinds } from '../support/stores.ts';
import { activeUser, CLIENT, PASSWORD } from './support.ts';

const DAY = 86_400_000;
const kindOf = (kind: string, message?: RegExp) => (e: unknown) => e instanceof AdminError && e.kind === kind && (!message || message.test(e.message));
const INVALID_LINK = /This invitation link is invalid or has expired; ask for a new one/;

for (const kind of storeKinds()) {
  describe(`system users on ${kind.name}`, () => {
    let store: Store;
    let companyId: string;
    before(async () => {
      store = await kind.open();
      companyId = (await createCompany(store, { name: 'Acme' }, CLI_ACTOR)).id;
    });
    after(() => store.close());

    it('creates an invited user with no password and an invitation valid 7 days, audited', async () => {
      const now = new Date();
      const { user, invitationToken, invitationExpiresAt } = await createSystemUser(store, { email: ' Admin@ACME.example ', role: 'admin', companyId }, CLI_ACTOR, now);
      assert.deepEqual({ ...user, id: '', createdAt: '' }, { id: '', email: 'Admin@acme.example', role: 'admin', companyId, status: 'invited', createdAt: '', lastSignInAt: null });
      assert.match(invitationToken, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(Date.parse(invitationExpiresAt) - now.getTime(), 7 * DAY);
      const rows = await store.db.selectFrom('system_user_invitations').selectAll().where('user_id', '=', user.id).execute();
      assert.equal(rows.length, 1);
      assert.ok(!JSON.stringify(rows).includes(invitationToken), 'only the hash of the token is stored');
      const audit = await store.db.selectFrom('audit_log').selectAll().where('entity_id', '=', user.id).execute();
      assert.deepEqual(audit.map((a) => [a.actor, a.entity, a.operation]), [['cli', 'system-user', 'create']]);
      assert.deepEqual(await listSystemUsers(store, { companyId }), [user]);
    });

    it('refuses an email taken in another case, a bad email, an operator with a company and an admin or viewer without one', async () => {
      await assert.rejects(createSystemUser(store, { email: 'admin@acme.EXAMPLE', role: 'viewer', companyId }, CLI_ACTOR), kindOf('conflict', /already exists/));
      await assert.rejects(createSystemUser(store, { email: 'not-an-email', role: 'operator' }, CLI_ACTOR), kindOf('invalid', /not an email address/));
      await assert.rejects(createSystemUser(store, { email: 'op@acme.example', role: 'operator', companyId }, CLI_ACTOR), kindOf('invalid', /give no company/));
      await assert.rejects(createSystemUser(store, { email: 'v@acme.example', role: 'viewer' }, CLI_ACTOR), kindOf('invalid', /one company/));
      await assert.rejects(createSystemUser(store, { email: 'v@acme.example', role: 'viewer', companyId: 'nope' }, CLI_ACTOR), kindOf('notFound'));
    });

    it('an invitation sets the password once and signs the user in; a second use is refused', async () => {
      const { user, invitationToken } = await createSystemUser(store, { email: 'once@acme.example', role: 'viewer', companyId }, CLI_ACTOR);
      const session = await acceptInvitation(store, invitationToken, PASSWORD, CLIENT);
      assert.deepEqual(session.principal, { kind: 'user', id: user.id, name: 'once@acme.example', role: 'viewer', companyId, sessionId: session.principal.sessionId });
      assert.equal((await sessionOf(store, session.token))?.principal.id, user.id);
      const accepted = await getSystemUser(store, user.id);
      assert.equal(accepted.status, 'active');
      assert.notEqual(accepted.lastSignInAt, null, 'accepting is the first sign-in');
      await assert.rejects(acceptInvitation(store, invitationToken, 'another long password', CLIENT), kindOf('invalid', INVALID_LINK));
      assert.equal((await signIn(store, 'once@acme.example', 'another long password', CLIENT)).ok, false);
    });

    it('refuses an expired invitation, an unknown one, and a password against the policy (leaving the link usable)', async () => {
      const created = new Date(Date.now() - 8 * DAY);
      const expired = await createSystemUser(store, { email: 'late@acme.example', role: 'viewer', companyId }, CLI_ACTOR, created);
      await assert.rejects(acceptInvitation(store, expired.invitationToken, PASSWORD, CLIENT), kindOf('invalid', INVALID_LINK));
      await assert.rejects(acceptInvitation(store, 'x'.repeat(43), PASSWORD, CLIENT), kindOf('invalid', INVALID_LINK));
      await assert.rejects(acceptInvitation(store, 'malformed', PASSWORD, CLIENT), kindOf('invalid', INVALID_LINK));
      const fresh = await createSystemUser(store, { email: 'policy@acme.example', role: 'viewer', companyId }, CLI_ACTOR);
      await assert.rejects(acceptInvitation(store, fresh.invitationToken, 'too short', CLIENT), kindOf('invalid', /at least 12/));
      await acceptInvitation(store, fresh.invitationToken, PASSWORD, CLIENT);
    });

    it('a new invitation leaves the old password working until it is accepted, then ends the old sessions', async () => {
      const { user, email, session } = await activeUser(store, 'admin', companyId);
      const { invitationToken } = await reinviteSystemUser(store, user.id, CLI_ACTOR);
      assert.equal((await signIn(store, email, PASSWORD, CLIENT)).ok, true);
      await acceptInvitation(store, invitationToken, 'a brand new password', CLIENT);
      assert.equal(await sessionOf(store, session.token), undefined);
      assert.equal((await signIn(store, email, PASSWORD, CLIENT)).ok, false);
      assert.equal((await signIn(store, email, 'a brand new password', CLIENT)).ok, true);
    });

    it('changing the password needs the current one and ends the other sessions, not this one', async () => {
      const { email, session } = await activeUser(store, 'admin', companyId);
      const other = await signIn(store, email, PASSWORD, CLIENT);
      assert.ok(other.ok);
      const current = (await sessionOf(store, session.token))!;
      await assert.rejects(
        changePassword(store, current.principal, 'wrong password!', 'a different password', CLIENT),
        (e: unknown) => e instanceof AdminError && e.kind === 'invalid' && e.field === 'currentPassword',
      );
      await assert.rejects(changePassword(store, current.principal, PASSWORD, 'short', CLIENT), (e: unknown) => e instanceof AdminError && e.field === 'newPassword');
      await changePassword(store, current.principal, PASSWORD, 'a different password', CLIENT);
      assert.notEqual(await sessionOf(store, session.token), undefined);
      assert.equal(await sessionOf(store, other.session.token), undefined);
      assert.equal((await signIn(store, email, 'a different password', CLIENT)).ok, true);
    });

    it('deleting a user ends their sessions; the last operator cannot be deleted', async () => {
      const admin = await activeUser(store, 'admin', companyId);
      await deleteSystemUser(store, admin.user.id, CLI_ACTOR);
      assert.equal(await sessionOf(store, admin.session.token), undefined);
      await assert.rejects(getSystemUser(store, admin.user.id), kindOf('notFound'));
      await assert.rejects(deleteSystemUser(store, admin.user.id, CLI_ACTOR), kindOf('notFound'));

      const first = await activeUser(store, 'operator');
      const second = await activeUser(store, 'operator');
      const operators = (await listSystemUsers(store, { companyId: null })).filter((u) => u.role === 'operator');
      for (const op of operators.slice(0, -1)) await deleteSystemUser(store, op.id, CLI_ACTOR);
      const last = operators.at(-1)!;
      assert.equal(last.id, second.user.id);
      assert.notEqual(first.user.id, last.id);
      await assert.rejects(deleteSystemUser(store, last.id, CLI_ACTOR), kindOf('conflict', /last operator/));
    });
  });
}
