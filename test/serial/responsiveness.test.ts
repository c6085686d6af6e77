// No single request may hold the event loop: while the largest requests the limits allow are processed,
// GET /healthz on another connection keeps answering within 100 ms. A real server process on each store.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { SCIM_LIMITS } from '../../src/scim/limits.ts';
import { BULK_REQUEST_URN, GROUP_URN, PATCH_OP_URN, USER_URN } from '../support/scim.ts';
import { freshPostgresDatabase, request, seedTenant, startServer, tempDir, type RosterServer } from '../support/process.ts';

const BOUND_MS = 100;

/** Polls /healthz one request after another on its own keep-alive connection until `work` is done; the
 *  slowest answer. `work` is sent just before, so the first probe meets the server busy with it. */
async function slowestHealthz(origin: string, work: () => Promise<unknown>): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  let done = false;
  let slowest = 0;
  const once = () =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      http
        .get(`${origin}/healthz`, { agent }, (res) => {
          res.resume();
          res.on('end', () => resolve(performance.now() - started));
        })
        .on('error', reject);
    });
  await once(); // the connection is open before the work starts
  const running = work().finally(() => (done = true));
  // At least one probe is sent while the work runs, however short it is.
  do {
    slowest = Math.max(slowest, await once());
    await new Promise((r) => setTimeout(r, 5));
  } while (!done);
  await running;
  agent.destroy();
  return slowest;
}

const emailAdds = (n: number) => ({
  schemas: [PATCH_OP_URN],
  Operations: Array.from({ length: n }, (_, i) => ({ op: 'add', path: 'emails', value: [{ value: `e${i}@example.com`, type: 'other' }] })),
});

async function stores(): Promise<{ name: string; url: string; cleanup(): Promise<void> }[]> {
  const dir = tempDir();
  const list = [{ name: 'sqlite', url: `sqlite:${dir.path}/roster.db`, cleanup: async () => dir.remove() }];
  const pg = await freshPostgresDatabase();
  if (pg) list.push({ name: 'postgres', url: pg.url, cleanup: pg.drop });
  return list;
}

for (const store of await stores()) {
  describe(`/healthz under the largest requests on ${store.name}`, () => {
    let server: RosterServer;
    let token: string;
    const scim = (method: string, path: string, body?: unknown) => request(`${server.origin}/scim/v2${path}`, { method, token, ...(body ? { body } : {}) });
    const users: string[] = [];

    before(async () => {
      ({ token } = await seedTenant(store.url));
      server = await startServer({ cwd: tempDir().path, env: { DATABASE_URL: store.url } });
      const created = await scim('POST', '/Bulk', {
        schemas: [BULK_REQUEST_URN],
        Operations: Array.from({ length: SCIM_LIMITS.bulkOperations }, (_, i) => ({
          method: 'POST', path: '/Users', bulkId: `u${i}`, data: { schemas: [USER_URN], userName: `member-${i}@example.com` },
        })),
      });
      assert.equal(created.status, 200, created.raw);
      for (const op of (created.body as any).Operations) users.push(String(op.location).split('/').pop()!);
      // Measured warm: the first PATCH of a fresh process runs the patch engine and the projection unoptimised
      // (V8 compiles hot code only once it has run), which says nothing about a server in service.
      const warm = await scim('PATCH', `/Users/${users.at(-1)}`, emailAdds(SCIM_LIMITS.patchOperations));
      assert.equal(warm.status, 200, warm.raw);
    });
    after(async () => {
      await server?.stop();
      await store.cleanup();
    });

    const cases: [string, () => Promise<{ status: number; raw: string }>, number][] = [
      [
        `a PATCH of ${SCIM_LIMITS.patchOperations} operations adding emails`,
        async () =>
          scim('PATCH', `/Users/${users[0]}`, emailAdds(SCIM_LIMITS.patchOperations)),
        200,
      ],
      [
        `a Bulk request of ${SCIM_LIMITS.bulkOperations} creates`,
        async () =>
          scim('POST', '/Bulk', {
            schemas: [BULK_REQUEST_URN],
            Operations: Array.from({ length: SCIM_LIMITS.bulkOperations }, (_, i) => ({
              method: 'POST', path: '/Users', bulkId: `b${i}`, data: { schemas: [USER_URN], userName: `bulk-${i}@example.com`, emails: [{ value: `bulk-${i}@example.com` }] },
            })),
          }),
        200,
      ],
      [
        `a group PATCH of ${SCIM_LIMITS.patchOperations} member adds`,
        async () => {
          const group = await scim('POST', '/Groups', { schemas: [GROUP_URN], displayName: 'Everyone' });
          return scim('PATCH', `/Groups/${(group.body as any).id}`, {
            schemas: [PATCH_OP_URN],
            Operations: users.slice(0, SCIM_LIMITS.patchOperations).map((value) => ({ op: 'add', path: 'members', value: [{ value }] })),
          });
        },
        204,
      ],
      ['a page of 1,000 users', async () => scim('GET', '/Users?count=1000'), 200],
    ];
    for (const [what, send, status] of cases) {
      it(`answers /healthz within ${BOUND_MS} ms while ${what} runs`, async (t) => {
        let answered: { status: number; raw: string } | undefined;
        const slowest = await slowestHealthz(server.origin, () => send().then((r) => (answered = r)));
        assert.equal(answered?.status, status, answered?.raw.slice(0, 500));
        t.diagnostic(`slowest /healthz: ${slowest.toFixed(1)} ms`);
        assert.ok(slowest < BOUND_MS, `the slowest /healthz took ${slowest.toFixed(1)} ms`);
      });
    }
  });
}
