// Per SCIM token (per setting): a token bucket of `limit` requests per second with a burst of BURST_SECONDS
// of it. Instances that share a database hold the limit together without a statement per request: each
// counts what it accepted per second in memory, and about once a second writes those counts and reads what
// the other instances accepted two seconds ago (a second they have all written by then). It then leaves the
// others what they used, keeping at least an equal share for itself:
//
//   own rate = max(limit − others' accepted, limit / instances)
//
// In steady traffic the sum holds at the limit; for the first two seconds after traffic shifts between
// instances each still allows what it saw last, so the sum can briefly reach instances × (limit + burst).
import { randomUUID } from 'node:crypto';
import { inTransaction, type Store } from '../../store/open.ts';
import { addAcceptedCounts, pruneUsage, readOthersUsage, type AcceptedCount, type OthersUsage } from '../../store/rate-usage.ts';
import { RecentMap } from './recent-map.ts';
import { TokenBucket } from './token-bucket.ts';

/** A full bucket holds this many seconds of the rate. */
const BURST_SECONDS = 2;
/** Instances read the second this long ago: every instance has written it by then (they write every second). */
const SHARED_AFTER_SECONDS = 2;
/** Seconds of usage kept in the database. */
const KEPT_SECONDS = 10;
/** Settings tracked at most; an idle one is forgotten after IDLE_MS, by then its bucket is full anyway. */
const MAX_TRACKED = 10_000;
const IDLE_MS = 60_000;

export interface LimitedSetting {
  id: string;
  /** Requests per second; null = the server default, 0 = unlimited. */
  rateLimit: number | null;
}

export interface TokenLimitsOptions {
  /** Requests per second for settings without a limit of their own; 0 = unlimited. */
  defaultLimit: number;
  now: () => Date;
  exchangeIntervalMs?: number;
  /** Told when an exchange fails; the counts are kept and written with the next. */
  onExchangeError?: (error: unknown) => void;
}

interface Tracked {
  limit: number;
  bucket: TokenBucket;
}

const second = (ms: number) => Math.floor(ms / 1000);

export class TokenLimits {
  private readonly instanceId = randomUUID();
  private readonly tracked = new RecentMap<string, Tracked>(MAX_TRACKED, IDLE_MS);
  /** Accepted requests not yet written, per setting and second. */
  private pending = new Map<string, Map<number, number>>();
  /** What the other instances accepted, from the last exchange. */
  private others = new Map<string, OthersUsage>();
  private exchanging: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly options: TokenLimitsOptions,
  ) {
    this.timer = setInterval(() => void this.exchange(), options.exchangeIntervalMs ?? 1_000);
    this.timer.unref();
  }

  /** The limit that applies to the setting's token, in requests per second; 0 = unlimited. */
  limitOf(setting: LimitedSetting): number {
    return setting.rateLimit ?? this.options.defaultLimit;
  }

  /** Admits one request with the setting's token: 0 when it may go ahead, else the seconds to wait. */
  admit(setting: LimitedSetting): number {
    const limit = this.limitOf(setting);
    if (limit === 0) return 0;
    const now = this.options.now().getTime();
    const t = this.tracked.use(setting.id, now, () => ({ limit, bucket: this.bucket(setting.id, limit, now) }));
    // The limit was changed with `roster scim-setting update`: it applies from this request on.
    if (t.limit !== limit) {
      t.limit = limit;
      this.reshape(setting.id, t, now);
    }
    const wait = t.bucket.take(now);
    if (wait === 0) this.count(setting.id, second(now));
    return wait;
  }

  /** Writes this instance's counts, reads the others' and adjusts every bucket. Exchanges run one at a time. */
  exchange(): Promise<void> {
    this.exchanging = this.exchanging.then(() => this.write());
    return this.exchanging;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.exchanging;
  }

  private bucket(settingId: string, limit: number, now: number): TokenBucket {
    const rate = this.rateOf(settingId, limit);
    return new TokenBucket(rate, capacityOf(rate), now);
  }

  private rateOf(settingId: string, limit: number): number {
    const others = this.others.get(settingId);
    return others ? Math.max(limit - others.accepted, limit / (others.instances + 1)) : limit;
  }

  private reshape(settingId: string, t: Tracked, now: number): void {
    const rate = this.rateOf(settingId, t.limit);
    t.bucket.reshape(rate, capacityOf(rate), now);
  }

  private count(settingId: string, s: number, accepted = 1): void {
    let seconds = this.pending.get(settingId);
    if (!seconds) this.pending.set(settingId, (seconds = new Map()));
    seconds.set(s, (seconds.get(s) ?? 0) + accepted);
  }

  private async write(): Promise<void> {
    const now = this.options.now().getTime();
    const counts: AcceptedCount[] = [...this.pending].flatMap(([settingId, seconds]) =>
      [...seconds].map(([s, accepted]) => ({ settingId, second: s, accepted })),
    );
    this.pending = new Map();
    try {
      if (counts.length) {
        await inTransaction(this.store, async (tx) => {
          await addAcceptedCounts(tx, this.instanceId, counts);
          await pruneUsage(tx, second(now) - KEPT_SECONDS);
        });
      }
    } catch (e) {
      // One transaction, written whole or not at all: the batch is counted again with the next exchange, but
      // only the seconds the others will still read, so a database outage does not grow it without end.
      for (const c of counts) if (c.second >= second(now) - SHARED_AFTER_SECONDS) this.count(c.settingId, c.second, c.accepted);
      this.options.onExchangeError?.(e);
      return;
    }
    try {
      if (this.tracked.size) this.others = await readOthersUsage(this.store, this.instanceId, second(now) - SHARED_AFTER_SECONDS);
    } catch (e) {
      this.options.onExchangeError?.(e);
      return;
    }
    for (const [settingId, t] of this.tracked.values()) this.reshape(settingId, t, now);
  }
}

/** At least one request fits, however small an instance's share. */
const capacityOf = (rate: number) => Math.max(1, rate * BURST_SECONDS);
