// What /metrics exposes (Prometheus text format), per process: Prometheus sums the instances. A Registry of
// our own rather than prom-client's global one, so every app (tests build many) counts only itself.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Store, StoreStats } from '../store/open.ts';

export type RateLimitReason = 'token' | 'address';

export class Metrics {
  readonly registry = new Registry();
  private readonly requests = new Histogram({
    name: 'roster_http_request_duration_seconds',
    help: 'HTTP requests by route pattern, method and status, and how long they took (the _count is the number of requests)',
    labelNames: ['route', 'method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly limited = new Counter({
    name: 'roster_rate_limited_total',
    help: 'Requests answered 429: over a token\'s rate limit (token), or from an address with too many failed tokens (address)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });
  private readonly bodyRejections = new Counter({
    name: 'roster_request_body_rejections_total',
    help: 'Request bodies refused while reading them: too large (413), empty or not JSON (400), and the like',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });
  private readonly scimRequests = new Counter({
    name: 'roster_scim_requests_total',
    help: 'Authenticated SCIM requests by SCIM setting id and outcome (success below 400, failure from 400)',
    labelNames: ['setting', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(store: Store) {
    const { pool, busyWaits } = store.stats;
    if (pool) {
      const gauge = (name: string, help: string, read: (p: ReturnType<NonNullable<StoreStats['pool']>>) => number) =>
        new Gauge({ name, help, registers: [this.registry], collect() { this.set(read(pool())); } });
      gauge('roster_db_pool_size', 'PostgreSQL connections open in the pool', (p) => p.total);
      gauge('roster_db_pool_in_use', 'PostgreSQL connections checked out of the pool', (p) => p.total - p.idle);
      gauge('roster_db_pool_waiting', 'Queries waiting for a PostgreSQL connection', (p) => p.waiting);
    }
    if (busyWaits) {
      const counter = (name: string, help: string, read: () => number) =>
        new Counter({ name, help, registers: [this.registry], collect() { this.reset(); this.inc(read()); } });
      counter('roster_sqlite_busy_waits_total', 'Times a write waited for another connection\'s SQLite write lock', () => busyWaits.count);
      counter('roster_sqlite_busy_wait_seconds_total', 'Time spent waiting for SQLite write locks', () => busyWaits.seconds);
    }
  }

  /** `route` is the route pattern (/scim/v2/Users/:id), never the URL with its ids. */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.requests.observe({ route, method, status: String(status) }, seconds);
  }

  rateLimited(reason: RateLimitReason): void {
    this.limited.inc({ reason });
  }

  bodyRejected(status: number): void {
    this.bodyRejections.inc({ status: String(status) });
  }

  scimOutcome(settingId: string, status: number): void {
    this.scimRequests.inc({ setting: settingId, outcome: status < 400 ? 'success' : 'failure' });
  }
}
