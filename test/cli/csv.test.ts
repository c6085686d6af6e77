// `roster target-user import` and `export` end to end, as an admin scripts them: a dry run that writes
// nothing, an import worked to its end in the CLI process with progress on stderr, an export of the
// (filtered) directory that imports back unchanged, and the exit codes of a file that cannot be read.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createCompany } from '../../src/directory/companies.ts';
import { openStore } from '../../src/store/open.ts';
import { roster, type CliResult } from '../support/process.ts';
import { sharedDatabaseKinds, type SharedDatabase } from '../support/process-stores.ts';

function ok(result: CliResult): any {
  assert.equal(result.code, 0, `exit code; stderr: ${result.stderr}`);
  return result.json;
}

for (const kind of sharedDatabaseKinds()) {
  describe(`roster target-user import and export on ${kind.name}`, () => {
    let db: SharedDatabase;
    let companyId: string;
    const cli = (...args: string[]) => roster(args, { DATABASE_URL: db.url }, db.cwd);
    const file = (name: string, text: string) => {
      const path = join(db.cwd, name);
      writeFileSync(path, text);
      return path;
    };

    before(async () => {
      db = await kind.create();
      const store = await openStore(db.url);
      companyId = (await createCompany(store, { name: 'Csv Corp' }, CLI_ACTOR)).id;
      await store.close();
    });
    after(() => db.remove());

    const users = 'email;First Name;Last Name;Time Zone\nann@csv.example;Ann;Lee;GB\nbob@csv.example;Bob;Ray;\nnope;Cy;Do;\n';

    it('--dry-run --json prints the preview and writes nothing', async () => {
      const preview = ok(await cli('target-user', 'import', file('users.csv', users), '--company', companyId, '--dry-run', '--json'));
      assert.deepEqual([preview.rows, preview.create, preview.failed], [3, 2, 1]);
      assert.deepEqual(preview.problems.map((p: any) => [p.row, p.field]), [[3, 'email']]);
      assert.deepEqual(ok(await cli('target-user', 'list', '--company', companyId, '--json')), []);
    });

    it('import --json works the job to its end, progress on stderr, and prints the job as job show does', async () => {
      const result = await cli('target-user', 'import', join(db.cwd, 'users.csv'), '--company', companyId, '--json');
      const job = ok(result);
      assert.deepEqual([job.kind, job.status, job.done, job.total], ['csv-import', 'done', 3, 3]);
      assert.match(result.stderr, /imported 3 of 3 rows/);
      assert.deepEqual(ok(await cli('job', 'show', job.id, '--json')), job);
      const listed = ok(await cli('target-user', 'list', '--company', companyId, '--json'));
      assert.deepEqual(listed.map((u: any) => [u.email, u.timezone]), [['ann@csv.example', 'Europe/London'], ['bob@csv.example', null]]);
      const text = await cli('target-user', 'import', join(db.cwd, 'users.csv'), '--company', companyId);
      assert.match(text.stdout, /done\. Imported 3 rows from a CSV file: 0 created, 0 updated, 2 unchanged, 0 skipped, 1 failed/);
    });

    it('export writes CSV to stdout that imports back unchanged; filters narrow it', async () => {
      const exported = await cli('target-user', 'export', '--company', companyId);
      assert.equal(exported.code, 0, exported.stderr);
      assert.ok(exported.stdout.startsWith('\uFEFFemail,firstName,'));
      assert.equal(exported.stdout.trim().split('\r\n').length, 3);
      const preview = ok(await cli('target-user', 'import', file('back.csv', exported.stdout), '--company', companyId, '--dry-run', '--json'));
      assert.deepEqual([preview.rows, preview.unchanged], [2, 2]);
      const one = await cli('target-user', 'export', '--company', companyId, '--email', 'BOB@csv.example');
      assert.deepEqual(one.stdout.trim().split('\r\n').slice(1), ['bob@csv.example,Bob,Ray,,,,,,,true,csv']);
    });

    it('a file without an email column or that does not exist exits 2; an unknown company exits 3', async () => {
      const noEmail = await cli('target-user', 'import', file('bad.csv', 'name\nAnn\n'), '--company', companyId, '--json');
      assert.equal(noEmail.code, 2);
      assert.match(noEmail.json.error.message, /no email column/);
      assert.equal((await cli('target-user', 'import', join(db.cwd, 'missing.csv'), '--company', companyId, '--json')).code, 2);
      assert.equal((await cli('target-user', 'import', join(db.cwd, 'users.csv'), '--company', '00000000-0000-7000-8000-000000000000', '--json')).code, 3);
      assert.equal((await cli('target-user', 'export', '--company', companyId, '--group', 'Nope')).code, 3);
    });
  });
}
