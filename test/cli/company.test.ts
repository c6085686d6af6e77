// `roster company …` as an admin uses it next to a running server: names unique ignoring case, a company
// found again by `company list`, and `company update` changing the licence, allowed domains and language that
// `company show` then reports with the licence usage.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { freshPostgresDatabase, request, roster, startServer, tempDir, type CliResult, type RosterServer } from '../support/process.ts';

function ok(result: CliResult): any {
  assert.equal(result.code, 0, `exit code; stderr: ${result.stderr}`);
  assert.equal(result.stderr, '');
  return result.json;
}

function failed(result: CliResult, code: number, kind: string, message: RegExp): void {
  assert.equal(result.code, code, result.stderr);
  assert.equal(result.json?.error?.kind, kind, result.stdout);
  assert.match(result.json.error.message, message);
  assert.equal(result.stderr, `roster: ${result.json.error.message}\n`);
}

const stores: [string, () => Promise<{ url: string; remove(): Promise<void> } | undefined>][] = [
  [
    'SQLite',
    async () => {
      const dir = tempDir();
      return { url: `sqlite:${join(dir.path, 'roster.db')}`, remove: async () => dir.remove() };
    },
  ],
  [
    'PostgreSQL',
    async () => {
      const db = await freshPostgresDatabase();
      return db && { url: db.url, remove: db.drop };
    },
  ],
];

for (const [name, makeStore] of stores) {
  describe(`roster company on ${name}`, () => {
    const dir = tempDir();
    let store: Awaited<ReturnType<typeof makeStore>>;
    let server: RosterServer | undefined;
    const cli = (...args: string[]) => roster([...args, '--json'], { DATABASE_URL: store!.url });

    before(async () => {
      store = await makeStore();
      if (store) server = await startServer({ cwd: dir.path, env: { DATABASE_URL: store.url } });
    });
    after(async () => {
      await server?.stop();
      await store?.remove();
      dir.remove();
    });

    let acme: any;

    it('company create prints the company as company show reads it back, with no active users yet', async (t) => {
      if (!store) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      acme = ok(await cli('company', 'create', '--name', 'Acme'));
      assert.deepEqual(
        { ...acme, id: undefined, createdAt: undefined },
        { id: undefined, name: 'Acme', licenseLimit: null, licenseEnforce: false, allowedDomains: [], language: null, createdAt: undefined, activeUsers: 0, licenseExceeded: false, licenseExceededSince: null },
      );
      assert.deepEqual(ok(await cli('company', 'show', acme.id)), acme);
    });

    it('exits 4 on company create --name acme after Acme, naming the existing company and its id', async (t) => {
      if (!store) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      failed(await cli('company', 'create', '--name', 'acme'), 4, 'conflict', new RegExp(`^A company named "Acme" already exists \\(${acme.id}\\)$`));
    });

    it('lets exactly one of five simultaneous creates of one name succeed; the others exit 4', async (t) => {
      if (!store) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      const results = await Promise.all(['Globex', 'GLOBEX', 'globex', 'Globex', 'GloBex'].map((n) => cli('company', 'create', '--name', n)));
      assert.deepEqual(results.map((r) => r.code).sort(), [0, 4, 4, 4, 4], results.map((r) => r.stderr).join(''));
      for (const r of results.filter((r) => r.code === 4)) assert.match(r.json.error.message, /^A company named "globex" already exists/i);
    });

    it('company list --json lists every company by name, ignoring case, with the fields company show has', async (t) => {
      if (!store) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      const initech = ok(await cli('company', 'create', '--name', 'initech'));
      const listed = ok(await cli('company', 'list'));
      assert.deepEqual(listed.map((c: any) => c.name.toLowerCase()), ['acme', 'globex', 'initech']);
      assert.deepEqual(listed[0], acme);
      assert.deepEqual(listed[2], initech);
    });

    it('company update sets the language, licence and allowed domains, and company show reports them with the usage', async (t) => {
      if (!store) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      const updated = ok(await cli('company', 'update', acme.id, '--language', 'de', '--license-limit', '5', '--license-enforce', '--allowed-domains', 'a.com'));
      const shown = ok(await cli('company', 'show', acme.id));
      assert.deepEqual(shown, updated);
      assert.deepEqual(
        { language: shown.language, licenseLimit: shown.licenseLimit, licenseEnforce: shown.licenseEnforce, allowedDomains: shown.allowedDomains },
        { language: 'de', licenseLimit: 5, licenseEnforce: true, allowedDomains: ['a.com'] },
      );
      assert.equal(shown.activeUsers, 0);
      assert.equal(shown.licenseExceeded, false);
      assert.equal(shown.licenseExceededSince, null);
      assert.equal(shown.name, 'Acme');
      assert.equal(shown.createdAt, acme.createdAt);
    });

    it('exits 2 on --license-limit none while the licence is enforced, and changes nothing', async (t) => {
      if (!store) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      failed(await cli('company', 'update', acme.id, '--license-limit', 'none'), 2, 'invalid', /^Enforcing the licence needs a licence limit/);
      failed(await cli('company', 'create', '--name', 'Hooli', '--license-enforce'), 2, 'invalid', /^Enforcing the licence needs a licence limit/);
      assert.equal(ok(await cli('company', 'show', acme.id)).licenseLimit, 5);
    });

    it('exits 2 on a --language that is not a language tag', async (t) => {
      if (!store) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      failed(await cli('company', 'update', acme.id, '--language', 'klingon!'), 2, 'invalid', /^"klingon!" is not a language tag/);
      failed(await cli('company', 'update', acme.id, '--language', 'xx'), 2, 'invalid', /^"xx" is not a language tag/);
      assert.equal(ok(await cli('company', 'show', acme.id)).language, 'de');
    });

    it('company update --license-limit none --no-license-enforce --language none --allowed-domains none clears them', async (t) => {
      if (!store) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      ok(await cli('company', 'update', acme.id, '--license-limit', 'none', '--no-license-enforce', '--language', 'none', '--allowed-domains', 'none'));
      const shown = ok(await cli('company', 'show', acme.id));
      assert.deepEqual(
        { language: shown.language, licenseLimit: shown.licenseLimit, licenseEnforce: shown.licenseEnforce, allowedDomains: shown.allowedDomains },
        { language: null, licenseLimit: null, licenseEnforce: false, allowedDomains: [] },
      );
    });

    it('exits 4 on a rename to another company’s name in other case, and allows a company its own name in new case', async (t) => {
      if (!store) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      failed(await cli('company', 'update', acme.id, '--name', 'INITECH'), 4, 'conflict', /^A company named "initech" already exists/);
      assert.equal(ok(await cli('company', 'update', acme.id, '--name', 'ACME')).name, 'ACME');
    });

    it('reports a licence exceeded as soon as company update lowers the limit below the active users, and within it once raised', async (t) => {
      if (!store) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      const setting = ok(await cli('scim-setting', 'create', '--company', acme.id, '--name', 'Entra ID'));
      const created = await request(`${server!.origin}/scim/v2/Users`, {
        method: 'POST',
        token: setting.token,
        body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ada@acme.com', emails: [{ value: 'ada@acme.com', primary: true }] },
      });
      assert.equal(created.status, 201, created.raw);
      assert.equal(ok(await cli('company', 'show', acme.id)).activeUsers, 1);
      const over = ok(await cli('company', 'update', acme.id, '--license-limit', '0'));
      assert.equal(over.licenseExceeded, true);
      assert.notEqual(over.licenseExceededSince, null);
      assert.deepEqual(ok(await cli('company', 'show', acme.id)), over);
      const within = ok(await cli('company', 'update', acme.id, '--license-limit', '1'));
      assert.equal(within.licenseExceeded, false);
      assert.equal(within.licenseExceededSince, null);
    });

    it('exits 3 on company show or update of an unknown id, pointing to company list', async (t) => {
      if (!store) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
      const unknown = '00000000-0000-4000-8000-000000000000';
      failed(await cli('company', 'show', unknown), 3, 'notFound', /^No company with id 0{8}-.*\(roster company list shows them\)$/);
      failed(await cli('company', 'update', unknown, '--language', 'de'), 3, 'notFound', /^No company with id 0{8}-/);
    });
  });
}
