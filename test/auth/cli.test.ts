// `roster system-user …` and `roster api-key …` through the real CLI next to a running server, and the line
// the server logs on its first start: the exact command that creates the first operator.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { apiKeyPrincipal } from '../../src/auth/api-keys.ts';
import { acceptInvitation } from '../../src/auth/system-users.ts';
import { openStore } from '../../src/store/open.ts';
import { logLines, roster, startServer, tempDir, type CliResult, type RosterServer } from '../support/process.ts';
import { CLIENT, PASSWORD } from './support.ts';

const FIRST_RUN = 'No system user exists yet. Create the first operator with: npx roster system-user create --email you@example.com --role operator';

function ok(result: CliResult): any {
  assert.equal(result.code, 0, `exit code; stderr: ${result.stderr}`);
  assert.notEqual(result.json, undefined, `stdout is one JSON document:\n${result.stdout}`);
  return result.json;
}

function fails(result: CliResult, code: number, message: RegExp): void {
  assert.equal(result.code, code, `${result.stdout}\n${result.stderr}`);
  assert.match(result.json?.error?.message ?? '', message);
}

describe('roster system-user and api-key, next to a running server', () => {
  const dir = tempDir();
  const file = join(dir.path, 'roster.db');
  const databaseUrl = `sqlite:${file}`;
  let server: RosterServer;
  const cli = (...args: string[]) => roster([...args, '--json'], { DATABASE_URL: databaseUrl });
  let companyId: string;

  before(async () => {
    server = await startServer({ cwd: dir.path, env: { DATABASE_URL: databaseUrl } });
    companyId = ok(await cli('company', 'create', '--name', 'Acme')).id;
  });
  after(async () => {
    await server.stop();
    dir.remove();
  });

  it('the server logs, at warn level, the command that creates the first operator, and there is no default password', async () => {
    const line = logLines(server.stdout()).find((l) => l.msg === FIRST_RUN);
    assert.ok(line, server.stdout());
    assert.equal(line.level, 40);
    assert.ok(!/password/i.test(server.stdout()));
  });

  it('system-user create prints the user, a one-time invitation link on the server it found, and its expiry', async () => {
    const created = ok(await cli('system-user', 'create', '--email', 'op@acme.example', '--role', 'operator'));
    assert.deepEqual(Object.keys(created), ['user', 'invitationUrl', 'invitationExpiresAt']);
    assert.equal(created.user.status, 'invited');
    assert.match(created.invitationUrl, new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/accept-invitation#token=[A-Za-z0-9_-]{43}$`));
    const store = await openStore(databaseUrl, { migrate: false });
    try {
      const session = await acceptInvitation(store, created.invitationUrl.split('#token=')[1], PASSWORD, CLIENT);
      assert.equal(session.principal.role, 'operator');
    } finally {
      await store.close();
    }
  });

  it('system-user list, invite and delete; a viewer needs a company; the last operator stays', async () => {
    const viewer = ok(await cli('system-user', 'create', '--email', 'viewer@acme.example', '--role', 'viewer', '--company', companyId)).user;
    fails(await cli('system-user', 'create', '--email', 'other@acme.example', '--role', 'viewer'), 2, /one company/);
    fails(await cli('system-user', 'create', '--email', 'x@acme.example', '--role', 'superuser'), 2, /operator, admin, viewer/);
    fails(await cli('system-user', 'create', '--email', 'VIEWER@acme.example', '--role', 'admin', '--company', companyId), 4, /already exists/);
    assert.deepEqual(ok(await cli('system-user', 'list', '--company', companyId)).map((u: { email: string }) => u.email), ['viewer@acme.example']);
    assert.deepEqual(ok(await cli('system-user', 'list')).map((u: { email: string }) => u.email), ['op@acme.example', 'viewer@acme.example']);
    assert.match(ok(await cli('system-user', 'invite', viewer.id)).invitationUrl, /accept-invitation#token=/);
    ok(await cli('system-user', 'delete', viewer.id));
    fails(await cli('system-user', 'delete', viewer.id), 3, /No system user/);
    const operator = ok(await cli('system-user', 'list'))[0];
    fails(await cli('system-user', 'delete', operator.id), 4, /last operator/);
  });

  it('api-key create prints the key once, list never shows it, revoke stops it (twice: exit 4)', async () => {
    const created = ok(await cli('api-key', 'create', '--company', companyId, '--role', 'viewer', '--name', 'HR sync'));
    assert.deepEqual(Object.keys(created), ['key', 'apiKey']);
    assert.match(created.key, /^rk_[0-9a-f]{8}_/);
    assert.equal(created.apiKey.role, 'viewer');
    const listed = await cli('api-key', 'list', '--company', companyId);
    assert.deepEqual(ok(listed), [created.apiKey]);
    assert.ok(!listed.stdout.includes(created.key));
    fails(await cli('api-key', 'create', '--company', companyId, '--role', 'operator'), 2, /admin or viewer/);
    fails(await cli('api-key', 'revoke', created.apiKey.id, '--company', 'nope'), 3, /No API key/);
    assert.notEqual(ok(await cli('api-key', 'revoke', created.apiKey.id, '--company', companyId)).revokedAt, null);
    fails(await cli('api-key', 'revoke', created.apiKey.id, '--company', companyId), 4, /already revoked/);
    const store = await openStore(databaseUrl, { migrate: false });
    try {
      assert.equal(await apiKeyPrincipal(store, created.key), undefined);
    } finally {
      await store.close();
    }
  });

  it('a restarted server with a system user no longer logs the first-run line', async () => {
    await server.stop();
    server = await startServer({ cwd: dir.path, env: { DATABASE_URL: databaseUrl } });
    assert.ok(!server.stdout().includes('No system user exists yet'));
  });
});
