// `npm start`: read the configuration, open the store named by DATABASE_URL (creating and migrating it),
// listen, record where it listens for the CLI, and drain on SIGTERM. With WORKERS > 1 this file runs in the
// cluster primary (cluster/primary.ts: migrates, forks, supervises) and in each worker (serves, as below).
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './http/app.ts';
import { Metrics } from './http/metrics.ts';
import { metricsServer } from './http/metrics-endpoint.ts';
import { loadConfig, type Config } from './config.ts';
import { describeError } from './describe-error.ts';
import { isMessage } from './cluster/messages.ts';
import { workerMetrics } from './cluster/metrics.ts';
import { runPrimary } from './cluster/primary.ts';
import { startJobWorker } from './provisioning/rederive.ts';
import { startMaintenance } from './provisioning/maintenance.ts';
import type { Periodic } from './provisioning/periodic.ts';
import { inTransaction, type Store } from './store/open.ts';
import { recordServerInfo } from './store/server-info.ts';
import { checkTls, fail, listenOrFail, openStoreOrFail, warnIfFirstRun } from './start-up.ts';

/** How often an instance looks for queued jobs: one indexed read. */
const JOB_POLL_MS = 2_000;

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
  const shutdown = async (why: { signal: NodeJS.Signals } | { reason: string }) => {
    if (closing) {
      // The primary passes on a Ctrl-C that reached this worker too (the terminal signals the process group).
      if (!('signal' in why)) return;
      app.log.warn(why, 'second signal: exiting without waiting for in-flight requests');
      process.exit(1);
    }
    closing = true;
    app.log.info(why, 'draining in-flight requests');
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
  process.on('SIGTERM', (signal) => void shutdown({ signal }));
  process.on('SIGINT', (signal) => void shutdown({ signal }));
  if (cluster.isWorker) {
    process.on('message', (m: unknown) => {
      if (isMessage(m, 'drain')) void shutdown({ reason: m.reason });
    });
  }
}

/** One server process: the whole server, or (`worker`, its cluster id) one of WORKERS. A worker leaves to the
 *  primary what must happen once: migrating, the first-run hint and the separate metrics listener. */
async function serve(config: Config, worker?: number): Promise<void> {
  const store = await openStoreOrFail(config, worker === undefined);
  const metrics = new Metrics(store);
  const app = await buildApp({
    store,
    config,
    metrics,
    ...(worker !== undefined ? { logBindings: { worker }, metricsSource: workerMetrics(metrics.registry) } : {}),
  });
  if (worker === undefined) await warnIfFirstRun(store, app.log);
  const listen = worker === undefined ? config.metrics.listen : undefined;
  const metricsApp = listen && metricsServer(metrics.registry, config.metrics.token);
  // Re-derivations queued by `roster scim-setting update`, or left by an instance that died.
  const jobs = startJobWorker(store, (e) => app.log.error({ err: e }, 'job worker failed; retrying at its next poll'), JOB_POLL_MS);
  const maintenance = startMaintenance(store, config, (e) => app.log.error({ err: e }, 'pruning the job log and deleted target users failed; retrying within the hour'));
  drainOnSignals(app, store, metricsApp, [jobs, maintenance]);
  const cleanUp = async () => {
    await maintenance.stop();
    await store.close();
  };
  // The primary says once where the server listens; each worker says it is up.
  const listenText = worker === undefined ? {} : { listenTextResolver: (address: string) => `worker ${worker} listening at ${address}` };
  await listenOrFail(app, { host: config.host, port: config.port, ...listenText }, cleanUp);
  // For the CLI's scimUrl: it runs without this server's environment. Serving SCIM does not depend on it.
  const scimUrl = publicScimUrl(config, app.server.address() as AddressInfo);
  await inTransaction(store, (tx) => recordServerInfo(tx, scimUrl)).catch((e: unknown) => app.log.warn({ err: e }, 'could not record the SCIM URL for the CLI'));
  // The metrics listener serves /metrics only, on its own address (METRICS_HOST/METRICS_PORT).
  if (metricsApp && listen) await listenOrFail(metricsApp, listen, cleanUp);
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    return fail(describeError(e));
  }
  if (config.tls) checkTls(config.tls);
  if (config.workers === 1) return serve(config);
  if (cluster.isPrimary) return runPrimary(config);
  return serve(config, cluster.worker!.id);
}

await main();
