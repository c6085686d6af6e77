// The target-user directory from the CLI, next to a running server, as an admin scripts it: custom fields, a
// setting whose mappings fill them, target users and groups listed and shown, SCIM-managed users read-only,
// a rules change re-derived by the server, and a deleted setting handing its users over.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { request, roster, startServer, tempDir, type CliResult, type RosterServer } from '../support/process.ts';

const USER_URN = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

function ok(result: CliResult): any {
  assert.equal(result.code, 0, `exit code; stderr: ${result.stderr}`);
  assert.notEqual(result.json, undefined, `stdout is one JSON document:\n${result.stdout}`);
  return result.json;
}

function fails(result: CliResult, code: number, message: RegExp): void {
  assert.equal(result.code, code, `${result.stdout}\n${result.stderr}`);
  assert.match(result.json?.error?.message ?? '', message);
}

describe('roster custom-field, target-user and group, next to a running server', () => {
  const dir = tempDir();
  const file = join(dir.path, 'roster.db');
  let server: RosterServer;
  let env: Record<string, string>;
  const cli = (...args: string[]) => roster([...args, '--json'], env);
  let companyId: string;
  let settingId: string;
  let token: string;

  before(async () => {
    server = await startServer({ cwd: dir.path, env: { DATABASE_URL: `sqlite:${file}` } });
    env = { DATABASE_URL: `sqlite:${file}`, PUBLIC_URL: server.origin };
    companyId = ok(await cli('company', 'create', '--name', 'Directory Corp')).id;
  });
  after(async () => {
    await server.stop();
    dir.remove();
  });

  const push = (body: unknown) =>
    request(`${server.origin}/scim/v2/Users`, { token, method: 'POST', body });

  it('custom-field create prints {id, name, type} with the name exactly as typed, and list shows it', async () => {
    const field = ok(await cli('custom-field', 'create', '--company', companyId, '--name', 'Country / Region'));
    assert.deepEqual(Object.keys(field), ['id', 'name', 'type']);
    assert.deepEqual([field.name, field.type], ['Country / Region', 'text']);
    ok(await cli('custom-field', 'create', '--company', companyId, '--name', 'Start date', '--type', 'date'));
    assert.deepEqual(ok(await cli('custom-field', 'list', '--company', companyId)).map((f: { name: string }) => f.name), ['Country / Region', 'Start date']);
  });

  it('refuses a custom field whose name differs only in case (exit 4), an unknown type (exit 2) and a platform field name (exit 2)', async () => {
    fails(await cli('custom-field', 'create', '--company', companyId, '--name', 'country / region'), 4, /already has a custom field named "Country \/ Region"/);
    fails(await cli('custom-field', 'create', '--company', companyId, '--name', 'Shoe size', '--type', 'integer'), 2, /one of text, number, email, date, datetime, boolean/);
    fails(await cli('custom-field', 'create', '--company', companyId, '--name', 'Department'), 2, /platform field/);
  });

  it('scim-setting create refuses a mapping onto a field the company does not have, naming it', async () => {
    fails(await cli('scim-setting', 'create', '--company', companyId, '--name', 'Entra ID', '--map', 'Shoe size=title'), 2, /"Shoe size" is neither a platform field/);
  });

  it('a setting mapping the custom field makes what Entra pushes a target user listed with its custom value and group', async () => {
    const setting = ok(
      await cli('scim-setting', 'create', '--company', companyId, '--name', 'Entra ID', '--map', 'Country / Region=addresses[type eq "work"].country', '--group-name', 'All staff'),
    );
    ({ id: settingId, token } = setting);
    assert.equal(setting.testMode, false);
    const res = await push({ schemas: [USER_URN, ENTERPRISE], userName: 'ann@directory.example', addresses: [{ type: 'work', country: 'UK' }], [ENTERPRISE]: { department: 'Sales' } });
    assert.equal(res.status, 201, res.raw);
    const [ann, ...rest] = ok(await cli('target-user', 'list', '--company', companyId));
    assert.equal(rest.length, 0);
    assert.deepEqual(
      Object.keys(ann).sort(),
      ['active', 'createdAt', 'customFields', 'deliverable', 'department', 'email', 'firstName', 'groups', 'id', 'lastName', 'manager', 'phone', 'preferredLanguage', 'source', 'timezone', 'title', 'updatedAt'],
    );
    assert.equal(ann.email, 'ann@directory.example');
    assert.equal(ann.department, 'Sales');
    assert.deepEqual(ann.customFields, { 'Country / Region': 'UK' });
    assert.deepEqual(ann.groups, ['All staff']);
    assert.deepEqual(ann.source, { kind: 'scim', settingId, settingName: 'Entra ID' });
    assert.equal(ann.preferredLanguage, 'en');
    const shown = ok(await cli('target-user', 'show', ann.id));
    assert.equal(shown.id, ann.id);
    assert.equal(shown.jobLog[0].operation, 'create');
    assert.equal(shown.jobLog[0].outcome, 'success');
    assert.deepEqual(ok(await cli('group', 'list', '--company', companyId)).map((g: { name: string; source: string; memberCount: number }) => [g.name, g.source, g.memberCount]), [['All staff', 'setting', 1]]);
  });

  it('target-user list pages with --limit and --after the last id, with no user twice, and filters by group, field, active and source', async () => {
    for (const i of [1, 2, 3, 4]) assert.equal((await push({ schemas: [USER_URN], userName: `p${i}@directory.example`, active: i !== 4 })).status, 201);
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = ok(await cli('target-user', 'list', '--company', companyId, '--limit', '2', ...(after ? ['--after', after] : [])));
      if (!page.length) break;
      assert.ok(page.length <= 2);
      seen.push(...page.map((u: { id: string }) => u.id));
      after = page.at(-1).id;
    }
    assert.equal(seen.length, 5);
    assert.equal(new Set(seen).size, 5);
    assert.equal(ok(await cli('target-user', 'list', '--company', companyId, '--active', 'false')).length, 1);
    assert.equal(ok(await cli('target-user', 'list', '--company', companyId, '--field', 'Country / Region=uk')).length, 1);
    assert.equal(ok(await cli('target-user', 'list', '--company', companyId, '--group', 'ALL STAFF')).length, 5);
    assert.equal(ok(await cli('target-user', 'list', '--company', companyId, '--source', settingId)).length, 5);
    assert.equal(ok(await cli('target-user', 'list', '--company', companyId, '--email', 'ANN@directory.example')).length, 1);
    fails(await cli('target-user', 'list', '--company', companyId, '--group', 'Nope'), 3, /no group named "Nope"/);
    fails(await cli('target-user', 'list', '--company', companyId, '--active', 'yes'), 2, /expected true or false/);
  });

  it('refuses to change or delete a SCIM-managed user, naming the setting (exit 4)', async () => {
    const [ann] = ok(await cli('target-user', 'list', '--company', companyId, '--email', 'ann@directory.example'));
    fails(await cli('target-user', 'update', ann.id, '--title', 'Boss'), 4, /managed by SCIM setting "Entra ID"/);
    fails(await cli('target-user', 'delete', ann.id), 4, /managed by SCIM setting "Entra ID"/);
  });

  it('creates, changes and deletes a manual user, canonicalising its timezone and language', async () => {
    const made = ok(await cli('target-user', 'create', '--company', companyId, '--email', 'Manual@Directory.example', '--timezone', 'GB', '--language', 'pt_br'));
    assert.deepEqual([made.email, made.timezone, made.preferredLanguage, made.source.kind], ['Manual@directory.example', 'Europe/London', 'pt-BR', 'manual']);
    const changed = ok(await cli('target-user', 'update', made.id, '--title', 'Analyst', '--active', 'false'));
    assert.deepEqual([changed.title, changed.active], ['Analyst', false]);
    fails(await cli('target-user', 'create', '--company', companyId, '--email', 'not-an-address'), 2, /not a usable email address/);
    ok(await cli('target-user', 'delete', made.id));
    fails(await cli('target-user', 'show', made.id), 3, /No target user/);
  });

  it('group create makes a manual group, a second of the same name exits 4, and group delete removes it', async () => {
    const g = ok(await cli('group', 'create', '--company', companyId, '--name', 'Board'));
    assert.deepEqual([g.name, g.source, g.memberCount], ['Board', 'manual', 0]);
    fails(await cli('group', 'create', '--company', companyId, '--name', 'board'), 4, /already has a group named "Board"/);
    ok(await cli('group', 'delete', g.id, '--company', companyId));
    assert.ok(!ok(await cli('group', 'list', '--company', companyId)).some((x: { id: string }) => x.id === g.id));
  });

  it('scim-setting update changes the rules, prints the job, and the running server re-derives the users', async () => {
    const updated = ok(await cli('scim-setting', 'update', settingId, '--group-by', 'department', '--no-group-name'));
    assert.equal(updated.groupBy, 'department');
    assert.equal(updated.groupName, null);
    assert.ok(updated.jobId);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const [ann] = ok(await cli('target-user', 'list', '--company', companyId, '--email', 'ann@directory.example'));
      if (ann.groups.join() === 'Sales') break;
      assert.ok(Date.now() < deadline, `still ${JSON.stringify(ann.groups)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    fails(await cli('scim-setting', 'update', settingId, '--group-by', 'title'), 2, /group by department or a text custom field/);
    fails(await cli('scim-setting', 'update', settingId, '--map', 'title=x', '--clear-maps'), 2, /contradict/);
  });

  it('scim-setting delete stops the token and hands its users over to manual management', async () => {
    ok(await cli('scim-setting', 'delete', settingId));
    assert.equal((await request(`${server.origin}/scim/v2/Users`, { token })).status, 401);
    const [ann] = ok(await cli('target-user', 'list', '--company', companyId, '--email', 'ann@directory.example'));
    assert.equal(ann.source.kind, 'manual');
    assert.equal(ok(await cli('target-user', 'update', ann.id, '--title', 'Boss')).title, 'Boss');
  });
});
