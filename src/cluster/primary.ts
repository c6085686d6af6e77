// WORKERS=N (N > 1): this process serves nothing itself. It migrates the database once, so that workers
// never race each other's migrations, then forks N workers (node:cluster) that share the port — the primary
// holds the listening socket and hands each new connection to the next worker in turn. It restarts a worker
// that dies, gives up on a crash loop, and on SIGTERM or SIGINT has every worker drain as a single server
// does, exiting once all have (0 when every one drained cleanly).
import cluster, { type Address, type Worker } from 'node:cluster';
import pino from 'pino';
import type { Config } from '../config.ts';
import { loggerOptions } from '../http/logging.ts';
import { metricsServer } from '../http/metrics-endpoint.ts';
import { listenOrFail, openStoreOrFail, warnIfFirstRun } from '../start-up.ts';
import { clusterMetrics } from './metrics.ts';
import { post } from './messages.ts';

/** A worker that exits this soon after it was forked counts towards a crash loop. */
const QUICK_EXIT_MS = 10_000;
/** Quick exits in a row that are restarted; the next one stops the server. */
const MAX_QUICK_RESTARTS = 3;
/** The first restart after a quick exit waits this long, each further one twice as long as the last. */
const RESTART_DELAY_MS = 500;

interface Slot {
  worker: Worker;
  forkedAt: number;
  listening: boolean;
}

function urlOf(address: Address, tls: boolean): string {
  const host = address.addressType === 6 ? `[${address.address}]` : address.address;
  return `${tls ? 'https' : 'http'}://${host}:${address.port}`;
}

export async function runPrimary(config: Config): Promise<void> {
  const { stream, ...options } = loggerOptions(config.logLevel);
  const log = pino(options, stream);
  const store = await openStoreOrFail(config, true);
  await warnIfFirstRun(store, log);
  await store.close();

  const slots = new Map<number, Slot>();
  const listening = () => [...slots.values()].filter((s) => s.listening).map((s) => s.worker);
  // The workers' metrics summed: served here on the separate listener, or handed to a worker scraped on the
  // main port.
  const metrics = clusterMetrics(listening);
  const listen = config.metrics.listen;
  const metricsApp = listen && metricsServer(metrics, config.metrics.token);
  if (metricsApp && listen) await listenOrFail(metricsApp, listen);

  /** Whether any worker has listened yet: until then the first worker's exit is a start-up failure. */
  let firstListened = false;
  /** Whether the primary has said that all workers listen. */
  let announced = false;
  /** Why the workers are draining: the signal, or the crash loop. */
  let draining: string | undefined;
  let exitCode = 0;
  let quickExits = 0;
  const restarts = new Set<NodeJS.Timeout>();

  const fork = () => {
    const worker = cluster.fork();
    slots.set(worker.id, { worker, forkedAt: Date.now(), listening: false });
  };
  const drain = (worker: Worker) => post(worker, { roster: 'drain', reason: draining! });
  const stopping = () => draining !== undefined;

  const finishIfDone = async () => {
    if (!stopping() || slots.size) return;
    await metricsApp?.close();
    log.info({ exitCode }, 'stopped');
    process.exit(exitCode);
  };

  const stopAll = (reason: string) => {
    if (stopping()) {
      // A second signal: each worker takes it as its own second one and exits without waiting.
      log.warn({ signal: reason }, 'second signal: stopping the workers without waiting for in-flight requests');
      exitCode = 1;
      for (const { worker } of slots.values()) worker.process.kill('SIGTERM');
      return;
    }
    draining = reason;
    for (const timer of restarts) clearTimeout(timer);
    restarts.clear();
    log.info({ reason, workers: slots.size }, 'draining the workers');
    // A worker still starting is told once it listens: before that it cannot hear the request.
    for (const worker of listening()) drain(worker);
    void finishIfDone();
  };

  cluster.on('listening', (worker, address) => {
    const slot = slots.get(worker.id);
    if (!slot) return;
    slot.listening = true;
    if (stopping()) return drain(worker);
    // The first worker listens alone, so a port that cannot be had is one message, not one per worker.
    if (!firstListened) {
      firstListened = true;
      for (let i = 1; i < config.workers; i++) fork();
    }
    if (!announced && listening().length === config.workers) {
      announced = true;
      log.info({ workers: config.workers }, `Server listening at ${urlOf(address, Boolean(config.tls))}`);
    }
  });

  cluster.on('exit', (worker, code, signal) => {
    const slot = slots.get(worker.id);
    slots.delete(worker.id);
    if (!slot) return;
    if (stopping()) {
      if (code !== 0) exitCode = 1;
      return void finishIfDone();
    }
    // The first worker could not start: it said why on stderr (a start-up failure of a single server).
    if (!firstListened) {
      if (signal) process.stderr.write(`roster: the first worker was killed by ${signal} while starting\n`);
      return process.exit(1);
    }
    const quick = Date.now() - slot.forkedAt < QUICK_EXIT_MS;
    quickExits = quick ? quickExits + 1 : 0;
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    if (quickExits > MAX_QUICK_RESTARTS) {
      const reason = `workers keep exiting within ${QUICK_EXIT_MS / 1000} s of starting (${quickExits} times in a row; the last, worker ${worker.id}, ${how}); stopping`;
      log.error({ worker: worker.id, code, signal }, reason);
      process.stderr.write(`roster: ${reason}\n`);
      exitCode = 1;
      return stopAll('crash loop');
    }
    const delay = quick ? RESTART_DELAY_MS * 2 ** (quickExits - 1) : 0;
    log.warn({ worker: worker.id, code, signal, restartInMs: delay }, `worker ${worker.id} ${how}; starting another`);
    const timer = setTimeout(() => {
      restarts.delete(timer);
      fork();
    }, delay);
    restarts.add(timer);
  });

  process.on('SIGTERM', stopAll);
  process.on('SIGINT', stopAll);
  fork();
}
