// Two server processes on one database — a SQLite file both write (WAL), or one PostgreSQL database — plus
// the `roster` CLI beside them. Concurrent writes across processes must keep SCIM's answers (201, 409,
// 412, 204) and never become a 5xx: on SQLite every transaction waits for the file's write lock
// (src/store/sqlite-writer.ts).
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { GROUP_URN, patchOp, USER_URN } from '../support/scim.ts';
import { roster, seedTenant, startServer, UNLIMITED, type HttpResponse, type RosterServer } from '../support/process.ts';
import { scim, sharedDatabaseKinds, tally, type SharedDatabase } from '../support/process-stores.ts';

/** Requests per process in each race. */
const PER_PROCESS = 20;


for (const kind of sharedDatabaseKinds()) {
  describe(`Two server processes and the CLI on one ${kind.name} database`, () => {
    let db: SharedDatabase;
    let servers: RosterServer[];
    let tenant: Awaited<ReturnType<typeof seedTenant>>;

    before(async () => {
      db = await kind.create();
      tenant = await seedTenant(db.url);
      servers = await Promise.all([0, 1].map(() => startServer({ cwd: db.cwd, env: { DATABASE_URL: db.url, ...UNLIMITED } })));
    });
    after(async () => {
      await Promise.all(servers.map((s) => s.stop()));
      await db.remove();
    });

    /** Request `i` goes to process i % 2. */
    const to = (i: number, method: string, path: string, body?: unknown, headers?: Record<string, string>) =>
      scim(servers[i % 2]!, tenant.token, method, path, body, headers);

    const assertNo5xx = (responses: HttpResponse[]) => {
      const failed = responses.filter((r) => r.status >= 500);
      assert.equal(failed.length, 0, failed.map((r) => r.raw).slice(0, 3).join('\n'));
    };

    const createUser = async (i: number, userName: string) => {
      const res = await to(i, 'POST', '/scim/v2/Users', { schemas: [USER_URN], userName });
      assert.equal(res.status, 201, res.raw);
      return res.body as { id: string; userName: string };
    };

    it('gives one 201 and 409 uniqueness to every other create of one userName across both processes', async (t: TestContext) => {
      const userName = `racer-${Date.now()}@contoso.example`;
      const responses = await Promise.all(
        Array.from({ length: 2 * PER_PROCESS }, (_, i) => to(i, 'POST', '/scim/v2/Users', { schemas: [USER_URN], userName })),
      );
      t.diagnostic(`creates of one userName: ${JSON.stringify(tally(responses))}`);
      assertNo5xx(responses);
      assert.deepEqual(tally(responses), { 201: 1, 409: 2 * PER_PROCESS - 1 });
      for (const r of responses.filter((x) => x.status === 409)) assert.equal(r.body.scimType, 'uniqueness');
    });

    it('applies 200 Entra adds and 100 Okta removes of members of one group sent to both processes at once', async (t: TestContext) => {
      const users: { id: string }[] = [];
      // Created a few at a time: these are the setting-up, not the race.
      for (let i = 0; i < 300; i += 10) {
        users.push(...(await Promise.all(Array.from({ length: 10 }, (_, k) => createUser(i + k, `member-${i + k}-${Date.now()}@contoso.example`)))));
      }
      const added = users.slice(0, 200);
      const removed = users.slice(200);
      const created = await to(0, 'POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName: `Churn ${Date.now()}`, members: removed.map((u) => ({ value: u.id })) });
      assert.equal(created.status, 201, created.raw);
      const path = `/scim/v2/Groups/${created.body.id}`;

      const bodies = [
        // Entra (idp-requests.md): "Add" with a one-member value array.
        ...added.map((u) => patchOp({ op: 'Add', path: 'members', value: [{ value: u.id }] })),
        // Okta: remove through a value filter.
        ...removed.map((u) => patchOp({ op: 'remove', path: `members[value eq "${u.id}"]` })),
      ];
      const responses = await Promise.all(bodies.map((body, i) => to(i, 'PATCH', path, body)));
      t.diagnostic(`member PATCHes: ${JSON.stringify(tally(responses))}`);
      assertNo5xx(responses);
      assert.deepEqual(tally(responses), { 204: bodies.length });

      const read = await to(1, 'GET', path);
      const members = (read.body.members ?? []).map((m: { value: string }) => m.value).sort();
      assert.deepEqual(members, added.map((u) => u.id).sort());
    });

    it('gives one 200 and 412 to every other If-Match PATCH of one user with the same ETag across both processes', async (t: TestContext) => {
      const user = await createUser(0, `etag-${Date.now()}@contoso.example`);
      const etag = (await to(0, 'GET', `/scim/v2/Users/${user.id}`)).headers.etag!;
      const responses = await Promise.all(
        Array.from({ length: 2 * PER_PROCESS }, (_, i) =>
          to(i, 'PATCH', `/scim/v2/Users/${user.id}`, patchOp({ op: 'replace', path: 'displayName', value: `Writer ${i}` }), { 'if-match': etag }),
        ),
      );
      t.diagnostic(`If-Match PATCHes: ${JSON.stringify(tally(responses))}`);
      assertNo5xx(responses);
      assert.deepEqual(tally(responses), { 200: 1, 412: 2 * PER_PROCESS - 1 });
    });

    it('answers 200 to every one of concurrent PUTs of one user across both processes', async (t: TestContext) => {
      const user = await createUser(0, `put-${Date.now()}@contoso.example`);
      const responses = await Promise.all(
        Array.from({ length: 2 * PER_PROCESS }, (_, i) =>
          to(i, 'PUT', `/scim/v2/Users/${user.id}`, { schemas: [USER_URN], userName: user.userName, displayName: `Writer ${i}` }),
        ),
      );
      t.diagnostic(`PUTs: ${JSON.stringify(tally(responses))}`);
      assertNo5xx(responses);
      assert.deepEqual(tally(responses), { 200: 2 * PER_PROCESS });
      const read = await to(1, 'GET', `/scim/v2/Users/${user.id}`);
      assert.match(read.body.displayName, /^Writer \d+$/);
    });

    it('lets the CLI create and rotate SCIM settings while a server takes writes, with no failure on either side', async (t: TestContext) => {
      const env = { DATABASE_URL: db.url };
      const cliRuns: Awaited<ReturnType<typeof roster>>[] = [];
      const serverResponses: HttpResponse[] = [];
      let cliDone = false;
      const deadline = Date.now() + 60_000;

      const cli = (async () => {
        try {
          for (let i = 0; i < 3 && Date.now() < deadline; i++) {
            const created = await roster(['scim-setting', 'create', '--company', tenant.companyId, '--name', `CLI ${i} ${Date.now()}`, '--json'], env, db.cwd);
            cliRuns.push(created);
            if (created.code !== 0) break;
            cliRuns.push(await roster(['scim-setting', 'rotate', created.json.id, '--json'], env, db.cwd));
          }
        } finally {
          cliDone = true;
        }
      })();
      // Four writers against the server until the CLI is done (at most 5,000 requests): each creates a user,
      // then PATCHes it (a read, then a write, in one transaction).
      const load = Array.from({ length: 4 }, async (_, w) => {
        for (let n = 0; !cliDone && serverResponses.length < 5_000 && Date.now() < deadline; n++) {
          const created = await to(0, 'POST', '/scim/v2/Users', { schemas: [USER_URN], userName: `beside-cli-${w}-${n}-${Date.now()}@contoso.example` });
          serverResponses.push(created);
          if (created.status !== 201) continue;
          serverResponses.push(await to(0, 'PATCH', `/scim/v2/Users/${created.body.id}`, patchOp({ op: 'replace', path: 'displayName', value: `Beside ${n}` })));
        }
      });
      await Promise.all([cli, ...load]);

      t.diagnostic(`CLI runs: ${cliRuns.length} (exit codes ${JSON.stringify(tally(cliRuns.map((r) => ({ status: r.code }))))}); server writes meanwhile: ${JSON.stringify(tally(serverResponses))}`);
      for (const run of cliRuns) assert.equal(run.code, 0, run.stderr);
      assert.equal(cliRuns.length, 6);
      assertNo5xx(serverResponses);
      assert.ok(serverResponses.length > 0);
      const writes = tally(serverResponses);
      assert.equal((writes[201] ?? 0) + (writes[200] ?? 0), serverResponses.length, JSON.stringify(writes));
    });
  });
}
