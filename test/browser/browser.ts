// Browser tests' support: Debian's Chromium driven by playwright-core (never a downloaded browser), the real
// server listening on a free port over SQLite in a temp dir, the first operator created the way the CLI
// does, and axe-core run on every screen a test visits.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Role } from '../../src/auth/principal.ts';
import { acceptInvitation, createSystemUser } from '../../src/auth/system-users.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { startJobWorker } from '../../src/provisioning/rederive.ts';
import type { Store } from '../../src/store/open.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';

const CHROMIUM = '/usr/bin/chromium';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const SCREENSHOTS = join(import.meta.dirname, '..', '..', 'docs', 'screenshots');
export const PASSWORD = 'correct horse battery staple';

export interface BrowserRig {
  server: TestServer;
  baseUrl: string;
  browser: Browser;
  page: Page;
  email: string;
  /** Another browser window with cookies of its own: a second person signed in beside the operator. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** A system user who has accepted their invitation with PASSWORD, as `roster system-user create` and the
 *  link it prints would leave them. */
export async function addSystemUser(store: Store, email: string, role: Role, companyId?: string) {
  const { invitationToken } = await createSystemUser(store, { email, role, companyId: companyId ?? null }, CLI_ACTOR);
  await acceptInvitation(store, invitationToken, PASSWORD, { ip: null, userAgent: null });
}

export async function startRig(): Promise<BrowserRig> {
  assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: the browser tests drive Debian's Chromium (apt-get install -y chromium)`);
  assert.ok(existsSync(join(import.meta.dirname, '..', '..', 'ui', 'dist', 'index.html')), 'ui/dist is not built: run npm run build:ui');
  const sqlite = storeKinds().find((k) => k.name === 'sqlite') ?? storeKinds()[0]!;
  const server = await startServer(sqlite);
  await server.app.listen({ port: 0, host: '127.0.0.1' });
  const baseUrl = `http://127.0.0.1:${(server.app.server.address() as AddressInfo).port}`;
  // The worker main.ts runs, polling often: imports and re-derivations finish within the test.
  const jobs = startJobWorker(server.store, (e) => console.error(e), 100);
  const email = 'operator@roster.test';
  await addSystemUser(server.store, email, 'operator');
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const newPage = async () => {
    // bypassCSP: axe-core is injected as an inline script, which the UI's Content-Security-Policy forbids.
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return page;
  };
  return {
    server,
    baseUrl,
    browser,
    page: await newPage(),
    email,
    newPage,
    async close() {
      await browser.close();
      await jobs.stop();
      await server.close();
    },
  };
}

/** Signs in through the sign-in screen (the rig's operator unless told whom) and waits for their home screen. */
export async function signIn(rig: BrowserRig, page = rig.page, email = rig.email, password = PASSWORD) {
  await page.goto(`${rig.baseUrl}/sign-in`);
  await submitSignIn(page, email, password);
  await page.getByRole('navigation', { name: 'Main' }).waitFor();
}

/** Fills and sends the sign-in form on the screen as it is. */
export async function submitSignIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Fails on any serious or critical axe-core finding on the page as it is now. */
export async function assertAccessible(page: Page, screen: string) {
  await page.addScriptTag({ path: AXE });
  // A string, evaluated in the page: the test's own TypeScript knows no DOM.
  const violations = (await page.evaluate(`axe.run().then((r) => r.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => v.impact + ' ' + v.id + ': ' + v.help + ' at ' + v.nodes.map((n) => n.target.join(' ')).join(', ')))`)) as string[];
  assert.deepEqual(violations, [], `axe-core on ${screen}`);
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/** Both: the screen passes axe-core and its screenshot is saved. */
export async function visit(page: Page, name: string) {
  await assertAccessible(page, name);
  await screenshot(page, name);
}
