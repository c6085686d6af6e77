// What every SCIM operation needs to know about the request it serves: derived per request, never global,
// so several stateless instances can serve one database.
import type { Store } from '../../store/open.ts';
import type { ScimSettingRow } from '../../store/scim-settings.ts';

export interface ScimContext {
  store: Store;
  setting: ScimSettingRow;
  /** Base URL of the SCIM API as the client reached it, without a trailing slash, e.g. https://roster.example.com/scim/v2 */
  baseUrl: string;
  now: () => Date;
  /** The request's time budget (http/deadline.ts). */
  deadline: Deadline;
  /** The client's User-Agent, which names the identity provider in the job log. */
  userAgent?: string;
  /** The request id that 5xx details and log lines carry. */
  requestId?: string;
  /** Set once a write of this request logs a warning, so the setting's activity counts the request as warned. */
  warned?: boolean;
}

/**
 * A request's time budget. Every write transaction calls `beforeCommit()` as its last step: past the
 * deadline it throws a 503 and the transaction rolls back, so a request answered 503 has changed nothing;
 * otherwise the request is committed to answering for what it wrote, and its time-out stays silent.
 */
/** How long a client should wait before retrying a request that ran out of time. */
export const DEADLINE_RETRY_AFTER_SECONDS = 5;

export interface Deadline {
  expired(): boolean;
  beforeCommit(): void;
}

/** RFC 7644 §3.14: versions are weak ETags. */
export const etagOf = (version: number): string => `W/"${version}"`;

/** RFC 7232 If-Match / If-None-Match lists: `*` or comma-separated (weak or strong) tags. */
export function etagMatches(header: string | undefined, version: number): boolean {
  if (header === undefined) return true;
  const wanted = header.trim();
  if (wanted === '*') return true;
  const ours = String(version);
  return wanted.split(',').some((tag) => tag.trim().replace(/^W\//, '').replace(/^"|"$/g, '') === ours);
}

export interface Preconditions {
  ifMatch?: string;
}
