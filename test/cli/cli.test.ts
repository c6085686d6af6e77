// `npx roster …` (bin/roster.mjs) as operators script it: on the same DATABASE_URL as a running server,
// every command with --json prints exactly one JSON document, and tokens are shown once and never stored.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { request, roster, seedTenant, startServer, tempDir, type CliResult, type RosterServer } from '../support/process.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function ok(result: CliResult): any {
  assert.equal(result.code, 0, `exit code; stderr: ${result.stderr}`);
  assert.equal(result.stderr, '');
  assert.notEqual(result.json, undefined, `stdout is one JSON document:\n${result.stdout}`);
  return result.json;
}

describe('roster, next to a running server on SQLite', () => {
  const dir = tempDir();
  const file = join(dir.path, 'roster.db');
  let server: RosterServer;
  let env: Record<string, string>;
  const users = (token: string) => request(`${server.origin}/scim/v2/Users`, { token });

  before(async () => {
    server = await startServer({ cwd: dir.path, env: { DATABASE_URL: `sqlite:${file}` } });
    env = { DATABASE_URL: `sqlite:${file}`, PUBLIC_URL: server.origin };
  });
  after(async () => {
    await server.stop();
    dir.remove();
  });

  let companyId: string;
  let settingId: string;
  let token: string;

  it('company create --json prints the company with its licence and domains, and company show reads them back', async () => {
    const company = ok(
      await roster(['company', 'create', '--name', 'Acme Corp', '--license-limit', '250', '--license-enforce', '--allowed-domains', 'Acme.com, acme.co.uk', '--json'], env),
    );
    assert.match(company.id, UUID);
    assert.equal(company.name, 'Acme Corp');
    assert.equal(company.licenseLimit, 250);
    assert.equal(company.licenseEnforce, true);
    assert.deepEqual(company.allowedDomains, ['acme.com', 'acme.co.uk']);
    companyId = company.id;
    assert.deepEqual(ok(await roster(['company', 'show', companyId, '--json'], env)), company);
  });

  it('scim-setting create --json prints a 256-bit token and the scimUrl, and the token works on the running server at once', async () => {
    const setting = ok(
      await roster(
        [
          'scim-setting', 'create', '--company', companyId, '--name', 'Entra ID',
          '--map', `department=${ENTERPRISE}:department`,
          '--map', 'email=emails[type eq "work"].value',
          '--group-name', 'All staff', '--group-by', 'department', '--sync-groups', '--json',
        ],
        env,
      ),
    );
    assert.match(setting.id, UUID);
    assert.equal(setting.companyId, companyId);
    // 32 random bytes in base64url after the rst_ prefix.
    assert.match(setting.token, /^rst_[A-Za-z0-9_-]{43}$/);
    assert.equal(setting.scimUrl, `${server.origin}/scim/v2`);
    ({ id: settingId, token } = setting);
    const res = await request(`${setting.scimUrl}/Users`, { token });
    assert.equal(res.status, 200, res.raw);
  });

  it("scim-setting list --json shows the stored mappings and grouping, and the running server's scimUrl, but never the token", async () => {
    // Without PUBLIC_URL or PORT here, scimUrl is the address the server recorded: it listens on a port of its own.
    const result = await roster(['scim-setting', 'list', '--company', companyId, '--json'], { DATABASE_URL: env.DATABASE_URL! });
    const [setting, ...rest] = ok(result);
    assert.equal(rest.length, 0);
    assert.equal(setting.id, settingId);
    assert.deepEqual(setting.mappings, [
      { field: 'department', expression: `${ENTERPRISE}:department` },
      { field: 'email', expression: 'emails[type eq "work"].value' },
    ]);
    assert.equal(setting.groupName, 'All staff');
    assert.equal(setting.groupBy, 'department');
    assert.equal(setting.syncGroups, true);
    assert.equal(setting.revokedAt, null);
    assert.notEqual(server.port, 8080);
    assert.equal(setting.scimUrl, `${server.origin}/scim/v2`);
    assert.equal((await request(`${setting.scimUrl}/Users`, { token })).status, 200);
    assert.ok(!('token' in setting) && !('tokenHash' in setting));
    assert.ok(!result.stdout.includes(token));
    assert.equal(setting.tokenPrefix, token.slice(0, setting.tokenPrefix.length));
  });

  it('keeps only the SHA-256 hash of the token in the database', () => {
    const db = new Database(file, { readonly: true });
    try {
      const row = db.prepare('SELECT * FROM scim_settings WHERE id = ?').get(settingId) as Record<string, unknown>;
      assert.equal(row.token_hash, createHash('sha256').update(token).digest('hex'));
      assert.ok(!JSON.stringify(row).includes(token));
    } finally {
      db.close();
    }
    for (const part of [file, `${file}-wal`]) {
      if (existsSync(part)) assert.ok(!readFileSync(part).includes(token), `${part} holds the token`);
    }
  });

  it('scim-setting rotate --json prints a new token; the old one gets 401 on the running server at once', async () => {
    assert.equal((await users(token)).status, 200);
    const rotated = ok(await roster(['scim-setting', 'rotate', settingId, '--json'], env));
    assert.equal(rotated.id, settingId);
    assert.match(rotated.token, /^rst_[A-Za-z0-9_-]{43}$/);
    assert.notEqual(rotated.token, token);
    assert.notEqual(rotated.rotatedAt, null);
    const old = await users(token);
    assert.equal(old.status, 401);
    assert.match(String(old.headers['www-authenticate']), /^Bearer/);
    assert.equal((await users(rotated.token)).status, 200);
    token = rotated.token;
  });

  it('scim-setting revoke --json makes the token get 401 on the running server at once', async () => {
    const revoked = ok(await roster(['scim-setting', 'revoke', settingId, '--json'], env));
    assert.equal(revoked.id, settingId);
    assert.notEqual(revoked.revokedAt, null);
    assert.ok(!('token' in revoked));
    assert.equal((await users(token)).status, 401);
  });

  it('a second scim-setting revoke exits 4 with a conflict error saying when the setting was revoked', async () => {
    const [{ revokedAt }] = ok(await roster(['scim-setting', 'list', '--company', companyId, '--json'], env));
    const result = await roster(['scim-setting', 'revoke', settingId, '--json'], env);
    assert.equal(result.code, 4, result.stderr);
    assert.equal(result.json?.error?.kind, 'conflict', result.stdout);
    assert.equal(result.json.error.message, `SCIM setting ${settingId} was already revoked at ${revokedAt}`);
    assert.equal(result.stderr, `roster: ${result.json.error.message}\n`);
  });

  it('scim-setting rotate of a revoked setting exits 4 with a conflict error and issues no token', async () => {
    const result = await roster(['scim-setting', 'rotate', settingId, '--json'], env);
    assert.equal(result.code, 4, result.stderr);
    assert.equal(result.json?.error?.kind, 'conflict', result.stdout);
    assert.deepEqual(Object.keys(result.json), ['error']);
    assert.match(result.json.error.message, /revoked/);
    assert.equal((await users(token)).status, 401);
  });

  it('creates a SCIM setting while the server is busy writing users to the same SQLite file', async () => {
    const { token: busy, companyId: busyCompany } = await seedTenant(`sqlite:${file}`, 'Busy');
    let stop = false;
    const statuses: number[] = [];
    const writer = (async () => {
      for (let i = 0; !stop; i++) {
        const res = await request(`${server.origin}/scim/v2/Users`, {
          method: 'POST',
          token: busy,
          body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `busy.${i}@example.com` },
        });
        statuses.push(res.status);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    try {
      const setting = ok(await roster(['scim-setting', 'create', '--company', busyCompany, '--name', 'Okta', '--json'], env));
      assert.equal((await users(setting.token)).status, 200);
    } finally {
      stop = true;
      await writer;
    }
    assert.ok(statuses.length > 0);
    assert.deepEqual([...new Set(statuses)], [201]);
  });
});

describe('roster, refusing what it cannot do', { concurrency: 4 }, () => {
  const dir = tempDir();
  const databaseUrl = `sqlite:${join(dir.path, 'roster.db')}`;
  let companyId: string;
  before(async () => {
    ({ companyId } = await seedTenant(databaseUrl)); // its SCIM setting is named "Entra ID"
  });
  after(() => dir.remove());

  const NO_SUCH = '00000000-0000-4000-8000-000000000000';
  const cases: [string, () => string[], number, string, RegExp][] = [
    ['an unknown company id', () => ['scim-setting', 'create', '--company', NO_SUCH, '--name', 'Okta'], 3, 'notFound', /^No company with id 00000000-/],
    ['a --map whose expression is not a SCIM attribute path', () => ['scim-setting', 'create', '--company', companyId, '--name', 'Okta', '--map', 'email=emails[type eq'], 2, 'invalid', /^Mapping "email=emails\[type eq": /],
    ['a duplicate SCIM setting name', () => ['scim-setting', 'create', '--company', companyId, '--name', 'Entra ID'], 4, 'conflict', /^The company already has a SCIM setting named "Entra ID"/],
    ['a --license-limit that is not a whole number', () => ['company', 'create', '--name', 'X', '--license-limit', '12.5'], 2, 'invalid', /--license-limit <n>' argument '12\.5' is invalid/],
    ['an allowed domain that is not a domain name', () => ['company', 'create', '--name', 'X', '--allowed-domains', 'a.com,https://b.com'], 2, 'invalid', /^"https:\/\/b\.com" is not a domain name/],
    ['a missing required option', () => ['company', 'create'], 2, 'invalid', /required option '--name <name>' not specified/],
    ['a --rate-limit that is not a whole number', () => ['scim-setting', 'create', '--company', companyId, '--name', 'Okta', '--rate-limit', 'fast'], 2, 'invalid', /--rate-limit <n>' argument 'fast' is invalid\. expected a whole number from 0 \(unlimited\) to 1000000, or default/],
    ['a negative --rate-limit on update', () => ['scim-setting', 'update', NO_SUCH, '--rate-limit', '-5'], 2, 'invalid', /--rate-limit <n>' argument '-5' is invalid/],
    ['an update that names nothing to change', () => ['scim-setting', 'update', NO_SUCH], 2, 'invalid', /^Nothing to change: give at least one option/],
    ['an update of an unknown SCIM setting id', () => ['scim-setting', 'update', NO_SUCH, '--rate-limit', '5'], 3, 'notFound', /^No SCIM setting with id 00000000-/],
  ];
  for (const [what, args, code, kind, message] of cases) {
    it(`exits ${code} on ${what}, with the message on stderr and as a JSON error with --json`, async () => {
      const result = await roster([...args(), '--json'], { DATABASE_URL: databaseUrl });
      assert.equal(result.code, code, result.stderr);
      assert.equal(result.json?.error?.kind, kind, result.stdout);
      assert.match(result.json.error.message, message);
      assert.deepEqual(Object.keys(result.json), ['error']);
      assert.ok(result.stderr.includes(result.json.error.message), result.stderr);
      assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    });
  }

  it('prints errors on stderr only, and nothing on stdout, without --json', async () => {
    const result = await roster(['scim-setting', 'list', '--company', NO_SUCH], { DATABASE_URL: databaseUrl });
    assert.equal(result.code, 3);
    assert.equal(result.stdout, '');
    assert.equal(result.stderr, `roster: No company with id ${NO_SUCH} (roster company list shows them)\n`);
  });

  it('exits 1 with a JSON error when DATABASE_URL is unusable, and does not echo its password', async () => {
    const result = await roster(['company', 'create', '--name', 'X', '--json'], { DATABASE_URL: 'postgress://roster:s3cret@db/roster' });
    assert.equal(result.code, 1);
    assert.equal(result.json.error.kind, 'config');
    assert.match(result.json.error.message, /^DATABASE_URL must be sqlite:PATH or postgres:\/\//);
    assert.ok(!result.stdout.includes('s3cret') && !result.stderr.includes('s3cret'));
  });
});
