// The scimUrl `roster` prints is the one the server really answers on, also when the CLI runs without the
// server's environment: the server records its PUBLIC_URL, or else the address it listens on, when it starts.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { cleanEnv, freshPostgresDatabase, request, roster, seedTenant, selfSignedCertificate, SERVER, startServer, tempDir, type CliResult } from '../support/process.ts';

function ok(result: CliResult): any {
  assert.equal(result.code, 0, `exit code; stderr: ${result.stderr}`);
  return result.json;
}

/** The scimUrl of a SCIM setting created by `roster` with only DATABASE_URL (and `env`) set. */
async function printedScimUrl(databaseUrl: string, env: Record<string, string> = {}): Promise<{ scimUrl: string; token: string }> {
  const cli = { DATABASE_URL: databaseUrl, ...env };
  const company = ok(await roster(['company', 'create', '--name', `Acme ${Math.random()}`, '--json'], cli));
  return ok(await roster(['scim-setting', 'create', '--company', company.id, '--name', 'Entra ID', '--json'], cli));
}

describe('the scimUrl roster prints', () => {
  const dir = tempDir();
  after(() => dir.remove());
  let n = 0;
  const freshFile = () => `sqlite:${join(dir.path, `roster-${n++}.db`)}`;

  it('is the https:// address and port of a server that serves TLS itself', async () => {
    const databaseUrl = freshFile();
    const { certFile, keyFile, cert } = selfSignedCertificate(dir.path);
    const server = await startServer({ cwd: dir.path, ca: cert, env: { DATABASE_URL: databaseUrl, TLS_CERT_FILE: certFile, TLS_KEY_FILE: keyFile } });
    try {
      const { scimUrl, token } = await printedScimUrl(databaseUrl);
      assert.equal(scimUrl, `https://127.0.0.1:${server.port}/scim/v2`);
      assert.equal((await request(`${scimUrl}/Users`, { token, ca: cert })).status, 200);
    } finally {
      await server.stop();
    }
  });

  it('names this machine as localhost for a server listening on every address', async () => {
    const databaseUrl = freshFile();
    const server = await startServer({ cwd: dir.path, env: { DATABASE_URL: databaseUrl, HOST: '0.0.0.0' } });
    try {
      const { scimUrl, token } = await printedScimUrl(databaseUrl);
      assert.equal(scimUrl, `http://localhost:${server.port}/scim/v2`);
      assert.equal((await request(`${scimUrl}/Users`, { token })).status, 200);
    } finally {
      await server.stop();
    }
  });

  it("is the server's PUBLIC_URL, unless the CLI has a PUBLIC_URL of its own", async () => {
    const databaseUrl = freshFile();
    const server = await startServer({ cwd: dir.path, env: { DATABASE_URL: databaseUrl, PUBLIC_URL: 'https://roster.example.com/' } });
    try {
      assert.equal((await printedScimUrl(databaseUrl)).scimUrl, 'https://roster.example.com/scim/v2');
      assert.equal((await printedScimUrl(databaseUrl, { PUBLIC_URL: 'https://scim.example.org' })).scimUrl, 'https://scim.example.org/scim/v2');
    } finally {
      await server.stop();
    }
  });

  it('is the port the server really bound with PORT=0', async () => {
    const databaseUrl = freshFile();
    const { companyId } = await seedTenant(databaseUrl);
    const fallback = 'http://localhost:8080/scim/v2';
    const server = spawn(process.execPath, [SERVER], { cwd: dir.path, env: cleanEnv({ DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'warn' }), stdio: 'ignore' });
    try {
      let scimUrl = fallback;
      for (const deadline = Date.now() + 30_000; scimUrl === fallback && Date.now() < deadline; ) {
        [{ scimUrl }] = ok(await roster(['scim-setting', 'list', '--company', companyId, '--json'], { DATABASE_URL: databaseUrl }));
      }
      assert.match(scimUrl, /^http:\/\/127\.0\.0\.1:\d+\/scim\/v2$/);
      assert.notEqual(new URL(scimUrl).port, '0');
      assert.equal((await request(new URL('/healthz', scimUrl).href)).status, 200);
    } finally {
      if (server.exitCode === null && server.signalCode === null) {
        server.kill('SIGTERM');
        await once(server, 'exit');
      }
    }
  });

  it('is localhost on PORT, https with TLS_CERT_FILE, while no server has started on the database', async () => {
    const databaseUrl = freshFile();
    await seedTenant(databaseUrl);
    const tls = { PORT: '9443', TLS_CERT_FILE: '/etc/roster/cert.pem', TLS_KEY_FILE: '/etc/roster/key.pem' };
    assert.equal((await printedScimUrl(databaseUrl, tls)).scimUrl, 'https://localhost:9443/scim/v2');
    assert.equal((await printedScimUrl(databaseUrl)).scimUrl, 'http://localhost:8080/scim/v2');
  });

  it('is the address of a server on PostgreSQL on a port of its own, for a CLI run without PORT', async (t) => {
    const db = await freshPostgresDatabase();
    if (!db) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
    const server = await startServer({ cwd: dir.path, env: { DATABASE_URL: db.url } });
    try {
      const { scimUrl, token } = await printedScimUrl(db.url);
      assert.equal(scimUrl, `${server.origin}/scim/v2`);
      assert.equal((await request(`${scimUrl}/Users`, { token })).status, 200);
    } finally {
      await server.stop();
      await db.drop();
    }
  });
});
