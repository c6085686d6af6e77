// The admin UI in a real browser against the real server: an operator signs in, adds a custom field, creates
// a SCIM setting through the wizard and copies its token, the test provisions users over SCIM with that token
// the way an identity provider does, and the users show with their custom column and groups; a refused
// request is highlighted in the job log; a grouping change shows the re-derivation's progress bar finish.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startRig, signIn, visit, type BrowserRig } from './browser.ts';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

describe('the admin UI', () => {
  let rig: BrowserRig;
  let token = '';
  before(async () => {
    rig = await startRig();
  });
  after(() => rig?.close());

  const scim = (method: string, path: string, body?: unknown) =>
    fetch(`${rig.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const company = () => rig.server.companyId;

  it('signs an operator in and shows the companies', async () => {
    await rig.page.goto(`${rig.baseUrl}/sign-in`);
    await visit(rig.page, 'sign-in');
    await signIn(rig);
    await rig.page.getByRole('link', { name: 'Acme' }).waitFor();
    await visit(rig.page, 'companies');
  });

  it('adds a custom field with a type', async () => {
    const { page } = rig;
    await page.goto(`${rig.baseUrl}/companies/${company()}/custom-fields`);
    await page.getByRole('button', { name: '+ Add custom field' }).click();
    await page.getByLabel('Field name').fill('Country / Region');
    await page.getByLabel('Type').selectOption('text');
    await visit(page, 'custom-field-dialog');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('cell', { name: 'Country / Region' }).waitFor();
  });

  it('creates a SCIM setting through the wizard and shows its token once', async () => {
    const { page } = rig;
    await page.goto(`${rig.baseUrl}/companies/${company()}/scim-settings`);
    await page.getByRole('link', { name: '+ New' }).click();
    await page.getByLabel('SCIM name').fill('Okta');
    await visit(page, 'scim-wizard-name');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Field of mapping 1').selectOption('Country / Region');
    const expr = page.getByLabel('SCIM attribute of mapping 1');
    await expr.fill('addresses[type eq "work".country');
    await page.locator('.field-error').filter({ hasText: /./ }).first().waitFor();
    await expr.fill('addresses[type eq "work"].country');
    await page.getByText('Valid expression.').waitFor();
    await visit(page, 'scim-wizard-map-fields');
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByLabel('Group name').fill('Everyone');
    await page.getByLabel('Select a SCIM field to determine user groups').check();
    await page.getByLabel('Group by field').selectOption('department');
    await visit(page, 'scim-wizard-groups');
    await page.getByRole('button', { name: 'Save and show token' }).click();
    await page.getByText('You will not see this token again.').waitFor();
    token = await page.getByLabel('Token', { exact: true }).inputValue();
    assert.match(token, /^rst_/);
    await page.getByRole('button', { name: 'Copy token' }).click();
    assert.equal(await page.evaluate('navigator.clipboard.readText()'), token);
    await visit(page, 'scim-token');
  });

  it('shows users provisioned over SCIM with their custom column and groups', async () => {
    for (const [given, family, dept, country] of [
      ['Ada', 'Lovelace', 'Engineering', 'UK'],
      ['Grace', 'Hopper', 'Research', 'US'],
    ]) {
      const res = await scim('POST', '/scim/v2/Users', {
        schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTERPRISE],
        userName: `${given!.toLowerCase()}@acme.test`,
        name: { givenName: given, familyName: family },
        emails: [{ value: `${given!.toLowerCase()}@acme.test`, type: 'work', primary: true }],
        addresses: [{ type: 'work', country }],
        [ENTERPRISE]: { department: dept },
      });
      assert.equal(res.status, 201, await res.text());
    }
    const { page } = rig;
    // The column chooser's choice, as a browser remembers it.
    const columns = JSON.stringify(['firstName', 'lastName', 'groups', 'source', 'cf:Country / Region']);
    await page.evaluate(`localStorage.setItem(${JSON.stringify(`roster.columns.${company()}`)}, ${JSON.stringify(columns)})`);
    await page.goto(`${rig.baseUrl}/companies/${company()}/target-users`);
    const row = page.getByRole('row', { name: /ada@acme\.test/ });
    await row.waitFor();
    assert.match(await row.innerText(), /Engineering/);
    assert.match(await row.innerText(), /UK/);
    assert.match(await row.innerText(), /SCIM: Okta/);
    await page.getByRole('columnheader', { name: 'Country / Region' }).waitFor();
    await visit(page, 'target-users');
    await page.setViewportSize({ width: 400, height: 800 });
    await visit(page, 'target-users-narrow');
    await page.setViewportSize({ width: 1280, height: 900 });
    const add = page.getByRole('button', { name: '+ Add user' });
    await add.click();
    await page.getByRole('dialog', { name: 'Add user' }).waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'detached' });
    assert.ok(await add.evaluate((b) => b === b.ownerDocument.activeElement), 'focus returns to the button that opened the dialog');
    await page.getByRole('link', { name: 'ada@acme.test' }).click();
    await page.getByText('Managed by SCIM setting').waitFor();
    await visit(page, 'target-user-detail');
  });

  it('highlights a refused SCIM request in the job log with its detail', async () => {
    const res = await scim('POST', '/scim/v2/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'no-address' });
    assert.equal(res.status, 400);
    const { page } = rig;
    await page.goto(`${rig.baseUrl}/companies/${company()}/job-log?outcome=failure`);
    const failed = page.locator('tr.outcome-failed').first();
    await failed.waitFor();
    assert.match(await failed.innerText(), /no-address/);
    await visit(page, 'job-log');
  });

  it('shows the progress bar of the re-derivation after a grouping change, to the end', async () => {
    const { page } = rig;
    await page.goto(`${rig.baseUrl}/companies/${company()}/scim-settings`);
    await page.getByRole('link', { name: 'Okta' }).click();
    await page.getByRole('heading', { name: 'Activity' }).waitFor();
    await visit(page, 'scim-setting');
    await page.getByRole('button', { name: 'Edit' }).click();
    await page.getByLabel('Group by field').selectOption('Country / Region');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.waitForURL(/\?job=/);
    await page.getByText(/^Finished:/).waitFor();
    await visit(page, 'scim-setting-rederived');
    await page.reload();
    await page.getByText(/^Finished:/).waitFor();
    await page.goto(`${rig.baseUrl}/companies/${company()}/target-users?group=UK`);
    await page.getByRole('row', { name: /ada@acme\.test/ }).waitFor();
  });

  it('imports a CSV with one bad row and shows that row’s error before anything is written', async () => {
    const { page } = rig;
    await page.goto(`${rig.baseUrl}/companies/${company()}/import`);
    await page.getByLabel('CSV file').setInputFiles({
      name: 'people.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('email,firstName,lastName,Country / Region\nlin@acme.test,Lin,Chen,DE\nnot-an-address,Bad,Row,FR\nmo@acme.test,Mo,Ali,NL\n'),
    });
    await page.getByRole('button', { name: 'Preview (dry run)' }).click();
    const problem = page.locator('table.problems tbody tr').first();
    await problem.waitFor();
    assert.match(await problem.innerText(), /not-an-address/);
    await visit(page, 'csv-import-preview');
    await page.getByRole('button', { name: /^Import \d+ users$/ }).click();
    await page.waitForURL(/\?job=/);
    await page.getByText(/^Finished:/).waitFor();
    await visit(page, 'csv-import-done');
  });

  it('shows the audit log, company settings, groups, API keys and system users without an accessibility fault', async () => {
    const { page } = rig;
    for (const [path, heading, name] of [
      [`/companies/${company()}/audit-log`, 'Audit log', 'audit-log'],
      [`/companies/${company()}/settings`, 'Company settings', 'company-settings'],
      [`/companies/${company()}/groups`, 'Groups', 'groups'],
      [`/companies/${company()}/api-keys`, 'API keys', 'api-keys'],
      ['/system-users', 'System users', 'system-users'],
    ] as const) {
      await page.goto(`${rig.baseUrl}${path}`);
      await page.getByRole('heading', { name: heading, exact: true }).waitFor();
      await page.waitForLoadState('networkidle');
      await visit(page, name);
    }
  });

  it('sends an admin whose session ended back to sign-in with a message', async () => {
    const { page } = rig;
    await page.goto(`${rig.baseUrl}/companies/${company()}/groups`);
    await page.getByRole('heading', { name: 'Groups', exact: true }).waitFor();
    await page.context().clearCookies();
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Job log' }).click();
    await page.waitForURL(/\/sign-in\?next=/);
    await page.getByText('Your session has ended. Sign in again to continue.').waitFor();
    await signIn(rig);
  });
});
