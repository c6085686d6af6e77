// Errors raised before a request reaches a SCIM route — by Node's HTTP parser, Fastify's router or the
// request deadline — still answer as SCIM errors (RFC 7644 §3.12), through a real server process and raw
// sockets, since HTTP injection never meets the parser.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { MAX_BODIES_IN_FLIGHT } from '../../src/http/body-budget.ts';
import { seedTenant, startServer, tempDir, type RosterServer } from '../support/process.ts';
import { assertScimError } from '../support/scim.ts';

const REQUEST_TIMEOUT_MS = 1500;
const BODY_LIMIT = 65_536;

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: any;
  raw: string;
  /** Milliseconds from connecting until the server closed the socket (or the test gave up). */
  closedAfterMs: number;
  closed: boolean;
}

/** Sends `chunks` (the first at once, the rest every `everyMs`) and reads until the server closes. */
function raw(port: number, chunks: string[], options: { everyMs?: number; giveUpMs?: number } = {}): Promise<RawResponse> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let timer: NodeJS.Timeout | undefined;
    const giveUp = setTimeout(() => finish(false), options.giveUpMs ?? 10_000);
    const finish = (closed: boolean) => {
      clearTimeout(giveUp);
      clearInterval(timer);
      socket.destroy();
      const [head = '', ...rest] = received.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      let body: unknown;
      try {
        body = JSON.parse(rest.join('\r\n\r\n'));
      } catch {
        body = undefined;
      }
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body, raw: received, closedAfterMs: Date.now() - started, closed });
    };
    socket.on('connect', () => {
      const queue = [...chunks];
      socket.write(queue.shift() ?? '');
      if (queue.length) {
        timer = setInterval(() => {
          const next = queue.shift();
          if (next === undefined) return clearInterval(timer);
          if (!socket.destroyed) socket.write(next);
        }, options.everyMs ?? 100);
      }
    });
    socket.on('data', (d) => (received += d.toString('utf8')));
    socket.on('close', () => finish(true));
    socket.on('error', (e: NodeJS.ErrnoException) => (e.code === 'ECONNRESET' || e.code === 'EPIPE' ? undefined : reject(e)));
  });
}

describe('Protocol errors of a running server', () => {
  const dir = tempDir();
  let server: RosterServer;
  let token: string;
  const get = (path: string, headers = '') => `GET ${path} HTTP/1.1\r\nHost: roster.test\r\nAuthorization: Bearer ${token}\r\n${headers}Connection: close\r\n\r\n`;

  before(async () => {
    const databaseUrl = `sqlite:${dir.path}/roster.db`;
    ({ token } = await seedTenant(databaseUrl));
    server = await startServer({ cwd: dir.path, env: { DATABASE_URL: databaseUrl, REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), BODY_LIMIT: String(BODY_LIMIT) } });
  });
  after(async () => {
    await server?.stop();
    dir.remove();
  });

  const cases: { name: string; request: () => string; status: number; scimType?: string }[] = [
    { name: 'a malformed percent-encoding in the path', request: () => get('/scim/v2/Users/%E0%A4%A'), status: 400, scimType: 'invalidPath' },
    { name: 'an unknown endpoint', request: () => get('/scim/v2/Accounts'), status: 404 },
    { name: 'an id of 200 characters, which no resource has', request: () => get(`/scim/v2/Users/${'a'.repeat(200)}`), status: 404 },
    { name: 'an id longer than the router takes', request: () => get(`/scim/v2/Users/${'a'.repeat(1100)}`), status: 414 },
    { name: 'headers over 16 KB', request: () => get('/scim/v2/Users', `X-Padding: ${'a'.repeat(17_000)}\r\n`), status: 431 },
    { name: 'a URL over 16 KB', request: () => get(`/scim/v2/Users?filter=${'a'.repeat(17_000)}`), status: 431 },
    { name: 'a request line that is not HTTP', request: () => 'HELLO\r\n\r\n', status: 400, scimType: 'invalidSyntax' },
    { name: 'a header line without a colon', request: () => `GET /scim/v2/Users HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n`, status: 400, scimType: 'invalidSyntax' },
  ];
  for (const c of cases) {
    it(`answers ${c.name} with a ${c.status} SCIM error`, async () => {
      assertScimError(await raw(server.port, [c.request()]), c.status, c.scimType);
    });
  }

  const trickle = (auth: string) => {
    const head = `POST /scim/v2/Users HTTP/1.1\r\nHost: roster.test\r\nAuthorization: Bearer ${auth}\r\nContent-Type: application/scim+json\r\nContent-Length: 1000\r\n\r\n`;
    return [head, ...Array.from({ length: 100 }, () => '{')];
  };

  it('answers a body trickled past REQUEST_TIMEOUT_MS with 408 and closes the socket', async () => {
    const res = await raw(server.port, trickle(token), { everyMs: 100 });
    assertScimError(res, 408);
    assert.ok(res.closed, 'the server closed the connection');
    // Node checks deadlines once a second.
    assert.ok(res.closedAfterMs < REQUEST_TIMEOUT_MS + 2500, `closed after ${res.closedAfterMs} ms`);
  });

  it('closes twenty trickled bodies at once within the timeout, and a wrong token\'s at once with 401', async () => {
    const all = await Promise.all(Array.from({ length: 20 }, (_, i) => raw(server.port, trickle(i % 2 ? token : 'wrong'), { everyMs: 100 })));
    all.forEach((res, i) => {
      assertScimError(res, i % 2 ? 408 : 401);
      assert.ok(res.closed);
      assert.ok(res.closedAfterMs < (i % 2 ? REQUEST_TIMEOUT_MS + 2500 : 1000), `closed after ${res.closedAfterMs} ms`);
    });
  });

  it('answers headers trickled past REQUEST_TIMEOUT_MS with 408', async () => {
    const head = get('/scim/v2/Users');
    const res = await raw(server.port, head.split(''), { everyMs: 50 });
    assertScimError(res, 408);
    assert.ok(res.closed, 'the server closed the connection');
    assert.ok(res.closedAfterMs < REQUEST_TIMEOUT_MS + 2500, `closed after ${res.closedAfterMs} ms`);
  });

  it(`answers 503 with Retry-After to a body beyond ${MAX_BODIES_IN_FLIGHT} of the largest in flight, and takes it once they are gone`, async () => {
    const head = (auth: string) =>
      `POST /scim/v2/Users HTTP/1.1\r\nHost: roster.test\r\nAuthorization: Bearer ${auth}\r\nContent-Type: application/scim+json\r\nContent-Length: ${BODY_LIMIT}\r\n\r\n`;
    // Each holds its share of the budget until its body times out (408).
    const holders = Array.from({ length: MAX_BODIES_IN_FLIGHT }, () => raw(server.port, [head(token), '{', ' '], { everyMs: 100 }));
    await new Promise((r) => setTimeout(r, 300));
    const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'budget@example.com' }).padEnd(BODY_LIMIT, ' ');
    const refused = await raw(server.port, [head(token) + body]);
    assertScimError(refused, 503);
    assert.ok(Number(refused.headers['retry-after']) >= 1);
    for (const res of await Promise.all(holders)) assertScimError(res, 408);
    const taken = await raw(server.port, [head(token).replace('Content-Type', 'Connection: close\r\nContent-Type') + body]);
    assert.equal(taken.status, 201);
  });

  it('still answers a request that arrives in time', async () => {
    const res = await raw(server.port, [get('/scim/v2/Users?count=1')]);
    assert.equal(res.status, 200);
  });
});
