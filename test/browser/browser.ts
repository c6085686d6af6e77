// Browser tests' support: Debian's Chromium driven by playwright-core (never a downloaded browser), the real
// server listening on a free port over SQLite in a temp dir, the first operator created the way the CLI
// does, and axe-core run on every screen a test visits.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { acceptInvitation, createSystemUser } from '../../src/auth/system-users.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { startJobWorker } from '../../src/provisioning/rederive.ts';
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
  close(): Promise<void>;
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
  const { invitationToken } = await createSystemUser(server.store, { email, role: 'operator' }, CLI_ACTOR);
  await acceptInvitation(server.store, invitationToken, PASSWORD, { ip: null, userAgent: null });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  // bypassCSP: axe-core is injected as an inline script, which the UI's Content-Security-Policy forbids.
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, bypassCSP: true });
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseUrl });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  return {
    server,
    baseUrl,
    browser,
    page,
    email,
    async close() {
      await browser.close();
      await jobs.stop();
      await server.close();
    },
  };
}

export async function signIn(rig: BrowserRig) {
  const { page } = rig;
  await page.goto(`${rig.baseUrl}/companies`);
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('Email').fill(rig.email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Companies' }).waitFor();
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
