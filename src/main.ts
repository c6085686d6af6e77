// `npm start`: read the configuration, open the store named by DATABASE_URL (creating and migrating it),
// listen, record where it listens for the CLI, and drain on SIGTERM. A start-up failure is the operator's to fix: one line on stderr, exit 1.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createSecureContext } from 'node:tls';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './http/app.ts';
import { Metrics } from './http/metrics.ts';
import { metricsServer } from './http/metrics-endpoint.ts';
import { loadConfig, redactUrl, type Config } from './config.ts';
import { describeError } from './describe-error.ts';
import { startJobWorker } from './provisioning/rederive.ts';
import { startMaintenance } from './provisioning/maintenance.ts';
import type { Periodic } from './provisioning/periodic.ts';
import { inTransaction, openStore, type Store } from './store/open.ts';
import { recordServerInfo } from './store/server-info.ts';
import { hasSystemUser } from './store/system-users.ts';

const FIRST_RUN = 'No system user exists yet. Create the first operator with: npx roster system-user create --email you@example.com --role operator';

/** How often an instance looks for queued jobs: one indexed read. */
const JOB_POLL_MS = 2_000;

function fail(message: string): never {
  process.stderr.write(`roster: ${message}\n`);
  process.exit(1);
}

/** Reads the certificate and key now, so a missing file or a key that does not fit the certificate is a
 *  clear message rather than a TLS stack trace from inside Fastify. */
function checkTls(tls: NonNullable<Config['tls']>): void {
  const read = (name: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (e) {
      return fail(`${name} ${file} cannot be read: ${describeError(e)}`);
    }
  };
  const cert = read('TLS_CERT_FILE', tls.certFile);
  const key = read('TLS_KEY_FILE', tls.keyFile);
  try {
    createSecureContext({ cert, key });
  } catch (e) {
    fail(`TLS_CERT_FILE ${tls.certFile} and TLS_KEY_FILE ${tls.keyFile} are not a usable PEM certificate and key: ${describeError(e)}`);
  }
}

/** The SCIM base URL an identity provider is given: PUBLIC_URL, else the address this server really listens on
 *  (PORT=0 binds a random port), with a wildcard address named as this machine. */
function publicScimUrl(config: Config, address: AddressInfo): string {
  if (config.publicUrl) return `${config.publicUrl}/scim/v2`;
  const host = address.address === '0.0.0.0' || address.address === '::' ? 'localhost' : address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `${config.tls ? 'https' : 'http'}://${host}:${address.port}/scim/v2`;
}

function drainOnSignals(app: FastifyInstance, store: Store, metricsApp: FastifyInstance | undefined, background: Periodic[]): void {
  let closing = false;
  // While draining, responses ask the client to close the connection instead of reusing it.
  app.addHook('onSend', async (_request, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  const shutdown = async (signal: NodeJS.Signals) => {
    if (closing) {
      app.log.warn({ signal }, 'second signal: exiting without waiting for in-flight requests');
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal }, 'draining in-flight requests');
    // close() refuses new connections and waits for every open one to end. Node keeps a keep-alive
    // connection open after its last response until keepAliveTimeout (72 s in Fastify), so close each one
    // as soon as it is idle: the drain then ends with the last in-flight response.
    const sweep = setInterval(() => app.server.closeIdleConnections(), 50);
    try {
      await app.close();
      await metricsApp?.close();
      // Background work ends its current batch before the store it writes to is closed.
      await Promise.all(background.map((b) => b.stop()));
      await store.close();
    } catch (e) {
      app.log.error({ err: e }, 'shutdown failed');
      process.exit(1);
    } finally {
      clearInterval(sweep);
    }
    app.log.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void shutdown(s));
  process.on('SIGINT', (s) => void shutdown(s));
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    return fail(describeError(e));
  }
  if (config.tls) checkTls(config.tls);

  let store: Store;
  try {
    store = await openStore(config.databaseUrl);
  } catch (e) {
    return fail(`cannot open DATABASE_URL ${redactUrl(config.databaseUrl)}: ${describeError(e)}`);
  }

  const metrics = new Metrics(store);
  const app = await buildApp({ store, config, metrics });
  // There is no default password: the first operator is created from the command line.
  if (!(await hasSystemUser(store))) app.log.warn(FIRST_RUN);
  const listen = config.metrics.listen;
  const metricsApp = listen && metricsServer(metrics, config.metrics.token);
  // Re-derivations queued by `roster scim-setting update`, or left by an instance that died.
  const jobs = startJobWorker(store, (e) => app.log.error({ err: e }, 'job worker failed; retrying at its next poll'), JOB_POLL_MS);
  const maintenance = startMaintenance(store, config, (e) => app.log.error({ err: e }, 'pruning the job log and deleted target users failed; retrying within the hour'));
  drainOnSignals(app, store, metricsApp, [jobs, maintenance]);
  const listenOn = async (server: FastifyInstance, host: string, port: number) => {
    try {
      await server.listen({ host, port });
    } catch (e) {
      await maintenance.stop();
      await store.close().catch(() => undefined);
      fail(`cannot listen on ${host}:${port}: ${describeError(e)}`);
    }
  };
  await listenOn(app, config.host, config.port);
  // For the CLI's scimUrl: it runs without this server's environment. Serving SCIM does not depend on it.
  const scimUrl = publicScimUrl(config, app.server.address() as AddressInfo);
  await inTransaction(store, (tx) => recordServerInfo(tx, scimUrl)).catch((e: unknown) => app.log.warn({ err: e }, 'could not record the SCIM URL for the CLI'));
  // The metrics listener serves /metrics only, on its own address (METRICS_HOST/METRICS_PORT).
  if (metricsApp && listen) await listenOn(metricsApp, listen.host, listen.port);
}

await main();
