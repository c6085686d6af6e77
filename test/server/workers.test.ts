// WORKERS=N runs N server processes on one port (README "Configuration"): a primary that migrates, forks and
// supervises, and workers that serve, here on one SQLite file. What is checked is what an operator sees: the
// processes `ps` lists, the answers, the logs, the exit codes.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { USER_URN } from '../support/scim.ts';
import { freePort, logLines, request, seedTenant, startServer, tempDir, UNLIMITED, waitForLog, type RosterServer } from '../support/process.ts';
import { scim, tally } from '../support/process-stores.ts';
import { connectionsRefused, halfSentPost } from '../support/raw-http.ts';
import { openStore } from '../../src/store/open.ts';
import { readServerInfo } from '../../src/store/server-info.ts';

/** A cluster starts its workers one after the other; on a loaded machine each takes seconds. */
const STARTING_MS = 60_000;

/** The server processes `ps` lists as children of the primary (tsx's esbuild service is one too). */
function workerPids(server: RosterServer): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(server.child.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('server.mjs')).map((l) => Number(l.trim().split(/\s+/)[0])).sort();
}

/** Resolves once the primary has said that all its workers listen. */
const allListening = (server: RosterServer) => waitForLog(server, (l) => l.workers !== undefined && /^Server listening at /.test(l.msg), STARTING_MS);

/** The worker ids that logged answering `method path`. */
const workersThatAnswered = (server: RosterServer, method: string, path: string) =>
  new Set(logLines(server.stdout()).filter((l) => l.msg === 'incoming request' && l.req?.method === method && l.req?.url === path).map((l) => l.worker));

describe('WORKERS=2 on one SQLite file', () => {
  let dir: ReturnType<typeof tempDir>;
  let databaseUrl: string;
  let tenant: Awaited<ReturnType<typeof seedTenant>>;
  let server: RosterServer;

  before(async () => {
    dir = tempDir();
    databaseUrl = `sqlite:${join(dir.path, 'roster.db')}`;
    tenant = await seedTenant(databaseUrl);
    server = await startServer({ cwd: dir.path, env: { DATABASE_URL: databaseUrl, WORKERS: '2', PORT: '0', LOG_LEVEL: 'info', ...UNLIMITED } });
  });
  after(async () => {
    const exit = await server.stop();
    dir.remove();
    assert.deepEqual(exit, { code: 0, signal: null }, server.stderr());
  });

  it('runs two worker processes beside the primary on the port PORT=0 chose, and records that port for the CLI', async () => {
    const listening = await allListening(server);
    assert.equal(listening.msg, `Server listening at ${server.origin}`);
    assert.equal(listening.workers, 2);
    const pids = workerPids(server);
    assert.equal(pids.length, 2, `ps lists ${pids.length} workers`);
    const workerLines = logLines(server.stdout()).filter((l) => /^worker \d+ listening at /.test(l.msg));
    assert.deepEqual(workerLines.map((l) => l.pid).sort(), pids);
    assert.deepEqual(workerLines.map((l) => l.msg).sort(), [`worker 1 listening at ${server.origin}`, `worker 2 listening at ${server.origin}`]);
    // The primary migrated and said it once; a worker says neither.
    assert.equal(logLines(server.stdout()).filter((l) => /No system user exists yet/.test(l.msg)).length, 1);

    const store = await openStore(databaseUrl, { migrate: false });
    try {
      assert.equal((await readServerInfo(store))?.scimUrl, `${server.origin}/scim/v2`);
    } finally {
      await store.close();
    }
  });

  it('answers 201 to every one of 40 concurrent creates, from both workers, and then counts exactly 40 users', async () => {
    await allListening(server);
    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) => scim(server, tenant.token, 'POST', '/scim/v2/Users', { schemas: [USER_URN], userName: `worker-${i}@contoso.example` })),
    );
    assert.deepEqual(tally(responses), { 201: 40 });
    const listed = await scim(server, tenant.token, 'GET', '/scim/v2/Users?count=0');
    assert.equal(listed.body.totalResults, 40);
    assert.deepEqual([...workersThatAnswered(server, 'POST', '/scim/v2/Users')].sort(), [1, 2]);
  });

  it('starts another worker when one is killed, and keeps serving on the same port', async () => {
    await allListening(server);
    const [killed] = workerPids(server);
    process.kill(killed!, 'SIGKILL');
    const replaced = await waitForLog(server, (l) => l.msg === 'worker 1 killed by SIGKILL; starting another' || l.msg === 'worker 2 killed by SIGKILL; starting another', STARTING_MS);
    assert.equal(replaced.level, 40);
    await waitForLog(server, (l) => l.msg === `worker 3 listening at ${server.origin}`, STARTING_MS);
    const pids = workerPids(server);
    assert.equal(pids.length, 2);
    assert.ok(!pids.includes(killed!));
    const created = await scim(server, tenant.token, 'POST', '/scim/v2/Users', { schemas: [USER_URN], userName: 'after-restart@contoso.example' });
    assert.equal(created.status, 201, created.raw);
  });
});

describe('SIGTERM with WORKERS=2', () => {
  it('lets the requests in flight on both workers finish, refuses new connections, and every process exits 0', async () => {
    const dir = tempDir();
    const databaseUrl = `sqlite:${join(dir.path, 'roster.db')}`;
    const { token } = await seedTenant(databaseUrl);
    const server = await startServer({ cwd: dir.path, env: { DATABASE_URL: databaseUrl, WORKERS: '2', LOG_LEVEL: 'info' } });
    try {
      await allListening(server);
      // Each new connection goes to the next worker: these two are in flight on different ones.
      const inFlight = await Promise.all(
        ['drain-a', 'drain-b'].map((userAgent) =>
          halfSentPost(server.port, { path: '/scim/v2/Users', token, body: { schemas: [USER_URN], userName: `${userAgent}@contoso.example` }, userAgent }),
        ),
      );
      const arrived = await Promise.all(['drain-a', 'drain-b'].map((ua) => waitForLog(server, (l) => l.msg === 'incoming request' && l.req?.userAgent === ua)));
      assert.deepEqual(arrived.map((l) => l.worker).sort(), [1, 2]);

      server.child.kill('SIGTERM');
      await connectionsRefused(server.port);
      const draining = logLines(server.stdout()).filter((l) => l.msg === 'draining in-flight requests');
      assert.deepEqual(draining.map((l) => l.worker).sort(), [1, 2]);
      assert.equal(server.child.exitCode, null, 'the primary waits for its workers');
      const pids = workerPids(server);
      assert.equal(pids.length, 2, 'both workers wait for their request in flight');

      for (const request of inFlight) request.finish();
      const answers = await Promise.all(inFlight.map((r) => r.answer));
      for (const answer of answers) {
        assert.equal(answer.status, 201, answer.body);
        assert.equal(answer.headers.connection, 'close');
      }
      assert.deepEqual(await server.exited, { code: 0, signal: null });
      assert.equal(server.stderr(), '');
      const stopped = logLines(server.stdout()).filter((l) => l.msg === 'stopped');
      assert.deepEqual(stopped.map((l) => l.worker ?? 'primary').sort(), [1, 2, 'primary']);
      assert.equal(stopped.find((l) => l.worker === undefined)?.exitCode, 0);
    } finally {
      await server.stop();
      dir.remove();
    }
  });
});

describe('a worker that cannot start again', () => {
  it('is restarted a few times with growing pauses, then the primary stops every worker and exits 1 saying why', async () => {
    const dir = tempDir();
    const file = join(dir.path, 'roster.db');
    const server = await startServer({ cwd: dir.path, env: { DATABASE_URL: `sqlite:${file}`, WORKERS: '2', LOG_LEVEL: 'info' } });
    try {
      await allListening(server);
      // The database deleted under the running server: the workers keep their open file, a new one finds none.
      for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
      process.kill(workerPids(server)[0]!, 'SIGKILL');
      const exit = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('still running after 90 s'), 90_000).unref())]);
      assert.deepEqual(exit, { code: 1, signal: null });
      // The killed worker may have run long enough to be restarted at once; the failures are not.
      const pauses = logLines(server.stdout()).filter((l) => / starting another$/.test(l.msg)).map((l) => l.restartInMs);
      assert.deepEqual(pauses.filter((ms) => ms > 0), [500, 1000, 2000]);
      assert.match(server.stderr(), /^roster: cannot open DATABASE_URL sqlite:.*: the database holds no Roster schema$/m);
      assert.match(server.stderr(), /^roster: workers keep exiting within 10 s of starting \(4 times in a row; the last, worker \d+, exited with code 1\); stopping$/m);
      // The worker that was still serving drained.
      assert.equal(logLines(server.stdout()).filter((l) => l.msg === 'stopped' && l.worker !== undefined).length, 1);
    } finally {
      server.child.kill('SIGKILL');
      dir.remove();
    }
  });
});

describe('/metrics with WORKERS=2', () => {
  /** Six GET /readyz on connections of their own: three reach each worker. */
  const readyTimesSix = async (server: RosterServer) => {
    await allListening(server);
    for (let i = 0; i < 6; i++) assert.equal((await request(`${server.origin}/readyz`)).status, 200);
    assert.deepEqual([...workersThatAnswered(server, 'GET', '/readyz')].sort(), [1, 2]);
  };
  const readyzCount = (text: string) => Number(/^roster_http_request_duration_seconds_count\{[^}]*route="\/readyz"[^}]*\} (\d+)$/m.exec(text)?.[1]);
  const token = 'a-long-metrics-token';

  it('answers on the main port, whichever worker takes the scrape, with the sum of both workers', async () => {
    const dir = tempDir();
    const server = await startServer({ cwd: dir.path, env: { DATABASE_URL: `sqlite:${join(dir.path, 'roster.db')}`, WORKERS: '2', LOG_LEVEL: 'info', METRICS_TOKEN: token } });
    try {
      await readyTimesSix(server);
      for (let scrape = 0; scrape < 2; scrape++) {
        const metrics = await request(`${server.origin}/metrics`, { token });
        assert.equal(metrics.status, 200, metrics.raw);
        assert.equal(readyzCount(metrics.raw), 6);
      }
      assert.deepEqual([...workersThatAnswered(server, 'GET', '/metrics')].sort(), [1, 2]);
    } finally {
      assert.equal((await server.stop()).code, 0);
      dir.remove();
    }
  });

  it('answers on the one METRICS_PORT listener, the primary\'s, with the sum of both workers', async () => {
    const dir = tempDir();
    const metricsPort = await freePort();
    const server = await startServer({ cwd: dir.path, env: { DATABASE_URL: `sqlite:${join(dir.path, 'roster.db')}`, WORKERS: '2', LOG_LEVEL: 'info', METRICS_PORT: String(metricsPort) } });
    try {
      await readyTimesSix(server);
      const metrics = await request(`http://127.0.0.1:${metricsPort}/metrics`);
      assert.equal(metrics.status, 200, metrics.raw);
      assert.equal(readyzCount(metrics.raw), 6);
      assert.equal((await request(`${server.origin}/metrics`)).status, 404);
    } finally {
      assert.equal((await server.stop()).code, 0);
      dir.remove();
    }
  });
});
