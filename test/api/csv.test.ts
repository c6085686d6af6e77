// CSV import and export through the admin API on every store: a preview that writes nothing, an import run
// as a job whose progress the API reports, and an export of the filtered table.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { workPendingJobs } from '../../src/provisioning/rederive.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { signedIn, type ApiClient } from '../support/api.ts';
import { storeKinds } from '../support/stores.ts';
import { address, createUser } from '../support/scim.ts';

const CSV = { 'content-type': 'text/csv' };

for (const kind of storeKinds()) {
  describe(`CSV import and export through the admin API on ${kind.name}`, () => {
    let s: TestServer;
    let admin: ApiClient;
    let base: string;
    before(async () => {
      s = await startServer(kind);
      admin = await signedIn(s, 'admin');
      base = `/api/v1/companies/${s.companyId}`;
    });
    after(() => s.close());

    it('previews an import with its bad row named and writes nothing, then imports it as a job', async () => {
      const [a, b] = [address('csv-a'), address('csv-b')];
      const body = `\uFEFFEmail;First Name;lastName;timezone\n${a};Ada;Lovelace;Europe/London\nnot-an-email;Bad;Row;UTC\n${b};"Grace; ""Amazing""";Hopper;America/New_York\n`;
      const preview = await admin.call('POST', `${base}/target-users/import?dryRun=true`, body, CSV);
      assert.equal(preview.status, 200, preview.raw);
      assert.equal(preview.body.rows, 3);
      assert.equal(preview.body.create, 2);
      assert.equal(preview.body.failed, 1);
      assert.equal(preview.body.problems[0].row, 2);
      assert.ok(preview.body.problems[0].message);
      assert.deepEqual((await admin.call('GET', `${base}/target-users?email=${encodeURIComponent(a)}`)).body.items, []);

      const queued = await admin.call('POST', `${base}/target-users/import`, body, CSV);
      assert.equal(queued.status, 202, queued.raw);
      await workPendingJobs(s.store);
      const job = await admin.call('GET', `/api/v1/jobs/${queued.body.jobId}`);
      assert.equal(job.body.status, 'done', JSON.stringify(job.body));
      assert.equal(job.body.kind, 'csv-import');
      const grace = (await admin.call('GET', `${base}/target-users?email=${encodeURIComponent(b)}`)).body.items[0];
      assert.equal(grace.firstName, 'Grace; "Amazing"');
      assert.equal(grace.timezone, 'America/New_York');
    });

    it('reports a SCIM-owned user in the preview instead of overwriting it', async () => {
      const owned = await createUser(s, { userName: address('csv-owned') });
      const preview = await admin.call('POST', `${base}/target-users/import?dryRun=true`, `email,firstName\n${owned.userName},Changed\n`, CSV);
      assert.equal(preview.body.skipped, 1, preview.raw);
      assert.match(preview.body.problems[0].message, /Entra ID/);
    });

    it('refuses a file without an email column with a message naming it', async () => {
      const res = await admin.call('POST', `${base}/target-users/import?dryRun=true`, 'name,phone\nAda,123\n', CSV);
      assert.equal(res.status, 400);
      assert.match(res.body.error.message, /email/i);
    });

    it('refuses an import to a viewer', async () => {
      const viewer = await signedIn(s, 'viewer');
      const res = await viewer.call('POST', `${base}/target-users/import?dryRun=true`, 'email\nx@roster.test\n', CSV);
      assert.equal(res.status, 403);
    });

    it('exports the filtered table as CSV that names the columns the import reads', async () => {
      const email = address('csv-export');
      await admin.call('POST', `${base}/target-users`, { email, firstName: 'Export', lastName: 'Me' });
      const res = await s.app.inject({ method: 'GET', url: `${base}/target-users/export?email=${encodeURIComponent(email)}`, headers: { cookie: admin.cookie! } });
      assert.equal(res.statusCode, 200, res.body);
      assert.match(String(res.headers['content-type']), /^text\/csv/);
      assert.match(String(res.headers['content-disposition']), /attachment/);
      const lines = res.body.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
      assert.equal(lines.length, 2, res.body);
      assert.match(lines[0]!, /email/i);
      assert.ok(lines[1]!.includes(email));
      const bad = await s.app.inject({ method: 'GET', url: `${base}/target-users/export?group=${encodeURIComponent('No such group')}`, headers: { cookie: admin.cookie! } });
      assert.equal(bad.statusCode, 404);
      assert.equal(JSON.parse(bad.body).error.code, 'not_found');
    });
  });
}
