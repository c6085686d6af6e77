// SIGTERM drains: an orchestrator stopping Roster must not cut off an IdP's request half-way. The request
// here is in flight for real — its body is still arriving when the signal comes — so no test-only delay
// is needed in the server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { join } from 'node:path';
import { request, seedTenant, startServer, tempDir, waitForLog } from '../support/process.ts';
import { connectionsRefused, halfSentPost } from '../support/raw-http.ts';
import { scimSettingStatus } from '../../src/provisioning/scim-request-stats.ts';
import { openStore } from '../../src/store/open.ts';

describe('SIGTERM', () => {
  it('lets the request in flight finish with 200, closes idle keep-alive connections, refuses new ones, writes the request statistics, then exits 0', async () => {
    const dir = tempDir();
    const databaseUrl = `sqlite:${join(dir.path, 'roster.db')}`;
    const { token, settingId } = await seedTenant(databaseUrl);
    const server = await startServer({ cwd: dir.path, env: { DATABASE_URL: databaseUrl, LOG_LEVEL: 'info' } });
    try {
      const { port } = server;
      const created = await request(`${server.origin}/scim/v2/Users`, {
        method: 'POST',
        token,
        body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'drain@example.com' },
      });
      assert.equal(created.status, 201);

      // An idle keep-alive connection: one answered request, then silence.
      const idle = net.connect(port, '127.0.0.1');
      await once(idle, 'connect');
      let idleAnswer = '';
      idle.setEncoding('utf8').on('data', (d: string) => (idleAnswer += d));
      const idleClosed = once(idle, 'close');
      idle.write('GET /healthz HTTP/1.1\r\nHost: roster\r\nConnection: keep-alive\r\n\r\n');
      while (!idleAnswer.includes('"ok"')) await new Promise((r) => setTimeout(r, 10));

      // The request in flight: headers sent, half of the body sent, the rest after SIGTERM.
      const body = { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "drain"' };
      const inFlight = await halfSentPost(port, { path: '/scim/v2/Users/.search', token, body, userAgent: 'drain-test' });
      await waitForLog(server, (l) => l.msg === 'incoming request' && l.req?.userAgent === 'drain-test');

      server.child.kill('SIGTERM');
      await waitForLog(server, (l) => l.msg === 'draining in-flight requests');
      await connectionsRefused(port);
      await idleClosed;
      assert.equal(server.child.exitCode, null, 'the server waits for the request in flight');

      inFlight.finish();
      const response = await inFlight.answer;
      assert.equal(response.status, 200, response.body);
      assert.equal(JSON.parse(response.body).totalResults, 1);
      assert.equal(response.headers.connection, 'close', 'the client is told not to reuse the connection');

      const finished = Date.now();
      const exit = await server.exited;
      assert.deepEqual(exit, { code: 0, signal: null });
      // Not Fastify's 72 s keep-alive timeout: the process ends as soon as its last response is sent.
      assert.ok(Date.now() - finished < 10_000, `exited ${Date.now() - finished} ms after the last response`);
      assert.equal(server.stderr(), '');

      // Both SCIM requests are counted, the last one in the final flush on the way out.
      const store = await openStore(databaseUrl);
      try {
        const status = await scimSettingStatus(store, settingId);
        assert.deepEqual([status.last24Hours.succeeded, status.last24Hours.failed, status.userAgent], [2, 0, 'drain-test']);
      } finally {
        await store.close();
      }
    } finally {
      await server.stop();
      dir.remove();
    }
  });

  it('still ends the process when whoever read its log has gone away', async () => {
    const dir = tempDir();
    const server = await startServer({ cwd: dir.path, env: { DATABASE_URL: `sqlite:${join(dir.path, 'roster.db')}`, LOG_LEVEL: 'info' } });
    try {
      // The reading end of stdout closes, as when a log shipper piped to `npm start` dies: logging gets EPIPE.
      server.child.stdout!.destroy();
      server.child.kill('SIGTERM');
      const exit = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('still running after 15 s'), 15_000).unref())]);
      assert.deepEqual(exit, { code: 0, signal: null });
    } finally {
      server.child.kill('SIGKILL');
      dir.remove();
    }
  });
});
