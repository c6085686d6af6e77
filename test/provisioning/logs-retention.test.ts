// Retention (README "Configuration": JOB_LOG_RETENTION_DAYS, DELETED_USER_RETENTION_DAYS): pruneOnce with a
// fake clock removes exactly what is older than each retention, batch by batch, on both stores, and never
// touches the audit log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createCompany } from '../../src/directory/companies.ts';
import { createCustomField } from '../../src/directory/custom-fields.ts';
import { newId } from '../../src/store/ids.ts';
import { pruneOnce } from '../../src/provisioning/maintenance.ts';
import { createManualUser, deleteManualUser } from '../../src/provisioning/manual-users.ts';
import { insertJobInput } from '../../src/store/job-inputs.ts';
import { appendJobLog } from '../../src/store/job-log.ts';
import { finishJob, insertJob } from '../../src/store/job-queue.ts';
import type { Store } from '../../src/store/open.ts';
import { customValuesOf, replaceCustomValues } from '../../src/store/target-users.ts';
import { storeKinds } from '../support/stores.ts';

const DAY = 86_400_000;
const retention = { jobLogRetentionDays: 90, deletedUserRetentionDays: 90 };

async function jobLogRow(store: Store, companyId: string, atMs: number): Promise<string> {
  // Ids carry their moment: a row "made" at atMs, as the server would have written it then.
  const id = newId(atMs);
  await appendJobLog(store, {
    id, companyId, settingId: null, at: new Date(atMs).toISOString(), idp: 'Entra ID', operation: 'create', resourceType: 'User', resourceId: null,
    userName: 'ada@example.com', userEmailCi: 'ada@example.com', targetUserId: null, outcome: 'success', status: 201, detail: null,
  });
  return id;
}

// Seeded rows lie in the future, each test's further than anything this process made before: newId never
// goes back in time, so an id "made" earlier than the last one would carry the last one's moment.
let horizon = Date.now();
const later = () => (horizon += 1000 * DAY);

const ids = async (store: Store, table: 'job_log' | 'audit_log') => (await store.db.selectFrom(table).select('id').orderBy('id').execute()).map((r) => r.id);

for (const kind of storeKinds()) {
  describe(`pruning on ${kind.name}`, () => {
    let store: Store;
    let companyId: string;
    before(async () => {
      store = await kind.open();
      companyId = (await createCompany(store, { name: 'Acme' }, CLI_ACTOR)).id;
    });
    after(() => store.close());

    it('purges target users deleted longer ago than the retention, with their custom values, and keeps the others', async () => {
      const now = new Date();
      const field = await createCustomField(store, { companyId, name: 'Country' }, CLI_ACTOR);
      const [longGone, recentlyGone, live] = await Promise.all(
        ['old@acme.com', 'recent@acme.com', 'live@acme.com'].map((email) => createManualUser(store, companyId, { email }, CLI_ACTOR)),
      );
      for (const u of [longGone!, recentlyGone!]) await replaceCustomValues(store, companyId, u.id, [field.id], [{ fieldId: field.id, value: 'GB' }]);
      await deleteManualUser(store, longGone!.id, CLI_ACTOR, new Date(now.getTime() - 91 * DAY));
      await deleteManualUser(store, recentlyGone!.id, CLI_ACTOR, new Date(now.getTime() - 89 * DAY));

      const result = await pruneOnce(store, { ...retention, now, batch: 1 });
      assert.equal(result.targetUsers, 1);
      const left = (await store.db.selectFrom('target_users').select('id').execute()).map((r) => r.id).sort();
      assert.deepEqual(left, [recentlyGone!.id, live!.id].sort());
      assert.equal((await customValuesOf(store, longGone!.id)).size, 0);
      assert.equal((await customValuesOf(store, recentlyGone!.id)).get(field.id), 'GB');
    });

    it('removes job-log rows older than the retention in batches until none is left, and keeps the newer ones', async () => {
      const start = later();
      const old: string[] = [];
      for (let day = 0; day < 7; day++) old.push(await jobLogRow(store, companyId, start + day * DAY));
      const kept = [await jobLogRow(store, companyId, start + 10 * DAY), await jobLogRow(store, companyId, start + 50 * DAY)];
      const now = new Date(start + 100 * DAY);

      const result = await pruneOnce(store, { ...retention, now, batch: 3 });
      assert.equal(result.jobLogRows, 7, 'two full batches of 3 and a last one of 1');
      assert.deepEqual(await ids(store, 'job_log'), kept);
      assert.deepEqual(await pruneOnce(store, { ...retention, now, batch: 3 }), { jobLogRows: 0, targetUsers: 0, jobInputChunks: 0 });
    });

    it("removes an upload's chunks a day after no queued or running job has them, and keeps a queued job's", async () => {
      const start = later();
      const chunks = async (jobId: string, n: number) => {
        for (let seq = 0; seq < n; seq++) await insertJobInput(store, jobId, seq, `chunk ${seq}`);
      };
      const cutOff = newId(start); // an upload interrupted before its job was queued
      const failed = newId(start + 1000);
      const queued = newId(start + 2000);
      const recent = newId(start + 2 * DAY); // still spooling, perhaps
      await chunks(cutOff, 3);
      await chunks(failed, 2);
      await chunks(queued, 2);
      await chunks(recent, 1);
      const at = new Date(start).toISOString();
      await insertJob(store, { id: failed, companyId, kind: 'csv-import', settingId: null, total: 1, at });
      await finishJob(store, failed, { status: 'failed', error: 'the file went away', now: at });
      await insertJob(store, { id: queued, companyId, kind: 'csv-import', settingId: null, total: 1, at });
      const result = await pruneOnce(store, { ...retention, now: new Date(start + 2 * DAY + 1000), batch: 2 });
      assert.equal(result.jobInputChunks, 5);
      const left = await store.db.selectFrom('job_inputs').select(['job_id', 'seq']).orderBy('job_id').orderBy('seq').execute();
      assert.deepEqual(left.map((r) => `${r.job_id}/${r.seq}`), [`${queued}/0`, `${queued}/1`, `${recent}/0`]);
    });

    it('never prunes the audit log, however old its rows', async () => {
      const before = await ids(store, 'audit_log');
      assert.ok(before.length >= 4, 'the company, the custom field, the users and their deletions were audited');
      await pruneOnce(store, { jobLogRetentionDays: 1, deletedUserRetentionDays: 1, now: new Date(later()), batch: 2 });
      assert.deepEqual(await ids(store, 'audit_log'), before);
    });

    it('stops between batches when told to, and the next run carries on', async () => {
      const start = later();
      for (let day = 0; day < 4; day++) await jobLogRow(store, companyId, start + day * DAY);
      const now = new Date(start + 100 * DAY);
      const rows = (await ids(store, 'job_log')).length;
      const first = await pruneOnce(store, { ...retention, now, batch: 2, shouldStop: () => true });
      assert.deepEqual(first, { jobLogRows: 2, targetUsers: 0, jobInputChunks: 0 });
      assert.equal((await pruneOnce(store, { ...retention, now, batch: 2 })).jobLogRows, rows - 2);
      assert.deepEqual(await ids(store, 'job_log'), []);
    });
  });
}
