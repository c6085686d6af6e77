// Closing the app (what SIGTERM does before it closes the store) waits for route handlers still running,
// also one whose client hung up and whose connection is therefore already gone. On PostgreSQL only: the
// SQLite driver is synchronous, so a handler there never yields to the event loop until it has finished and
// cannot be caught half-way by a hang-up.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { USER_URN } from './directory-fixture.ts';

const OPERATIONS = 1_000;

for (const kind of storeKinds().filter((k) => k.name === 'postgres')) {
  describe(`closing the server on ${kind.name}`, () => {
    it('lets a Bulk request whose client hung up finish every operation before close resolves', async () => {
      const s = await startServer(kind);
      const users = async () =>
        Number((await s.store.db.selectFrom('scim_users').select((eb) => eb.fn.countAll().as('n')).where('company_id', '=', s.companyId).executeTakeFirstOrThrow()).n);
      try {
        await s.app.listen({ host: '127.0.0.1', port: 0 });
        const body = JSON.stringify({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: Array.from({ length: OPERATIONS }, (_, i) => ({ method: 'POST', path: '/Users', bulkId: `u${i}`, data: { schemas: [USER_URN], userName: `left-${i}@example.com` } })),
        });
        const req = http.request({
          host: '127.0.0.1',
          port: (s.app.server.address() as AddressInfo).port,
          method: 'POST',
          path: '/scim/v2/Bulk',
          headers: { authorization: `Bearer ${s.token}`, 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(body) },
        });
        const closed = new Promise((resolve) => req.on('error', () => undefined).on('close', resolve));
        req.end(body);
        while ((await users()) === 0) await new Promise((r) => setTimeout(r, 5));

        req.destroy();
        await closed;
        const atHangUp = await users();
        await s.app.close();
        const atClose = await users();

        assert.ok(atHangUp < OPERATIONS, `the request was still running when its client left (${atHangUp} created)`);
        assert.equal(atClose, OPERATIONS, 'close waited for the handler to finish');
      } finally {
        await s.close();
      }
    });
  });
}
