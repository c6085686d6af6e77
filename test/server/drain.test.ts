// SIGTERM drains: an orchestrator stopping Roster must not cut off an IdP's request half-way. The request
// here is in flight for real — its body is still arriving when the signal comes — so no test-only delay
// is needed in the server.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { join } from 'node:path';
import { request, seedTenant, startServer, tempDir, waitForLog } from '../support/process.ts';
import { scimSettingStatus } from '../../src/provisioning/scim-request-stats.ts';
import { openStore } from '../../src/store/open.ts';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Everything the server sends on `socket` until it closes the connection, parsed as one HTTP response. */
async function responseUntilClose(socket: net.Socket): Promise<RawResponse> {
  let raw = '';
  socket.setEncoding('utf8').on('data', (d: string) => (raw += d));
  await once(socket, 'close');
  return parseResponse(raw);
}

function parseResponse(raw: string): RawResponse {
  const [head = '', body = ''] = raw.split('\r\n\r\n', 2);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/** Resolves once a new connection to `port` is refused, trying for up to 10 s. */
async function connectionsRefused(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const outcome = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    if (outcome === 'ECONNREFUSED') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('new connections were still accepted 10 s after SIGTERM');
}

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
      const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], filter: 'userName sw "drain"' });
      const inFlight = net.connect(port, '127.0.0.1');
      await once(inFlight, 'connect');
      const answer = responseUntilClose(inFlight);
      inFlight.write(
        `POST /scim/v2/Users/.search HTTP/1.1\r\nHost: roster\r\nUser-Agent: drain-test\r\nAuthorization: Bearer ${token}\r\n` +
          `Content-Type: application/scim+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body.slice(0, 10)}`,
      );
      await waitForLog(server, (l) => l.msg === 'incoming request' && l.req?.userAgent === 'drain-test');

      server.child.kill('SIGTERM');
      await waitForLog(server, (l) => l.msg === 'draining in-flight requests');
      await connectionsRefused(port);
      await idleClosed;
      assert.equal(server.child.exitCode, null, 'the server waits for the request in flight');

      inFlight.write(body.slice(10));
      const response = await answer;
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
