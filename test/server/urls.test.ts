// IdPs demand HTTPS: Roster serves it itself (TLS_CERT_FILE/TLS_KEY_FILE) or sits behind a proxy
// (TRUST_PROXY), and either way the URLs it hands out — Location, meta.location — and the client address
// it logs must be the ones the IdP sees. PUBLIC_URL pins the base URL outright.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  request,
  seedTenant,
  selfSignedCertificate,
  startServer,
  tempDir,
  waitForLog,
  type RosterServer,
} from '../support/process.ts';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

interface Running {
  server: RosterServer;
  token: string;
  stop(): Promise<void>;
}

/** A server on a fresh SQLite file with one tenant, logging requests (LOG_LEVEL=info). */
async function run(env: Record<string, string>, ca?: Buffer): Promise<Running> {
  const dir = tempDir();
  const databaseUrl = `sqlite:${join(dir.path, 'roster.db')}`;
  const { token } = await seedTenant(databaseUrl);
  const server = await startServer({ cwd: dir.path, env: { DATABASE_URL: databaseUrl, LOG_LEVEL: 'info', ...env }, ...(ca ? { ca } : {}) });
  return {
    server,
    token,
    async stop() {
      await server.stop();
      dir.remove();
    },
  };
}

let userCount = 0;
async function createUser(target: Running, headers: Record<string, string> = {}, ca?: Buffer) {
  const res = await request(`${target.server.origin}/scim/v2/Users`, {
    method: 'POST',
    token: target.token,
    headers,
    body: { schemas: [USER], userName: `url.user.${++userCount}@example.com` },
    ...(ca ? { ca } : {}),
  });
  assert.equal(res.status, 201, res.raw);
  return res;
}

const FORWARDED = {
  'x-forwarded-proto': 'https',
  'x-forwarded-host': 'roster.example.com',
  'x-forwarded-for': '198.51.100.9, 10.9.9.9',
};

describe('TLS_CERT_FILE and TLS_KEY_FILE', () => {
  const certDir = tempDir();
  const tls = selfSignedCertificate(certDir.path);
  let target: Running;
  before(async () => {
    target = await run({ TLS_CERT_FILE: tls.certFile, TLS_KEY_FILE: tls.keyFile }, tls.cert);
  });
  after(async () => {
    await target.stop();
    certDir.remove();
  });

  it('serve the API over HTTPS with the configured certificate, and meta.location starts with https://', async () => {
    const res = await createUser(target, {}, tls.cert);
    const prefix = `https://127.0.0.1:${target.server.port}/scim/v2/Users/`;
    assert.ok(res.headers.location?.startsWith(prefix), res.headers.location);
    assert.equal(res.body.meta.location, res.headers.location);
    const read = await request(res.headers.location!, { token: target.token, ca: tls.cert });
    assert.equal(read.status, 200);
  });

  it('answer no plain HTTP on that port', async () => {
    const plain = await request(`http://127.0.0.1:${target.server.port}/healthz`).then(
      (r) => r.status,
      () => 'refused',
    );
    assert.notEqual(plain, 200);
  });
});

// A hop count is Fastify's (proxy-addr's) too; config.test.ts shows every form TRUST_PROXY accepts.
describe('TRUST_PROXY and PUBLIC_URL', { concurrency: true }, () => {
  const servers: Record<string, Running> = {};
  before(async () => {
    const configs: Record<string, Record<string, string>> = {
      unset: {},
      true: { TRUST_PROXY: 'true' },
      // PUBLIC_URL beside a trusted proxy: it must win over the forwarded headers.
      list: { TRUST_PROXY: '127.0.0.1,10.0.0.0/8', PUBLIC_URL: 'https://scim.example.org/roster/' },
    };
    await Promise.all(Object.entries(configs).map(async ([name, env]) => (servers[name] = await run(env))));
  });
  after(async () => {
    await Promise.all(Object.values(servers).map((s) => s.stop()));
  });

  /** The client address the server logged for the request made with this User-Agent. */
  const loggedClient = async (target: Running, userAgent: string) =>
    (await waitForLog(target.server, (l) => l.msg === 'incoming request' && l.req?.userAgent === userAgent)).req.remoteAddress;

  it('TRUST_PROXY=true makes Location and meta.location use X-Forwarded-Proto and X-Forwarded-Host', async () => {
    const target = servers.true!;
    const res = await createUser(target, FORWARDED);
    assert.match(res.headers.location!, /^https:\/\/roster\.example\.com\/scim\/v2\/Users\/[\w-]+$/);
    assert.equal(res.body.meta.location, res.headers.location);
    const listed = await request(`${target.server.origin}/scim/v2/Users?count=1`, { token: target.token, headers: FORWARDED });
    assert.match(listed.body.Resources[0].meta.location, /^https:\/\/roster\.example\.com\/scim\/v2\/Users\//);
  });

  it('TRUST_PROXY=true logs the first X-Forwarded-For address as the client', async () => {
    await createUser(servers.true!, { ...FORWARDED, 'user-agent': 'trust-true' });
    assert.equal(await loggedClient(servers.true!, 'trust-true'), '198.51.100.9');
  });

  it('without TRUST_PROXY the forwarded headers are ignored: the URLs and the logged client are the connection’s own', async () => {
    const target = servers.unset!;
    const res = await createUser(target, { ...FORWARDED, 'user-agent': 'trust-unset' });
    assert.match(res.headers.location!, new RegExp(`^http://127\\.0\\.0\\.1:${target.server.port}/scim/v2/Users/`));
    assert.equal(res.body.meta.location, res.headers.location);
    assert.equal(await loggedClient(target, 'trust-unset'), '127.0.0.1');
  });

  it('TRUST_PROXY as an address list trusts the proxies at those addresses and CIDRs', async () => {
    const target = servers.list!;
    await createUser(target, { ...FORWARDED, 'user-agent': 'trust-list' });
    // 127.0.0.1 (the connection) and 10.9.9.9 (in 10.0.0.0/8) are trusted proxies; 198.51.100.9 is the client.
    assert.equal(await loggedClient(target, 'trust-list'), '198.51.100.9');
  });

  it('PUBLIC_URL is the base of Location and meta.location, whatever the request or its forwarded headers say', async () => {
    const target = servers.list!;
    for (const headers of [{}, FORWARDED]) {
      const res = await createUser(target, headers);
      assert.match(res.headers.location!, /^https:\/\/scim\.example\.org\/roster\/scim\/v2\/Users\/[\w-]+$/);
      assert.equal(res.body.meta.location, res.headers.location);
    }
    const config = await request(`${target.server.origin}/scim/v2/ServiceProviderConfig`, { headers: FORWARDED });
    assert.equal(config.body.meta.location, 'https://scim.example.org/roster/scim/v2/ServiceProviderConfig');
  });
});
