// Request statistics per SCIM setting, for `roster scim-setting status`: when the IdP last called, which IdP
// it was, how many requests succeeded and failed over the last 24 hours, and the last error. Not the job log
// (every provisioning request with its details): that is a table of its own, later.
//
// Recorded after the response is sent, straight into the database (several stateless instances share it;
// nothing is buffered in a process that may die). Per request: one upsert of an hourly counter; the last-seen
// columns are written at most every SEEN_INTERVAL_MS per setting (or when the User-Agent changes), and the
// last-error columns on each failure.
import { AdminError } from '../directory/errors.ts';
import type { Store } from '../store/open.ts';
import {
  countScimRequest,
  markScimSettingSeen,
  pruneScimRequestStats,
  readScimSettingActivity,
  recordScimSettingError,
} from '../store/scim-request-stats.ts';
import type { LastSeen } from '../store/scim-settings.ts';
import { requireScimSetting } from './scim-settings.ts';

export const SEEN_INTERVAL_MS = 5_000;
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
  /** As read with the setting when the request was authenticated. */
  lastSeen: LastSeen;
  at: Date;
  method: string;
  /** The request URL; its query string (filters name people) is dropped here. */
  url: string;
  userAgent: string | undefined;
  status: number;
  /** The SCIM error the response carried, when it was one. */
  error?: { scimType: string | undefined; detail: string } | undefined;
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The start of the UTC hour `at` falls in, as stored in scim_request_stats.hour. */
export const hourOf = (at: Date): string => new Date(Math.floor(at.getTime() / HOUR_MS) * HOUR_MS).toISOString();

export async function recordScimRequest(store: Store, r: ScimRequestOutcome): Promise<void> {
  const at = r.at.toISOString();
  const failed = r.status >= 400;
  const userAgent = r.userAgent?.trim() ? clip(r.userAgent.trim(), MAX_USER_AGENT) : null;

  const stale = r.lastSeen.at === null || r.at.getTime() - Date.parse(r.lastSeen.at) >= SEEN_INTERVAL_MS;
  if (stale || r.lastSeen.userAgent !== userAgent) {
    await markScimSettingSeen(store, r.settingId, at, userAgent, new Date(r.at.getTime() - SEEN_INTERVAL_MS).toISOString());
  }

  if (failed) {
    await recordScimSettingError(store, r.settingId, {
      at,
      status: r.status,
      scimType: r.error?.scimType ?? null,
      detail: r.error ? clip(r.error.detail, MAX_DETAIL) : null,
      method: r.method,
      path: clip(r.url.split('?')[0] ?? '', MAX_PATH),
    });
  }

  // Counted last, so a status that shows the request also shows its last-seen and error.
  const total = await countScimRequest(store, r.settingId, hourOf(r.at), failed);
  // The first request of an hour for this setting: drop what no status reads any more.
  if (total === 1) await pruneScimRequestStats(store, r.settingId, hourOf(new Date(r.at.getTime() - RETENTION_HOURS * HOUR_MS)));
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
  last24Hours: { since: string; succeeded: number; failed: number };
  lastError: { at: string; status: number; scimType: string | null; detail: string | null; method: string; path: string } | null;
}

/**
 * What an admin checks when provisioning misbehaves. `last24Hours` counts the current UTC hour and the 23
 * before it (hourly buckets), from `since` on. `lastRequestAt` is exact to SEEN_INTERVAL_MS.
 */
export async function scimSettingStatus(store: Store, id: string, now = new Date()): Promise<ScimSettingStatus> {
  const setting = await requireScimSetting(store, id);
  const since = hourOf(new Date(now.getTime() - 23 * HOUR_MS));
  const activity = await readScimSettingActivity(store, id, since);
  if (!activity) throw new AdminError('notFound', `No SCIM setting with id ${id}`);
  return {
    id: setting.id,
    companyId: setting.companyId,
    name: setting.name,
    revokedAt: setting.revokedAt,
    lastRequestAt: activity.lastSeenAt,
    identityProvider: identityProviderOf(activity.lastUserAgent),
    userAgent: activity.lastUserAgent,
    last24Hours: { since, succeeded: activity.succeeded, failed: activity.failed },
    lastError: activity.lastError,
  };
}
