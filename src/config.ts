// The environment variables operators script against (README "Configuration"). Read once at start-up; every
// problem is a ConfigError whose message names the variable and says what it accepts, so `npm start` and the
// CLI can print it as one line instead of a stack trace.
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { DEFAULT_SESSION_POLICY } from './auth/sessions.ts';
import { MAX_RATE_LIMIT } from './provisioning/scim-settings.ts';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from './store/open.ts';

export interface Config {
  host: string;
  port: number;
  /** Server processes sharing the port (node:cluster); 1 is a single process with no cluster primary. */
  workers: number;
  databaseUrl: string;
  tls?: { certFile: string; keyFile: string };
  /** Fastify's trustProxy: true, a hop count, or a list of addresses/CIDRs. */
  trustProxy: boolean | number | string[];
  /** Base URL for scimUrl and meta.location, e.g. https://roster.example.com (no trailing slash). */
  publicUrl?: string;
  logLevel: string;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
  /** A whole request (headers and body) must arrive within this many milliseconds, else 408. */
  requestTimeoutMs: number;
  /** A SCIM handler still running after this many milliseconds is answered 503 and writes nothing. */
  handlerTimeoutMs: number;
  /** SCIM requests per second per token, unless its setting says otherwise; 0 = unlimited. */
  scimRateLimit: number;
  /** How /metrics is exposed: behind a bearer token, on a listener of its own, both, or (neither) not at all. */
  metrics: { token?: string; listen?: { host: string; port: number } };
  /** Job-log rows older than this many days are pruned. */
  jobLogRetentionDays: number;
  /** Target users soft-deleted longer ago than this many days are purged. */
  deletedUserRetentionDays: number;
  /** A system user's session ends after this many minutes without a request. */
  sessionIdleMinutes: number;
  /** …and this many hours after sign-in, however active. */
  sessionMaxHours: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_HANDLER_TIMEOUT_MS = 30_000;
const DEFAULT_PORT = 8080;
/** Far above any machine Roster is sized for; a typo such as WORKERS=800 should not fork 800 processes. */
const MAX_WORKERS = 64;
/** Four times the 25 requests/s Microsoft asks SCIM apps to support per tenant (README "Rate limits"). */
export const DEFAULT_SCIM_RATE_LIMIT = 100;
const DEFAULT_METRICS_HOST = '127.0.0.1';
const DEFAULT_METRICS_PORT = 9464;
/** How long the job log and deleted users' history are kept unless configured (issue 7: 90 days). */
export const DEFAULT_RETENTION_DAYS = 90;
/** Ten years; the cutoff must stay after 1970, where time-ordered ids begin (directory/ids.ts). */
const MAX_RETENTION_DAYS = 3650;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

function integer(name: string, raw: string, min: number, max: number): number {
  const n = /^\d+$/.test(raw.trim()) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

/** A URL with its password replaced, for messages: DATABASE_URL may carry credentials. */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (!url.password) return raw;
    url.password = '***';
    return url.href;
  } catch {
    return raw.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  }
}

function databaseUrl(raw: string): string {
  const shown = redactUrl(raw);
  if (/^postgres(ql)?:\/\//.test(raw)) {
    try {
      new URL(raw);
    } catch {
      throw new ConfigError(`DATABASE_URL is not a valid URL: "${shown}" (expected postgres://USER@HOST:5432/DATABASE)`);
    }
    return raw;
  }
  if (raw.startsWith('sqlite:')) {
    try {
      parseDatabaseUrl(raw);
    } catch {
      throw new ConfigError(`DATABASE_URL "${shown}" names no file: use sqlite:PATH, e.g. ${DEFAULT_DATABASE_URL}`);
    }
    return raw;
  }
  throw new ConfigError(`DATABASE_URL must be sqlite:PATH or postgres://USER@HOST:5432/DATABASE, got "${shown}"`);
}

// proxy-addr's names for the usual private ranges, accepted by Fastify's trustProxy alongside addresses.
const PROXY_RANGE_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);

function proxyAddress(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true;
  const [address = '', bits, ...rest] = entry.split('/');
  const family = isIP(address);
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  if (!/^\d+$/.test(bits)) return isIP(bits) === family; // a netmask: 10.0.0.0/255.0.0.0
  return Number(bits) <= (family === 4 ? 32 : 128);
}

/** `true`/`false`; a hop count (trust the N proxies nearest to the server); or addresses, CIDRs and the names
 *  loopback, linklocal, uniquelocal, comma-separated (trust proxies at those addresses). */
export function parseTrustProxy(raw: string | undefined): Config['trustProxy'] {
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return integer('TRUST_PROXY', value, 0, 1000);
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = entries.find((e) => !proxyAddress(e));
  if (bad !== undefined || !entries.length) {
    throw new ConfigError(
      `TRUST_PROXY must be true, false, a hop count, or comma-separated proxy addresses/CIDRs such as 10.0.0.0/8,loopback; "${bad ?? raw}" is none of these`,
    );
  }
  return entries;
}

function publicUrlOf(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`PUBLIC_URL must be an absolute URL such as https://roster.example.com, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`PUBLIC_URL must be http(s), got "${raw}"`);
  if (url.search || url.hash) throw new ConfigError(`PUBLIC_URL must be a base URL without query or fragment, got "${raw}"`);
  return url.href.replace(/\/+$/, '');
}

function logLevel(raw: string | undefined): string {
  const level = raw?.trim().toLowerCase() || 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return level;
}

function metrics(env: NodeJS.ProcessEnv): Config['metrics'] {
  const token = env.METRICS_TOKEN?.trim();
  if (token !== undefined && token !== '' && token.length < 16) throw new ConfigError('METRICS_TOKEN must be at least 16 characters');
  const separate = Boolean(env.METRICS_HOST?.trim() || env.METRICS_PORT?.trim());
  return {
    ...(token ? { token } : {}),
    ...(separate
      ? {
          listen: {
            host: env.METRICS_HOST?.trim() || DEFAULT_METRICS_HOST,
            port: env.METRICS_PORT?.trim() ? integer('METRICS_PORT', env.METRICS_PORT, 0, 65535) : DEFAULT_METRICS_PORT,
          },
        }
      : {}),
  };
}

/** A whole number of processes, or `auto`: one per core this process may use (os.availableParallelism). */
function workers(raw: string | undefined): number {
  const value = raw?.trim().toLowerCase() ?? '';
  if (value === '') return 1;
  if (value === 'auto') return Math.min(availableParallelism(), MAX_WORKERS);
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_WORKERS) throw new ConfigError(`WORKERS must be a whole number from 1 to ${MAX_WORKERS} or auto, got "${raw}"`);
  return n;
}

function retentionDays(name: string, raw: string | undefined): number {
  return raw?.trim() ? integer(name, raw, 1, MAX_RETENTION_DAYS) : DEFAULT_RETENTION_DAYS;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cert = env.TLS_CERT_FILE;
  const key = env.TLS_KEY_FILE;
  if (Boolean(cert) !== Boolean(key)) {
    throw new ConfigError(`TLS_CERT_FILE and TLS_KEY_FILE must be set together (only ${cert ? 'TLS_CERT_FILE' : 'TLS_KEY_FILE'} is set)`);
  }
  const publicUrl = publicUrlOf(env.PUBLIC_URL);
  return {
    host: env.HOST?.trim() || '0.0.0.0',
    port: env.PORT ? integer('PORT', env.PORT, 0, 65535) : DEFAULT_PORT,
    workers: workers(env.WORKERS),
    databaseUrl: databaseUrl(env.DATABASE_URL || DEFAULT_DATABASE_URL),
    ...(cert && key ? { tls: { certFile: cert, keyFile: key } } : {}),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    ...(publicUrl ? { publicUrl } : {}),
    logLevel: logLevel(env.LOG_LEVEL),
    bodyLimit: env.BODY_LIMIT ? integer('BODY_LIMIT', env.BODY_LIMIT, 1024, 512 * 1024 * 1024) : DEFAULT_BODY_LIMIT,
    requestTimeoutMs: env.REQUEST_TIMEOUT_MS ? integer('REQUEST_TIMEOUT_MS', env.REQUEST_TIMEOUT_MS, 1000, 3_600_000) : DEFAULT_REQUEST_TIMEOUT_MS,
    handlerTimeoutMs: env.HANDLER_TIMEOUT_MS ? integer('HANDLER_TIMEOUT_MS', env.HANDLER_TIMEOUT_MS, 100, 3_600_000) : DEFAULT_HANDLER_TIMEOUT_MS,
    scimRateLimit: env.SCIM_RATE_LIMIT?.trim() ? integer('SCIM_RATE_LIMIT', env.SCIM_RATE_LIMIT, 0, MAX_RATE_LIMIT) : DEFAULT_SCIM_RATE_LIMIT,
    metrics: metrics(env),
    jobLogRetentionDays: retentionDays('JOB_LOG_RETENTION_DAYS', env.JOB_LOG_RETENTION_DAYS),
    deletedUserRetentionDays: retentionDays('DELETED_USER_RETENTION_DAYS', env.DELETED_USER_RETENTION_DAYS),
    // A week idle and 30 days in all bound what a stolen cookie is worth.
    sessionIdleMinutes: env.SESSION_IDLE_MINUTES?.trim() ? integer('SESSION_IDLE_MINUTES', env.SESSION_IDLE_MINUTES, 1, 10_080) : DEFAULT_SESSION_POLICY.sessionIdleMinutes,
    sessionMaxHours: env.SESSION_MAX_HOURS?.trim() ? integer('SESSION_MAX_HOURS', env.SESSION_MAX_HOURS, 1, 720) : DEFAULT_SESSION_POLICY.sessionMaxHours,
  };
}
