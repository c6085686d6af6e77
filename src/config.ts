// The environment variables operators script against (README "Configuration"). Read once at start-up.
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from './store/open.ts';

export interface Config {
  host: string;
  port: number;
  databaseUrl: string;
  tls?: { certFile: string; keyFile: string };
  /** Fastify's trustProxy: true, a hop count, or a list of addresses/CIDRs. */
  trustProxy: boolean | number | string[];
  /** Base URL for scimUrl and meta.location, e.g. https://roster.example.com (no trailing slash). */
  publicUrl?: string;
  logLevel: string;
  /** Largest accepted request body, in bytes. */
  bodyLimit: number;
}

export const DEFAULT_BODY_LIMIT = 4 * 1024 * 1024;

function integer(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${raw}"`);
  return n;
}

function trustProxy(raw: string | undefined): Config['trustProxy'] {
  if (raw === undefined || raw === '' || raw === 'false') return false;
  if (raw === 'true') return true;
  if (/^\d+$/.test(raw)) return Number(raw);
  return raw.split(',').map((s) => s.trim()).filter(Boolean);
}

export function publicUrlOf(raw: string | undefined): string | undefined {
  if (!raw) return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`PUBLIC_URL must be an absolute URL such as https://roster.example.com, got "${raw}"`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`PUBLIC_URL must be http(s), got "${raw}"`);
  return url.href.replace(/\/+$/, '');
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = env.DATABASE_URL || DEFAULT_DATABASE_URL;
  parseDatabaseUrl(databaseUrl);
  const cert = env.TLS_CERT_FILE;
  const key = env.TLS_KEY_FILE;
  if (Boolean(cert) !== Boolean(key)) throw new Error('TLS_CERT_FILE and TLS_KEY_FILE must be set together');
  return {
    host: env.HOST || '0.0.0.0',
    port: env.PORT ? integer('PORT', env.PORT, 0, 65535) : 8080,
    databaseUrl,
    ...(cert && key ? { tls: { certFile: cert, keyFile: key } } : {}),
    trustProxy: trustProxy(env.TRUST_PROXY),
    publicUrl: publicUrlOf(env.PUBLIC_URL),
    logLevel: env.LOG_LEVEL || 'info',
    bodyLimit: env.BODY_LIMIT ? integer('BODY_LIMIT', env.BODY_LIMIT, 1024, 512 * 1024 * 1024) : DEFAULT_BODY_LIMIT,
  };
}
