// The server prunes as soon as it starts (src/main.ts), not only an hour later, and stops its pruning before
// it closes the store on SIGTERM.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createCompany } from '../../src/directory/companies.ts';
import { idAtTime, newId } from '../../src/store/ids.ts';
import { createManualUser, deleteManualUser } from '../../src/provisioning/manual-users.ts';
import { appendJobLog } from '../../src/store/job-log.ts';
import { openStore, type Store } from '../../src/store/open.ts';
import { startServer } from '../support/process.ts';
import { sharedDatabaseKinds, type SharedDatabase } from '../support/process-stores.ts';

const DAY = 86_400_000;

async function jobLogRow(store: Store, companyId: string, id: string, at: Date): Promise<void> {
  await appendJobLog(store, {
    id, companyId, settingId: null, at: at.toISOString(), idp: null, operation: 'create', resourceType: 'User', resourceId: null,
    userName: null, userEmailCi: null, targetUserId: null, outcome: 'success', status: 201, detail: null,
  });
}

for (const kind of sharedDatabaseKinds()) {
  describe(`the server on ${kind.name}`, () => {
    let db: SharedDatabase;
    let store: Store;
    let kept: { jobLog: string; user: string };
    before(async () => {
      db = await kind.create();
      store = await openStore(db.url);
      const companyId = (await createCompany(store, { name: 'Acme' }, CLI_ACTOR)).id;
      const old = new Date(Date.now() - 100 * DAY);
      // The smallest id of that moment is an id of that moment: newId itself never goes back in time.
      await jobLogRow(store, companyId, idAtTime(old), old);
      kept = { jobLog: newId(), user: (await createManualUser(store, companyId, { email: 'live@acme.com' }, CLI_ACTOR)).id };
      await jobLogRow(store, companyId, kept.jobLog, new Date());
      const gone = await createManualUser(store, companyId, { email: 'gone@acme.com' }, CLI_ACTOR);
      await deleteManualUser(store, gone.id, CLI_ACTOR, old);
    });
    after(async () => {
      await store.close();
      await db.remove();
    });

    it('prunes the job log and purges long-deleted target users at start, and exits 0 on SIGTERM', async () => {
      const server = await startServer({ cwd: db.cwd, env: { DATABASE_URL: db.url } });
      const left = async () => ({
        jobLog: (await store.db.selectFrom('job_log').select('id').execute()).map((r) => r.id),
        users: (await store.db.selectFrom('target_users').select('id').execute()).map((r) => r.id),
      });
      const deadline = Date.now() + 10_000;
      let now = await left();
      while ((now.jobLog.length > 1 || now.users.length > 1) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
        now = await left();
      }
      const exit = await server.stop();
      assert.deepEqual(now, { jobLog: [kept.jobLog], users: [kept.user] });
      assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
    });
  });
}
