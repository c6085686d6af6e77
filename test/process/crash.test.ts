// What a server acknowledged survives the process: a burst of creates and Bulk requests, the process killed
// mid-burst (kill -9, or SIGTERM), a new process on the same database — every user answered 201 (alone or
// inside a Bulk response) is there. SQLite commits to its WAL before answering (synchronous = NORMAL is
// durable across a process crash); PostgreSQL commits before answering.
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import { BULK_REQUEST_URN, USER_URN } from '../support/scim.ts';
import { seedTenant, startServer, UNLIMITED, type RosterServer } from '../support/process.ts';
import { scim, sharedDatabaseKinds, type SharedDatabase } from '../support/process-stores.ts';

/** Clients sending at once, and how many acknowledged users to wait for before the signal. */
const WRITERS = 6;
const ACKED_BEFORE_SIGNAL = 150;
const OPERATIONS_PER_BULK = 4;
const BURST_TIMEOUT_MS = 20_000;

interface Acked {
  id: string;
  userName: string;
}

/** How a request fails when the server process is gone or going. */
const CONNECTION_LOST = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE']);

/**
 * Writers alternating a single create and a Bulk request of several creates, each recording what the
 * server acknowledged, until a request fails (the process is gone) or the time bound passes.
 */
function burst(server: RosterServer, token: string, label: string) {
  const acked: Acked[] = [];
  const serverErrors: { status: number; raw: string }[] = [];
  let stop = false;
  const deadline = Date.now() + BURST_TIMEOUT_MS;
  const writer = async (w: number) => {
    for (let n = 0; !stop && Date.now() < deadline; n++) {
      const userName = (k: number) => `${label}-${w}-${n}-${k}@crash.example`;
      try {
        if (n % 2 === 0) {
          const res = await scim(server, token, 'POST', '/scim/v2/Users', { schemas: [USER_URN], userName: userName(0) });
          if (res.status === 201) acked.push({ id: res.body.id, userName: res.body.userName });
          else if (res.status >= 500) serverErrors.push(res);
        } else {
          const operations = Array.from({ length: OPERATIONS_PER_BULK }, (_, k) => ({
            method: 'POST', path: '/Users', bulkId: `u${k}`, data: { schemas: [USER_URN], userName: userName(k) },
          }));
          const res = await scim(server, token, 'POST', '/scim/v2/Bulk', { schemas: [BULK_REQUEST_URN], Operations: operations });
          if (res.status >= 500) serverErrors.push(res);
          if (res.status !== 200) continue;
          for (const result of res.body.Operations as { bulkId: string; status: string; location?: string }[]) {
            if (result.status !== '201' || !result.location) continue;
            const k = Number(result.bulkId.slice(1));
            acked.push({ id: result.location.split('/').pop()!, userName: userName(k) });
          }
        }
      } catch (e) {
        // Refused or reset: the process is gone or going. Anything else is the test's own mistake.
        if (!CONNECTION_LOST.has((e as NodeJS.ErrnoException).code ?? '') && !/socket hang up/.test(String(e))) throw e;
        return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)));
  return {
    acked,
    serverErrors,
    async until(count: number) {
      while (acked.length < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      assert.ok(acked.length >= count, `only ${acked.length} writes acknowledged in ${BURST_TIMEOUT_MS} ms`);
    },
    async end() {
      stop = true;
      await done;
    },
  };
}

for (const kind of sharedDatabaseKinds()) {
  describe(`Acknowledged writes on ${kind.name} after the server process ends mid-burst`, () => {
    let db: SharedDatabase;
    let token: string;
    const running: RosterServer[] = [];
    const start = async () => {
      const server = await startServer({ cwd: db.cwd, env: { DATABASE_URL: db.url, ...UNLIMITED } });
      running.push(server);
      return server;
    };

    before(async () => {
      db = await kind.create();
      ({ token } = await seedTenant(db.url));
    });
    after(async () => {
      for (const s of running) s.child.kill('SIGKILL');
      await Promise.all(running.map((s) => s.exited));
      await db.remove();
    });

    /** Every acknowledged user answers GET by id with its userName, from a new process. */
    const assertAllPresent = async (acked: Acked[]) => {
      const server = await start();
      try {
        for (const a of acked) {
          const res = await scim(server, token, 'GET', `/scim/v2/Users/${a.id}`);
          assert.equal(res.status, 200, `acknowledged ${a.userName} (${a.id}) is missing: ${res.raw}`);
          assert.equal(res.body.userName, a.userName);
        }
      } finally {
        await server.stop();
      }
    };

    for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
      it(`keeps every acknowledged create and Bulk create when the process gets ${signal} mid-burst${signal === 'SIGTERM' ? ', and exits 0' : ''}`, async (t: TestContext) => {
        const server = await start();
        const writes = burst(server, token, `${signal}-${Date.now()}`);
        await writes.until(ACKED_BEFORE_SIGNAL);
        server.child.kill(signal);
        const exit = await server.exited;
        await writes.end();
        t.diagnostic(`${writes.acked.length} writes acknowledged before ${signal}; exit ${JSON.stringify(exit)}`);
        // A draining server answers a request that reached it after close() began with 503 (not acknowledged).
        const unexpected = writes.serverErrors.filter((e) => !(signal === 'SIGTERM' && e.status === 503));
        assert.deepEqual(unexpected.map((e) => e.raw), []);
        if (signal === 'SIGTERM') assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
        await assertAllPresent(writes.acked);
      });
    }
  });
}
