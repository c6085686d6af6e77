// With WORKERS > 1, /metrics answers for the whole server rather than for whichever worker a scrape happened
// to reach (consecutive scrapes would jump between workers' counters). The primary asks every listening worker
// for its registry as JSON and adds them up with prom-client's AggregatorRegistry.aggregate: counters,
// histograms and the pool gauges summed per label set. The separate metrics listener runs in the primary; on
// the main port (METRICS_TOKEN alone) the worker that got the scrape asks the primary for the sum.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, Registry } from 'prom-client';
import type { MetricsSource } from '../http/metrics-endpoint.ts';
import { describeError } from '../describe-error.ts';
import { isMessage, post, type Message, type WorkerMetrics } from './messages.ts';

/** A worker that has not reported within this time (exiting, or stuck) is left out of the sum. */
const REPORT_TIMEOUT_MS = 2_000;
/** A scrape on the main port gives up on the primary after this time. */
const SUM_TIMEOUT_MS = 5_000;

/** Requests by id, each answered once or, after its timeout, with undefined. */
class Pending<T> {
  private next = 0;
  private readonly waiting = new Map<number, (answer: T | undefined) => void>();

  ask(send: (id: number) => void, timeoutMs: number): Promise<T | undefined> {
    const id = this.next++;
    return new Promise((resolve) => {
      const settle = (answer: T | undefined) => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(answer);
      };
      const timer = setTimeout(() => settle(undefined), timeoutMs);
      this.waiting.set(id, settle);
      send(id);
    });
  }

  answer(id: number, answer: T): void {
    this.waiting.get(id)?.(answer);
  }
}

/** The primary's side: the sum of `workers()`'s metrics, also handed to a worker that asks for it. */
export function clusterMetrics(workers: () => Worker[]): MetricsSource {
  const reports = new Pending<WorkerMetrics>();
  const source: MetricsSource = {
    contentType: Registry.PROMETHEUS_CONTENT_TYPE,
    async metrics() {
      const all = await Promise.all(workers().map((w) => reports.ask((id) => post(w, { roster: 'metrics-request', id }), REPORT_TIMEOUT_MS)));
      return AggregatorRegistry.aggregate(all.filter((m) => m !== undefined)).metrics();
    },
  };
  cluster.on('message', (worker, m: unknown) => {
    if (isMessage(m, 'metrics-report')) reports.answer(m.id, m.metrics);
    if (isMessage(m, 'metrics-sum-request')) {
      source.metrics().then(
        (text) => post(worker, { roster: 'metrics-sum', id: m.id, text }),
        (e: unknown) => post(worker, { roster: 'metrics-sum', id: m.id, error: describeError(e) }),
      );
    }
  });
  return source;
}

/** A worker's side: reports `registry` when the primary asks, and answers /metrics with the cluster's sum. */
export function workerMetrics(registry: Registry): MetricsSource {
  const sums = new Pending<Extract<Message, { roster: 'metrics-sum' }>>();
  process.on('message', (m: unknown) => {
    if (isMessage(m, 'metrics-sum')) sums.answer(m.id, m);
    // A registry that cannot be read sends nothing: the primary leaves this worker out, as it would a stuck one.
    if (isMessage(m, 'metrics-request')) registry.getMetricsAsJSON().then((metrics) => post(process, { roster: 'metrics-report', id: m.id, metrics }), () => undefined);
  });
  return {
    contentType: registry.contentType,
    async metrics() {
      const answer = await sums.ask((id) => post(process, { roster: 'metrics-sum-request', id }), SUM_TIMEOUT_MS);
      if (answer?.text === undefined) throw new Error(`the cluster primary did not sum the workers' metrics: ${answer?.error ?? `no answer within ${SUM_TIMEOUT_MS} ms`}`);
      return answer.text;
    },
  };
}
