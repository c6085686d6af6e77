// Request statistics per SCIM setting, for `roster scim-setting status` and the setting's activity chart: when
// the IdP last called, which IdP it was, how many requests succeeded (of them, how many with a warning in the
// job log) and failed per hour, and the last error. The job log (every write with its details) is its own table.
//
// Writing them per request made every SCIM GET a write transaction (~14 % of a GET's CPU on SQLite, and a
// second commit per create; bench/RESULTS.md). So each process counts in memory and flushes once a
// second: per active setting one transaction that adds its counters (additive upserts, so several
// instances sharing the database add up), moves the last request on and keeps the latest error. A process
// that dies loses at most its last second of counters; a drained one (SIGTERM) flushes on close.
import { AdminError } from '../directory/errors.ts';
import { inTransaction, type Store } from '../store/open.ts';
import {
  countScimRequests,
  markScimSettingSeen,
  pruneScimRequestStats,
  readScimRequestHours,
  readScimSettingActivity,
  recordScimSettingError,
  type RequestCounts,
  type ScimRequestError,
} from '../store/scim-request-stats.ts';

const FLUSH_INTERVAL_MS = 1_000;
const HOUR_MS = 3_600_000;
/** Hourly buckets older than this are dropped when a setting opens a new bucket. */
const RETENTION_HOURS = 8 * 24;
const MAX_USER_AGENT = 256;
const MAX_DETAIL = 1_000;
const MAX_PATH = 512;
/** How much of an unknown User-Agent `identityProvider` shows. */
const SHOWN_USER_AGENT = 80;

export interface ScimRequestOutcome {
  settingId: string;
  at: Date;
  method: string;
  /** The request URL; its query string (filters name people) is dropped here. */
  url: string;
  userAgent: string | undefined;
  status: number;
  /** Whether the request succeeded with a warning in the job log (a value dropped, a rule's note). */
  warned?: boolean;
  /** The SCIM error the response carried, when it was one. */
  error?: { scimType: string | undefined; detail: string } | undefined;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The start of the UTC hour `at` falls in, as stored in scim_request_stats.hour. */
const hourOf = (at: Date): string => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS).toISOString();

/** What one setting's requests since the last flush add up to. */
interface Pending {
  /** Per hourly bucket. */
  counts: Map<string, RequestCounts>;
  seen: { at: string; userAgent: string | null };
  error: ScimRequestError | undefined;
}

export interface RecorderOptions {
  flushIntervalMs?: number;
  /** Told when a flush fails; its counters are kept and tried again with the next flush. */
  onFlushError?: (error: unknown) => void;
}

export class ScimRequestRecorder {
  private pending = new Map<string, Pending>();
  private flushing: Promise<void> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly store: Store,
    private readonly options: RecorderOptions = {},
  ) {
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  /** Adds one answered request; nothing is written until the next flush. */
  record(r: ScimRequestOutcome): void {
    const at = r.at.toISOString();
    const failed = r.status >= 400;
    const userAgent = r.userAgent?.trim() ? clip(r.userAgent.trim(), MAX_USER_AGENT) : null;
    const error = failed
      ? {
          at,
          status: r.status,
          scimType: r.error?.scimType ?? null,
          detail: r.error ? clip(r.error.detail, MAX_DETAIL) : null,
          method: r.method,
          path: clip(r.url.split('?')[0] ?? '', MAX_PATH),
        }
      : undefined;
    const counts = { succeeded: failed ? 0 : 1, warned: !failed && r.warned ? 1 : 0, failed: failed ? 1 : 0 };
    this.merge(r.settingId, { counts: new Map([[hourOf(r.at), counts]]), seen: { at, userAgent }, error });
  }

  /** Writes what was recorded so far. Flushes run one at a time. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(() => this.write());
    return this.flushing;
  }

  /** Stops the timer and writes what is left. */
  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flush();
  }

  private merge(settingId: string, add: Pending): void {
    const into = this.pending.get(settingId);
    if (!into) {
      this.pending.set(settingId, add);
      return;
    }
    for (const [hour, c] of add.counts) {
      const bucket = into.counts.get(hour) ?? { succeeded: 0, warned: 0, failed: 0 };
      into.counts.set(hour, { succeeded: bucket.succeeded + c.succeeded, warned: bucket.warned + c.warned, failed: bucket.failed + c.failed });
    }
    if (add.seen.at >= into.seen.at) into.seen = add.seen;
    if (add.error && (!into.error || add.error.at >= into.error.at)) into.error = add.error;
  }

  private async write(): Promise<void> {
    const batch = this.pending;
    this.pending = new Map();
    for (const [settingId, p] of batch) {
      try {
        await inTransaction(this.store, (tx) => writePending(tx, settingId, p));
      } catch (e) {
        // Nothing of this setting's batch was written (one transaction): keep it for the next flush.
        this.merge(settingId, p);
        this.options.onFlushError?.(e);
      }
    }
  }
}

async function writePending(store: Store, settingId: string, p: Pending): Promise<void> {
  await markScimSettingSeen(store, settingId, p.seen.at, p.seen.userAgent);
  if (p.error) await recordScimSettingError(store, settingId, p.error);
  for (const [hour, c] of p.counts) {
    const opened = await countScimRequests(store, settingId, hour, c);
    // The first requests of an hour for this setting: drop what no status reads any more.
    if (opened) await pruneScimRequestStats(store, settingId, hourOf(new Date(Date.parse(hour) - RETENTION_HOURS * HOUR_MS)));
  }
}

const KNOWN_IDPS: [RegExp, string][] = [
  // Entra's provisioning service ("Azure AD SCIM Provisioning", "Microsoft.AAD.Provisioning…").
  [/azure ?ad|azure active directory|microsoft\.aad|\bentra\b/i, 'Microsoft Entra ID'],
  [/\bokta\b/i, 'Okta'],
  [/onelogin/i, 'OneLogin'],
  [/jumpcloud/i, 'JumpCloud'],
];

/** The identity provider a User-Agent names; an unknown agent as sent (shortened); null for none. */
export function identityProviderOf(userAgent: string | null): string | null {
  if (!userAgent) return null;
  const known = KNOWN_IDPS.find(([pattern]) => pattern.test(userAgent));
  return known ? known[1] : clip(userAgent, SHOWN_USER_AGENT);
}

export interface ScimSettingStatus {
  id: string;
  companyId: string;
  name: string;
  revokedAt: string | null;
  lastRequestAt: string | null;
  identityProvider: string | null;
  userAgent: string | null;
  /** `warned` counts the requests of `succeeded` that left a warning in the job log. */
  last24Hours: { since: string; succeeded: number; warned: number; failed: number };
  lastError: { at: string; status: number; scimType: string | null; detail: string | null; method: string; path: string } | null;
}

/**
 * What an admin checks when provisioning misbehaves. `last24Hours` counts the current UTC hour and the 23
 * before it (hourly buckets), from `since` on. A request shows here within FLUSH_INTERVAL_MS of its answer.
 */
export async function scimSettingStatus(store: Store, id: string, now = new Date()): Promise<ScimSettingStatus> {
  const since = hourOf(new Date(now.getTime() - 23 * HOUR_MS));
  const activity = await readScimSettingActivity(store, id, since);
  if (!activity) throw new AdminError('notFound', `No SCIM setting with id ${id}`);
  return {
    id,
    companyId: activity.companyId,
    name: activity.name,
    revokedAt: activity.revokedAt,
    lastRequestAt: activity.lastSeenAt,
    identityProvider: identityProviderOf(activity.lastUserAgent),
    userAgent: activity.lastUserAgent,
    last24Hours: { since, succeeded: activity.succeeded, warned: activity.warned, failed: activity.failed },
    lastError: activity.lastError,
  };
}

/** Requests per hour over the last `days` days (at most the 8 kept), every hour present, oldest first. */
export async function scimSettingHourly(store: Store, id: string, days = 7, now = new Date()): Promise<({ hour: string } & RequestCounts)[]> {
  const hours = Math.min(days, RETENTION_HOURS / 24) * 24;
  const first = Date.parse(hourOf(now)) - (hours - 1) * HOUR_MS;
  const counted = new Map((await readScimRequestHours(store, id, new Date(first).toISOString())).map((b) => [b.hour, b]));
  return Array.from({ length: hours }, (_, i) => {
    const hour = new Date(first + i * HOUR_MS).toISOString();
    return counted.get(hour) ?? { hour, succeeded: 0, warned: 0, failed: 0 };
  });
}
