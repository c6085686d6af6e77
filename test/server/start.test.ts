// `npm install && npm start` as README section "Running it" promises: the database named by DATABASE_URL
// is created and migrated, /healthz answers once the server is ready, and a bad configuration stops the
// process with one line on stderr.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import net from 'node:net';
import Database from 'better-sqlite3';
import {
  ROOT,
  freePort,
  freshPostgresDatabase,
  request,
  roster,
  seedTenant,
  startServer,
  startServerExpectingFailure,
  tempDir,
} from '../support/process.ts';

function tables(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as { name: string }[]).map((r) => r.name);
  } finally {
    db.close();
  }
}

/** A user created and read back over SCIM: the server is the product, not just a /healthz. */
async function roundTrip(origin: string, token: string, userName: string): Promise<void> {
  const created = await request(`${origin}/scim/v2/Users`, {
    method: 'POST',
    token,
    body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName },
  });
  assert.equal(created.status, 201, created.raw);
  const read = await request(created.headers.location!, { token });
  assert.equal(read.status, 200);
  assert.equal(read.body.userName, userName);
}

describe('npm start', { concurrency: true }, () => {
  it('creates ./data/roster.db in the working directory when DATABASE_URL is not set, migrates it and serves SCIM', async () => {
    const dir = tempDir();
    const server = await startServer({ cwd: dir.path });
    try {
      const file = join(dir.path, 'data/roster.db');
      assert.ok(existsSync(file), 'data/roster.db exists');
      assert.ok(tables(file).includes('scim_users'), 'the migrations ran');
      const { token } = await seedTenant(`sqlite:${file}`);
      await roundTrip(server.origin, token, 'default.path@example.com');
    } finally {
      assert.equal((await server.stop()).code, 0);
      dir.remove();
    }
  });

  it('resolves a relative sqlite: path against the working directory and creates its folders', async () => {
    const dir = tempDir();
    const server = await startServer({ cwd: dir.path, env: { DATABASE_URL: 'sqlite:nested/deeper/roster.db' } });
    try {
      assert.ok(tables(join(dir.path, 'nested/deeper/roster.db')).includes('companies'));
      assert.deepEqual(readdirSync(dir.path).sort(), ['nested']);
    } finally {
      await server.stop();
      dir.remove();
    }
  });

  it('uses an absolute sqlite: path whatever the working directory, and `npm start` runs from another directory', async () => {
    const dir = tempDir();
    const elsewhere = tempDir();
    const file = join(dir.path, 'abs/roster.db');
    // `npm --prefix ROOT start` runs the start script as an operator would, from a directory of their own.
    const server = await startServer({
      cwd: elsewhere.path,
      env: { DATABASE_URL: `sqlite:${file}` },
      command: ['npm', '--prefix', ROOT, 'start', '--silent'],
    });
    try {
      assert.ok(tables(file).includes('scim_groups'));
      assert.deepEqual(readdirSync(elsewhere.path), []);
      const { token } = await seedTenant(`sqlite:${file}`);
      await roundTrip(server.origin, token, 'absolute@example.com');
    } finally {
      // npm hands SIGTERM to the server (the start script execs node), which drains and exits 0.
      const exit = await server.stop();
      assert.equal(exit.code, 0, server.stderr());
      dir.remove();
      elsewhere.remove();
    }
  });
});

describe('npm start on PostgreSQL', () => {
  let db: Awaited<ReturnType<typeof freshPostgresDatabase>>;
  before(async () => {
    db = await freshPostgresDatabase();
  });
  after(async () => {
    await db?.drop();
  });

  it('runs the same product when DATABASE_URL is postgres://, with the CLI on the same URL', async (t) => {
    if (!db) return t.skip('ROSTER_TEST_POSTGRES_URL is not set');
    const dir = tempDir();
    const server = await startServer({ cwd: dir.path, env: { DATABASE_URL: db.url } });
    try {
      const env = { DATABASE_URL: db.url, PUBLIC_URL: server.origin };
      const company = await roster(['company', 'create', '--name', 'Acme on PostgreSQL', '--json'], env);
      assert.equal(company.code, 0, company.stderr);
      const setting = await roster(['scim-setting', 'create', '--company', company.json.id, '--name', 'Okta', '--json'], env);
      assert.equal(setting.code, 0, setting.stderr);
      assert.equal(setting.json.scimUrl, `${server.origin}/scim/v2`);
      await roundTrip(server.origin, setting.json.token, 'postgres@example.com');
      assert.deepEqual(readdirSync(dir.path), [], 'no SQLite file was created');
    } finally {
      assert.equal((await server.stop()).code, 0);
      dir.remove();
    }
  });
});

// loadConfig's every rule is in config.test.ts; here, one failure of each start-up step through the process.
describe('a configuration the server cannot run with', { concurrency: 3 }, () => {
  const startUpFailure = async (env: Record<string, string>, message: RegExp) => {
    const dir = tempDir();
    try {
      // A free PORT, so that a configuration wrongly accepted cannot collide with anything.
      const defaults = { DATABASE_URL: `sqlite:${join(dir.path, 'r.db')}`, PORT: String(await freePort()) };
      const result = await startServerExpectingFailure({ ...defaults, ...env }, dir.path);
      assert.equal(result.code, 1, `exit code; stderr: ${result.stderr}`);
      assert.match(result.stderr, message);
      assert.equal(result.stderr.trim().split('\n').length, 1, `one line, no stack trace:\n${result.stderr}`);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
      assert.doesNotMatch(result.stdout, /Server listening/);
      return result;
    } finally {
      dir.remove();
    }
  };

  it('stops with a message when DATABASE_URL is neither sqlite: nor postgres://', async () => {
    await startUpFailure({ DATABASE_URL: 'mysql://root@localhost/roster' }, /^roster: DATABASE_URL must be sqlite:PATH or postgres:\/\//);
  });

  it('stops with a message, and without echoing the password, when PostgreSQL is unreachable', async () => {
    const port = await freePort();
    const result = await startUpFailure(
      { DATABASE_URL: `postgres://postgres:hunter2@127.0.0.1:${port}/roster` },
      /^roster: cannot open DATABASE_URL postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/roster: connect ECONNREFUSED/,
    );
    assert.doesNotMatch(result.stderr, /hunter2/);
  });

  it('stops with a message when PORT is not a port number', async () => {
    await startUpFailure({ PORT: '80a' }, /^roster: PORT must be a whole number from 0 to 65535, got "80a"/);
  });

  it('stops with a message when the port is taken', async () => {
    const taken = net.createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as net.AddressInfo;
    try {
      await startUpFailure({ PORT: String(port) }, new RegExp(`^roster: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    } finally {
      taken.close();
    }
  });

  it('stops with a message when WORKERS is not a number of processes', async () => {
    await startUpFailure({ WORKERS: '2.5' }, /^roster: WORKERS must be a whole number from 1 to 64 or auto, got "2\.5"/);
  });

  it('stops with one message, not one per worker, when the port is taken and WORKERS=2', async () => {
    const taken = net.createServer().listen(0, '127.0.0.1');
    await once(taken, 'listening');
    const { port } = taken.address() as net.AddressInfo;
    try {
      await startUpFailure({ PORT: String(port), WORKERS: '2' }, new RegExp(`^roster: cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
    } finally {
      taken.close();
    }
  });

  it('stops with a message when only one of TLS_CERT_FILE and TLS_KEY_FILE is set', async () => {
    await startUpFailure({ TLS_CERT_FILE: '/etc/ssl/cert.pem' }, /^roster: TLS_CERT_FILE and TLS_KEY_FILE must be set together \(only TLS_CERT_FILE is set\)/);
  });

  it('stops with a message when a TLS file cannot be read', async () => {
    await startUpFailure({ TLS_CERT_FILE: '/nonexistent/cert.pem', TLS_KEY_FILE: '/nonexistent/key.pem' }, /^roster: TLS_CERT_FILE \/nonexistent\/cert\.pem cannot be read: ENOENT/);
  });
});
