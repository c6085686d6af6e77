// The environment variables of README "Configuration", rule by rule: what each accepts, its default, and
// the message a wrong value gets. start.test.ts shows the same messages ending a real process.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { ConfigError, loadConfig, parseTrustProxy, redactUrl } from '../../src/config.ts';

describe('the configuration', () => {
  it('defaults to 0.0.0.0:8080, sqlite:./data/roster.db, info logs, no TLS, no proxy and no PUBLIC_URL', () => {
    const config = loadConfig({});
    assert.equal(config.host, '0.0.0.0');
    assert.equal(config.port, 8080);
    assert.equal(config.databaseUrl, 'sqlite:./data/roster.db');
    assert.equal(config.logLevel, 'info');
    assert.equal(config.tls, undefined);
    assert.equal(config.trustProxy, false);
    assert.equal(config.publicUrl, undefined);
  });

  it('runs one server process unless WORKERS says how many, and auto runs one per core', () => {
    assert.equal(loadConfig({}).workers, 1);
    assert.equal(loadConfig({ WORKERS: '4' }).workers, 4);
    assert.equal(loadConfig({ WORKERS: ' 64 ' }).workers, 64);
    assert.equal(loadConfig({ WORKERS: 'auto' }).workers, availableParallelism());
    assert.equal(loadConfig({ WORKERS: 'AUTO' }).workers, availableParallelism());
  });

  it('limits each SCIM token to 100 requests per second unless SCIM_RATE_LIMIT says otherwise (0 = unlimited)', () => {
    assert.equal(loadConfig({}).scimRateLimit, 100);
    assert.equal(loadConfig({ SCIM_RATE_LIMIT: '250' }).scimRateLimit, 250);
    assert.equal(loadConfig({ SCIM_RATE_LIMIT: '0' }).scimRateLimit, 0);
  });

  it('gives a request 30 s to arrive and its handler 30 s to answer unless REQUEST_TIMEOUT_MS and HANDLER_TIMEOUT_MS say otherwise', () => {
    assert.equal(loadConfig({}).requestTimeoutMs, 30_000);
    assert.equal(loadConfig({}).handlerTimeoutMs, 30_000);
    assert.equal(loadConfig({ REQUEST_TIMEOUT_MS: '5000' }).requestTimeoutMs, 5000);
    assert.equal(loadConfig({ HANDLER_TIMEOUT_MS: '120000' }).handlerTimeoutMs, 120_000);
  });

  it('keeps the job log and deleted target users 90 days unless JOB_LOG_RETENTION_DAYS and DELETED_USER_RETENTION_DAYS say otherwise', () => {
    assert.equal(loadConfig({}).jobLogRetentionDays, 90);
    assert.equal(loadConfig({}).deletedUserRetentionDays, 90);
    assert.equal(loadConfig({ JOB_LOG_RETENTION_DAYS: '30' }).jobLogRetentionDays, 30);
    assert.equal(loadConfig({ DELETED_USER_RETENTION_DAYS: '365' }).deletedUserRetentionDays, 365);
  });

  it('exposes no /metrics by default, behind METRICS_TOKEN on the app, or on 127.0.0.1:9464 with METRICS_HOST or METRICS_PORT', () => {
    assert.deepEqual(loadConfig({}).metrics, {});
    assert.deepEqual(loadConfig({ METRICS_TOKEN: 'a-long-metrics-token' }).metrics, { token: 'a-long-metrics-token' });
    assert.deepEqual(loadConfig({ METRICS_PORT: '9100' }).metrics, { listen: { host: '127.0.0.1', port: 9100 } });
    assert.deepEqual(loadConfig({ METRICS_HOST: '0.0.0.0' }).metrics, { listen: { host: '0.0.0.0', port: 9464 } });
  });

  it('accepts relative and absolute sqlite: paths and postgres:// URLs as DATABASE_URL', () => {
    for (const url of ['sqlite:roster.db', 'sqlite:./var/r.db', 'sqlite:/var/lib/roster/r.db', 'postgres://postgres@127.0.0.1:5432/test', 'postgresql://u:p@db/roster']) {
      assert.equal(loadConfig({ DATABASE_URL: url }).databaseUrl, url);
    }
  });

  it('serves TLS only when both TLS_CERT_FILE and TLS_KEY_FILE are set', () => {
    assert.deepEqual(loadConfig({ TLS_CERT_FILE: '/c.pem', TLS_KEY_FILE: '/k.pem' }).tls, { certFile: '/c.pem', keyFile: '/k.pem' });
  });

  it('drops the trailing slash of PUBLIC_URL and keeps its path', () => {
    assert.equal(loadConfig({ PUBLIC_URL: 'https://roster.example.com/' }).publicUrl, 'https://roster.example.com');
    assert.equal(loadConfig({ PUBLIC_URL: 'https://example.com/roster/' }).publicUrl, 'https://example.com/roster');
  });

  const rejected: [string, Record<string, string>, RegExp][] = [
    ['a DATABASE_URL of another database', { DATABASE_URL: 'mysql://root@db/roster' }, /^DATABASE_URL must be sqlite:PATH or postgres:\/\/USER@HOST:5432\/DATABASE, got "mysql:/],
    ['a sqlite: URL without a path', { DATABASE_URL: 'sqlite:' }, /^DATABASE_URL "sqlite:" names no file/],
    ['a postgres:// URL that is not a URL', { DATABASE_URL: 'postgres://u:secret@[db/x' }, /^DATABASE_URL is not a valid URL: "postgres:\/\/u:\*\*\*@\[db\/x"/],
    ['a PORT that is not a number', { PORT: 'eighty' }, /^PORT must be a whole number from 0 to 65535, got "eighty"/],
    ['a PORT out of range', { PORT: '65536' }, /^PORT must be a whole number/],
    ['a negative PORT', { PORT: '-1' }, /^PORT must be a whole number/],
    ['a fractional PORT', { PORT: '80.5' }, /^PORT must be a whole number/],
    ['TLS_CERT_FILE alone', { TLS_CERT_FILE: '/c.pem' }, /^TLS_CERT_FILE and TLS_KEY_FILE must be set together \(only TLS_CERT_FILE is set\)/],
    ['TLS_KEY_FILE alone', { TLS_KEY_FILE: '/k.pem' }, /^TLS_CERT_FILE and TLS_KEY_FILE must be set together \(only TLS_KEY_FILE is set\)/],
    ['a PUBLIC_URL without a scheme', { PUBLIC_URL: 'roster.example.com' }, /^PUBLIC_URL must be an absolute URL/],
    ['a PUBLIC_URL that is not http(s)', { PUBLIC_URL: 'ftp://roster.example.com' }, /^PUBLIC_URL must be http\(s\)/],
    ['a PUBLIC_URL with a query', { PUBLIC_URL: 'https://roster.example.com/?x=1' }, /^PUBLIC_URL must be a base URL without query/],
    ['an unknown LOG_LEVEL', { LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"/],
    ['a TRUST_PROXY that is neither boolean, count nor addresses', { TRUST_PROXY: 'yes' }, /^TRUST_PROXY must be true, false, a hop count, or comma-separated proxy addresses\/CIDRs .*; "yes" is none of these/],
    ['a TRUST_PROXY list with a host name', { TRUST_PROXY: '10.0.0.1,proxy.internal' }, /"proxy\.internal" is none of these/],
    ['a TRUST_PROXY CIDR with too many bits', { TRUST_PROXY: '10.0.0.0/33' }, /"10\.0\.0\.0\/33" is none of these/],
    ['a BODY_LIMIT below 1 KiB', { BODY_LIMIT: '10' }, /^BODY_LIMIT must be a whole number from 1024/],
    ['a SCIM_RATE_LIMIT that is not a whole number', { SCIM_RATE_LIMIT: '2.5' }, /^SCIM_RATE_LIMIT must be a whole number from 0 to 1000000, got "2\.5"$/],
    ['a negative SCIM_RATE_LIMIT', { SCIM_RATE_LIMIT: '-1' }, /^SCIM_RATE_LIMIT must be a whole number from 0 to 1000000/],
    ['a REQUEST_TIMEOUT_MS below a second', { REQUEST_TIMEOUT_MS: '500' }, /^REQUEST_TIMEOUT_MS must be a whole number from 1000 to 3600000, got "500"$/],
    ['a HANDLER_TIMEOUT_MS that is not a number', { HANDLER_TIMEOUT_MS: '30s' }, /^HANDLER_TIMEOUT_MS must be a whole number from 100 to 3600000, got "30s"$/],
    ['a METRICS_PORT out of range', { METRICS_PORT: '70000' }, /^METRICS_PORT must be a whole number from 0 to 65535, got "70000"$/],
    ['a JOB_LOG_RETENTION_DAYS of 0 (it would prune every row)', { JOB_LOG_RETENTION_DAYS: '0' }, /^JOB_LOG_RETENTION_DAYS must be a whole number from 1 to 3650, got "0"$/],
    ['a DELETED_USER_RETENTION_DAYS that is not a number', { DELETED_USER_RETENTION_DAYS: '90d' }, /^DELETED_USER_RETENTION_DAYS must be a whole number from 1 to 3650, got "90d"$/],
    ['WORKERS=0', { WORKERS: '0' }, /^WORKERS must be a whole number from 1 to 64 or auto, got "0"$/],
    ['a WORKERS above 64', { WORKERS: '65' }, /^WORKERS must be a whole number from 1 to 64 or auto, got "65"$/],
    ['a WORKERS that is neither a number nor auto', { WORKERS: 'all' }, /^WORKERS must be a whole number from 1 to 64 or auto, got "all"$/],
    ['a METRICS_TOKEN shorter than 16 characters', { METRICS_TOKEN: 'secret' }, /^METRICS_TOKEN must be at least 16 characters$/],
  ];
  for (const [what, env, message] of rejected) {
    it(`rejects ${what} with a message naming the variable`, () => {
      assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && message.test(e.message));
    });
  }

  it('never repeats a password from DATABASE_URL in a message', () => {
    assert.equal(redactUrl('postgres://roster:s3cret@db:5432/roster'), 'postgres://roster:***@db:5432/roster');
    assert.equal(redactUrl('postgres://roster@db/roster'), 'postgres://roster@db/roster');
    assert.throws(() => loadConfig({ DATABASE_URL: 'postgress://roster:s3cret@db/roster' }), (e: Error) => !e.message.includes('s3cret'));
  });
});

// README "Configuration": TRUST_PROXY accepts true/false, a hop count, or a comma-separated list of proxy
// addresses/CIDRs — Fastify's trustProxy, which decides whether X-Forwarded-For/-Proto/-Host are believed.
describe('TRUST_PROXY', () => {
  const accepted: [string | undefined, ReturnType<typeof parseTrustProxy>][] = [
    [undefined, false],
    ['', false],
    ['false', false],
    ['FALSE', false],
    ['true', true],
    ['True', true],
    ['1', 1],
    ['2', 2],
    ['0', 0],
    ['127.0.0.1', ['127.0.0.1']],
    ['10.0.0.0/8, 192.168.0.0/16', ['10.0.0.0/8', '192.168.0.0/16']],
    ['10.0.0.0/255.0.0.0', ['10.0.0.0/255.0.0.0']],
    ['::1,fd00::/8', ['::1', 'fd00::/8']],
    ['loopback,linklocal,uniquelocal', ['loopback', 'linklocal', 'uniquelocal']],
  ];
  for (const [raw, expected] of accepted) {
    it(`reads ${JSON.stringify(raw)} as ${JSON.stringify(expected)}`, () => {
      assert.deepEqual(parseTrustProxy(raw), expected);
    });
  }
});
