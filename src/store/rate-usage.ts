// How many SCIM requests each server instance accepted per token and second, so that instances sharing a
// database hold a token's rate limit together. Each instance writes its counts and reads the others' about
// once a second (provisioning/rate-limits/token-limits.ts): no statement per request.
import { chunks } from './chunks.ts';
import type { Store } from './open.ts';

export interface AcceptedCount {
  settingId: string;
  /** Unix seconds. */
  second: number;
  accepted: number;
}

export interface OthersUsage {
  /** Requests the other instances accepted in that second. */
  accepted: number;
  /** How many other instances accepted any. */
  instances: number;
}

/** Adds this instance's counts (an additive upsert: a retried flush after a failure adds, never replaces). */
export async function addAcceptedCounts(store: Store, instanceId: string, counts: AcceptedCount[]): Promise<void> {
  // Four parameters per row.
  for (const slice of chunks(counts, 4)) {
    await store.db
      .insertInto('scim_rate_usage')
      .values(slice.map((c) => ({ scim_setting_id: c.settingId, second: c.second, instance_id: instanceId, accepted: c.accepted })))
      .onConflict((oc) =>
        oc.columns(['second', 'scim_setting_id', 'instance_id']).doUpdateSet((eb) => ({
          accepted: eb('scim_rate_usage.accepted', '+', eb.ref('excluded.accepted')),
        })),
      )
      .execute();
  }
}

/** What the other instances accepted per setting in `second` (a primary-key range). */
export async function readOthersUsage(store: Store, instanceId: string, second: number): Promise<Map<string, OthersUsage>> {
  const rows = await store.db
    .selectFrom('scim_rate_usage')
    .select((eb) => ['scim_setting_id', eb.fn.sum<number | string>('accepted').as('accepted'), eb.fn.countAll<number | string>().as('instances')])
    .where('second', '=', second)
    .where('instance_id', '<>', instanceId)
    .groupBy('scim_setting_id')
    .execute();
  // pg returns SUM and COUNT as bigint strings.
  return new Map(rows.map((r) => [r.scim_setting_id, { accepted: Number(r.accepted), instances: Number(r.instances) }]));
}

/** Drops the seconds before `second`. */
export async function pruneUsage(store: Store, second: number): Promise<void> {
  await store.db.deleteFrom('scim_rate_usage').where('second', '<', second).execute();
}
