// A real server (Fastify, real store, real migrations) with one company and SCIM setting, driven through
// HTTP injection. `scim(...)` sends a request with the setting's bearer token.
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/http/app.ts';
import { DEFAULT_BODY_LIMIT, type Config } from '../../src/config.ts';
import { createCompany } from '../../src/directory/companies.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createScimSetting } from '../../src/provisioning/scim-settings.ts';
import type { Store } from '../../src/store/open.ts';
import type { StoreKind } from './stores.ts';

export interface TestServer {
  app: FastifyInstance;
  store: Store;
  token: string;
  companyId: string;
  settingId: string;
  /** Sends a SCIM request with the bearer token; `body` objects are sent as application/scim+json, strings
   *  and Buffers as they are. */
  scim(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** Another company with its own token on the same server. */
  otherTenant(): Promise<{ token: string; companyId: string; settingId: string }>;
  close(): Promise<void>;
}

export interface Response {
  status: number;
  headers: LightMyRequestResponse['headers'];
  body: any;
  raw: string;
}

const isRaw = (body: unknown): body is string | Buffer => typeof body === 'string' || Buffer.isBuffer(body);

export interface ServerOptions {
  bodyLimit?: number;
  now?: () => Date;
  statsFlushIntervalMs?: number;
  /** HANDLER_TIMEOUT_MS. */
  handlerTimeoutMs?: number;
  /** SCIM_RATE_LIMIT. Unlimited unless a test sets it: tests send hundreds of requests a second through
   *  injection, often under a pinned clock that never refills a bucket; the IdP replays run at the default. */
  scimRateLimit?: number;
  metrics?: Config['metrics'];
  /** Where log lines go (at LOG_LEVEL info); without it the server logs nothing. */
  logStream?: { write(line: string): void };
  /** Another server instance on this store (a second process behind the load balancer); close leaves it open. */
  store?: Store;
}

export async function startServer(kind: StoreKind, options: ServerOptions = {}): Promise<TestServer> {
  const store = options.store ?? (await kind.open());
  const app = await buildApp({
    store,
    config: {
      trustProxy: false,
      publicUrl: undefined,
      bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT,
      logLevel: options.logStream ? 'info' : 'silent',
      scimRateLimit: options.scimRateLimit ?? 0,
      metrics: options.metrics ?? {},
      ...(options.handlerTimeoutMs ? { handlerTimeoutMs: options.handlerTimeoutMs } : {}),
    },
    ...(options.logStream ? { logStream: options.logStream } : { logger: false }),
    ...(options.now ? { now: options.now } : {}),
    // Request statistics show within a few milliseconds, so tests that read them need not wait a second.
    statsFlushIntervalMs: options.statsFlushIntervalMs ?? 10,
  });
  const tenant = async (name: string) => {
    const company = await createCompany(store, { name }, CLI_ACTOR);
    const { setting, token } = await createScimSetting(store, { companyId: company.id, name: 'Entra ID' }, CLI_ACTOR);
    return { token, companyId: company.id, settingId: setting.id };
  };
  // A second instance on a shared store is another company: names are unique.
  const main = await tenant(options.store ? `Acme ${Math.random().toString(36).slice(2, 8)}` : 'Acme');
  const scim = async (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: {
        authorization: `Bearer ${main.token}`,
        ...(body !== undefined && !isRaw(body) ? { 'content-type': 'application/scim+json' } : {}),
        ...headers,
      },
      ...(body !== undefined ? { payload: isRaw(body) ? body : JSON.stringify(body) } : {}),
    });
    let parsed: unknown;
    try {
      parsed = res.body ? JSON.parse(res.body) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.statusCode, headers: res.headers, body: parsed, raw: res.body };
  };
  let n = 0;
  return {
    app,
    store,
    ...main,
    scim,
    otherTenant: () => tenant(`Other ${++n}`),
    async close() {
      await app.close();
      if (!options.store) await store.close();
    },
  };
}
