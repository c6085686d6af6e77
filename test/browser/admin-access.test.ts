// Who may do what in the admin UI, in a real browser against the real server: a viewer reads but is offered
// no change, an invited admin sets their password from the link, a user changes their password, an operator
// switches between companies and reads the audit log of no company, and an operator creates an API key and
// invites a system user on their screens.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { createSystemUser } from '../../src/auth/system-users.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createCompany } from '../../src/directory/companies.ts';
import { createGroup } from '../../src/directory/groups.ts';
import { createManualUser } from '../../src/provisioning/manual-users.ts';
import { PASSWORD, addSystemUser, signIn, startRig, submitSignIn, visit, type BrowserRig } from './browser.ts';

const NEW_PASSWORD = 'a different horse, battery and staple';

describe('who may do what in the admin UI', () => {
  let rig: BrowserRig;
  let acme = '';
  let globex = '';
  before(async () => {
    rig = await startRig();
    const { store } = rig.server;
    acme = rig.server.companyId;
    globex = (await createCompany(store, { name: 'Globex' }, CLI_ACTOR)).id;
    await createManualUser(store, acme, { email: 'ada@acme.test', firstName: 'Ada', lastName: 'Lovelace' }, CLI_ACTOR);
    await createManualUser(store, globex, { email: 'hank@globex.test', firstName: 'Hank', lastName: 'Scorpio' }, CLI_ACTOR);
    await createGroup(store, acme, 'Finance', CLI_ACTOR);
    // One user from Acme's identity provider, so the job log and the SCIM settings have something to show.
    const res = await rig.server.scim('POST', '/scim/v2/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'grace@acme.test' });
    assert.equal(res.status, 201, res.raw);
  });
  after(() => rig?.close());

  /** Buttons and links on the page as it is now whose name matches. */
  const offered = (page: Page, name: RegExp) => page.getByRole('main').getByRole('button', { name }).or(page.getByRole('main').getByRole('link', { name })).count();
  const WRITES = /^(\+|Edit|Delete|Remove|Rotate|Revoke|Import|Invite|Create)/;

  it('shows a viewer target users, groups, SCIM settings and the job log with nothing to change, and refuses a write sent anyway', async () => {
    const page = await rig.newPage();
    await addSystemUser(rig.server.store, 'viewer@acme.test', 'viewer', acme);
    await signIn(rig, page, 'viewer@acme.test');
    await page.getByRole('heading', { name: 'Target users' }).waitFor();
    await page.getByRole('row', { name: /ada@acme\.test/ }).waitFor();
    const nav = page.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('link', { name: 'Audit log' }).waitFor();
    for (const section of ['Import CSV', 'API keys', 'System users']) {
      assert.equal(await nav.getByRole('link', { name: section }).count(), 0, `a viewer is not offered ${section}`);
    }
    assert.equal(await offered(page, WRITES), 0, 'target users offer no change');
    await visit(page, 'viewer-target-users');
    await page.getByRole('link', { name: 'ada@acme.test' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
    assert.equal(await offered(page, WRITES), 0, 'a manual user offers no edit or delete');

    for (const [section, heading, row, name] of [
      ['Groups', 'Groups', 'Finance', 'viewer-groups'],
      ['SCIM settings', 'SCIM settings', 'Entra ID', 'viewer-scim-settings'],
      ['Job log', 'Job log', 'grace@acme.test', 'viewer-job-log'],
    ] as const) {
      await nav.getByRole('link', { name: section }).click();
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.getByRole('row', { name: new RegExp(row) }).first().waitFor();
      assert.equal(await offered(page, WRITES), 0, `${section} offers no change`);
      await visit(page, name);
    }
    await nav.getByRole('link', { name: 'SCIM settings' }).click();
    await page.getByRole('link', { name: 'Entra ID' }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    assert.equal(await offered(page, WRITES), 0, 'a SCIM setting offers no edit, rotate, revoke or delete');

    // The wizard's address typed by hand shows why there is nothing to do, and the API refuses the write
    // the page's own session sends.
    await page.goto(`${rig.baseUrl}/companies/${acme}/scim-settings/new`);
    await page.getByText('You can read this company but not change it').waitFor();
    const refused = (await page.evaluate(`(async () => {
      const { csrfToken } = await (await fetch('/api/v1/session')).json();
      const res = await fetch('/api/v1/companies/${acme}/groups', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-csrf-token': csrfToken },
        body: JSON.stringify({ name: 'Sneaky' }),
      });
      return { status: res.status, body: await res.json() };
    })()`)) as { status: number; body: { error: { code: string } } };
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'forbidden');
    await visit(page, 'viewer-read-only');
    await page.context().close();
  });

  it('lets an invited admin open the invitation link, set a password and land signed in, able to change their company; the link works once', async () => {
    const { invitationToken } = await createSystemUser(rig.server.store, { email: 'invited@acme.test', role: 'admin', companyId: acme }, CLI_ACTOR);
    const link = `${rig.baseUrl}/accept-invitation#token=${invitationToken}`;
    const page = await rig.newPage();
    await page.goto(link);
    await page.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
    await page.getByLabel('Choose a password').fill(PASSWORD);
    await page.getByLabel('Repeat the password').fill(PASSWORD);
    await visit(page, 'accept-invitation');
    await page.getByRole('button', { name: 'Set password and sign in' }).click();
    await page.getByRole('heading', { name: 'Target users' }).waitFor();
    assert.equal(new URL(page.url()).pathname, `/companies/${acme}/target-users`);
    assert.equal(new URL(page.url()).hash, '', 'the token leaves the address bar');
    await page.getByText('invited@acme.test').waitFor();
    await page.getByRole('button', { name: '+ Add user' }).waitFor();
    await page.getByRole('link', { name: 'ada@acme.test' }).click();
    await page.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
    assert.equal(await offered(page, /^(Edit|Delete)$/), 2, 'an admin may change a user nobody provisions');
    await visit(page, 'invitation-accepted');
    await page.context().close();

    const again = await rig.newPage();
    await again.goto(link);
    await again.getByLabel('Choose a password').fill(NEW_PASSWORD);
    await again.getByLabel('Repeat the password').fill(NEW_PASSWORD);
    await again.getByRole('button', { name: 'Set password and sign in' }).click();
    await again.getByRole('alert').filter({ hasText: 'This invitation link is invalid or has expired' }).waitFor();
    await visit(again, 'accept-invitation-used');
    await again.context().close();
  });

  it('changes a signed-in user’s password, after which the old one is refused and the new one signs in', async () => {
    const email = 'changer@acme.test';
    await addSystemUser(rig.server.store, email, 'admin', acme);
    const page = await rig.newPage();
    await signIn(rig, page, email);
    await page.getByRole('link', { name: 'Change password' }).click();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Target users' }).waitFor();
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Your password is changed.').waitFor();
    await visit(page, 'change-password');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('You are signed out.').waitFor();
    await submitSignIn(page, email, PASSWORD);
    await page.getByRole('alert').filter({ hasText: 'The email or the password is wrong' }).waitFor();
    await visit(page, 'sign-in-refused');
    await submitSignIn(page, email, NEW_PASSWORD);
    await page.getByRole('heading', { name: 'Target users' }).waitFor();
    await page.context().close();
  });

  it('switches an operator between companies, each showing its own target users and groups', async () => {
    const { page } = rig;
    await signIn(rig);
    await page.goto(`${rig.baseUrl}/companies/${acme}/target-users`);
    await page.getByRole('row', { name: /ada@acme\.test/ }).waitFor();
    const switcher = page.getByRole('banner').getByLabel('Company');
    await switcher.selectOption({ label: 'Globex' });
    await page.waitForURL(`${rig.baseUrl}/companies/${globex}/target-users`);
    await page.getByRole('row', { name: /hank@globex\.test/ }).waitFor();
    assert.equal(await page.getByRole('row', { name: /ada@acme\.test/ }).count(), 0, 'Acme’s users are not in Globex’s table');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Groups' }).click();
    await page.getByText('No groups yet.').waitFor();
    await switcher.selectOption({ label: 'Acme' });
    await page.waitForURL(`${rig.baseUrl}/companies/${acme}/groups`);
    await page.getByRole('link', { name: 'Finance' }).waitFor();
    assert.equal(await switcher.inputValue(), acme);
    await visit(page, 'company-switcher');
  });

  it('shows an operator the system audit log: operators created and sign-ins of emails nobody has', async () => {
    const stranger = await rig.newPage();
    await stranger.goto(`${rig.baseUrl}/sign-in`);
    await submitSignIn(stranger, 'stranger@elsewhere.test', 'a guess at the password');
    await stranger.getByRole('alert').filter({ hasText: 'The email or the password is wrong' }).waitFor();
    await stranger.context().close();
    // The operator signed in by the test before.
    const { page } = rig;
    await page.goto(`${rig.baseUrl}/companies`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'System audit log' }).click();
    await page.getByRole('heading', { name: 'System audit log' }).waitFor();
    await page.getByRole('row', { name: /sign-in.*fail.*stranger@elsewhere\.test/s }).waitFor();
    await page.getByRole('row', { name: /system-user.*create.*operator@roster\.test/s }).waitFor();
    await visit(page, 'system-audit-log');
  });

  it('creates an API key shown once that then works against the API, and invites a system user with a link', async () => {
    const { page } = rig;
    await page.goto(`${rig.baseUrl}/companies/${acme}/api-keys`);
    await page.getByLabel('Name').fill('Nightly export');
    await page.getByLabel('Role').selectOption('viewer');
    await page.getByRole('button', { name: 'Create API key' }).click();
    await page.getByText('You will not see this key again.').waitFor();
    const key = await page.getByLabel('New API key').inputValue();
    assert.match(key, /^rk_/);
    await page.getByRole('button', { name: 'Copy API key' }).click();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), key);
    await page.getByRole('row', { name: /Nightly export/ }).waitFor();
    await visit(page, 'api-key-created');

    const res = await fetch(`${rig.baseUrl}/api/v1/companies/${acme}/target-users`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { items: { email: string }[] };
    assert.ok(body.items.some((u) => u.email === 'ada@acme.test'), JSON.stringify(body));
    const write = await fetch(`${rig.baseUrl}/api/v1/companies/${acme}/groups`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Nightly' }),
    });
    assert.equal(write.status, 403, 'the key has the viewer role it was given');
    await page.reload();
    const row = page.getByRole('row', { name: /Nightly export/ });
    await row.waitFor();
    assert.doesNotMatch(await row.innerText(), /—/, 'the key’s last use is shown');
    assert.equal(await page.getByText(key).count(), 0, 'the key is not shown again');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'System users' }).click();
    const form = page.getByRole('main');
    await form.getByLabel('Email').fill('new-admin@acme.test');
    await form.getByLabel('Role').selectOption('admin');
    await form.getByLabel('Company').selectOption({ label: 'Acme' });
    await page.getByRole('button', { name: 'Invite', exact: true }).click();
    await page.getByText('Send this invitation link to the new user.').waitFor();
    const link = await page.getByLabel('Invitation link', { exact: true }).inputValue();
    assert.ok(link.startsWith(`${rig.baseUrl}/accept-invitation#token=`), link);
    await page.getByRole('button', { name: 'Copy invitation link' }).click();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), link);
    await page.getByRole('row', { name: /new-admin@acme\.test/ }).waitFor();
    await visit(page, 'system-user-invited');

    const invited = await rig.newPage();
    await invited.goto(link);
    await invited.getByRole('heading', { name: 'Accept your invitation' }).waitFor();
    assert.ok(await invited.getByRole('button', { name: 'Set password and sign in' }).isEnabled(), 'the link carries its token');
    await invited.context().close();
  });
});
