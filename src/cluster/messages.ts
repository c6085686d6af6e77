// What a cluster's primary and its workers say to each other over node:cluster's IPC channel. Every message
// names its kind in `roster`, so none is taken for one of Node's own or a library's.
import type { Worker } from 'node:cluster';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';

export type WorkerMetrics = MetricObjectWithValues<MetricValue<string>>[];

export type Message =
  /** Primary → worker: drain as on SIGTERM; `reason` is the primary's signal, or the crash loop it stops. */
  | { roster: 'drain'; reason: string }
  /** Primary → worker: send your metrics. */
  | { roster: 'metrics-request'; id: number }
  /** Worker → primary: its registry, as prom-client's JSON. */
  | { roster: 'metrics-report'; id: number; metrics: WorkerMetrics }
  /** Worker → primary: the sum over every worker, please (a scrape on the main port). */
  | { roster: 'metrics-sum-request'; id: number }
  /** Primary → worker: the sum in Prometheus text format, or why there is none. */
  | { roster: 'metrics-sum'; id: number; text?: string; error?: string };

export function isMessage<K extends Message['roster']>(m: unknown, kind: K): m is Extract<Message, { roster: K }> {
  return typeof m === 'object' && m !== null && (m as { roster?: unknown }).roster === kind;
}

/** Sends to a worker, or from a worker to its primary. A closed channel (the other side is exiting) is not an
 *  error here: that side's exit is handled where it is noticed. */
export function post(to: Worker | NodeJS.Process, message: Message): void {
  const ignore = () => undefined;
  if ('isConnected' in to) {
    if (to.isConnected()) to.send(message, ignore);
  } else if (to.connected) {
    to.send?.(message, undefined, undefined, ignore);
  }
}
