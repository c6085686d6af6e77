import type { Store } from './open.ts';
import { prepared } from './prepared.ts';
import type { ScimSettingsTable } from './schema.ts';
import type { Selectable, Updateable } from 'kysely';

export interface FieldMapping {
  field: string;
  expression: string;
}

export interface ScimSettingRow {
  id: string;
  companyId: string;
  name: string;
  tokenPrefix: string;
  mappings: FieldMapping[];
  groupName: string | null;
  groupBy: string | null;
  syncGroups: boolean;
  createdAt: string;
  rotatedAt: string | null;
  revokedAt: string | null;
  /** Requests per second for this setting's token; null = the server default, 0 = unlimited. */
  rateLimit: number | null;
  /** SCIM requests are answered and stored, but the target-user directory is left as it is. */
  testMode: boolean;
}

function toRow(store: Store, r: Selectable<ScimSettingsTable>): ScimSettingRow {
  return {
    id: r.id,
    companyId: r.company_id,
    name: r.name,
    tokenPrefix: r.token_prefix,
    mappings: store.dialect.fromJson<FieldMapping[]>(r.mappings),
    groupName: r.group_name,
    groupBy: r.group_by,
    syncGroups: Boolean(r.sync_groups),
    createdAt: r.created_at,
    rotatedAt: r.rotated_at,
    revokedAt: r.revoked_at,
    rateLimit: r.rate_limit,
    testMode: Boolean(r.test_mode),
  };
}

export async function insertScimSetting(store: Store, s: ScimSettingRow, tokenHash: string): Promise<void> {
  await store.db
    .insertInto('scim_settings')
    .values({
      id: s.id,
      company_id: s.companyId,
      name: s.name,
      token_hash: tokenHash,
      token_prefix: s.tokenPrefix,
      mappings: store.dialect.toJson(s.mappings),
      group_name: s.groupName,
      group_by: s.groupBy,
      sync_groups: store.dialect.toBool(s.syncGroups),
      created_at: s.createdAt,
      rotated_at: null,
      revoked_at: null,
      rate_limit: s.rateLimit,
      test_mode: store.dialect.toBool(s.testMode),
    })
    .execute();
}

export async function findScimSetting(store: Store, id: string): Promise<ScimSettingRow | undefined> {
  const row = await store.db.selectFrom('scim_settings').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toRow(store, row);
}

/** The live (not revoked) setting whose token hashes to `tokenHash`, with the stored hash for a constant-time
 *  check. */
export async function findScimSettingByTokenHash(store: Store, tokenHash: string): Promise<{ setting: ScimSettingRow; tokenHash: string } | undefined> {
  const [row] = (await liveByTokenHash.run(store, { tokenHash })).rows;
  return row && { setting: toRow(store, row), tokenHash: row.token_hash };
}

// Every SCIM request authenticates through it.
const liveByTokenHash = prepared((db, a: { tokenHash: string }) =>
  db.selectFrom('scim_settings').selectAll().where('token_hash', '=', a.tokenHash).where('revoked_at', 'is', null),
);

export async function listScimSettings(store: Store, companyId: string): Promise<ScimSettingRow[]> {
  const rows = await store.db
    .selectFrom('scim_settings')
    .selectAll()
    .where('company_id', '=', companyId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => toRow(store, r));
}

/** Changes a setting that is not revoked, in one statement; false when it is revoked or unknown. */
async function updateLive(store: Store, id: string, changes: Updateable<ScimSettingsTable>): Promise<boolean> {
  const result = await store.db.updateTable('scim_settings').set(changes).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Replaces the token hash: the old token stops matching in the same statement. */
export function replaceToken(store: Store, id: string, tokenHash: string, tokenPrefix: string, now: string): Promise<boolean> {
  return updateLive(store, id, { token_hash: tokenHash, token_prefix: tokenPrefix, rotated_at: now });
}

export function revokeScimSetting(store: Store, id: string, now: string): Promise<boolean> {
  return updateLive(store, id, { revoked_at: now });
}

/** Sets the setting's rate limit (null = the server default); false when it is revoked or unknown. */
export function setRateLimit(store: Store, id: string, rateLimit: number | null): Promise<boolean> {
  return updateLive(store, id, { rate_limit: rateLimit });
}

export interface SettingRulesChange {
  name?: string;
  mappings?: FieldMapping[];
  groupName?: string | null;
  groupBy?: string | null;
  syncGroups?: boolean;
  testMode?: boolean;
}

/** Changes a live setting's name and rules; false when it is revoked or unknown. */
export function updateSettingRules(store: Store, id: string, c: SettingRulesChange): Promise<boolean> {
  return updateLive(store, id, {
    ...(c.name !== undefined ? { name: c.name } : {}),
    ...(c.mappings !== undefined ? { mappings: store.dialect.toJson(c.mappings) } : {}),
    ...(c.groupName !== undefined ? { group_name: c.groupName } : {}),
    ...(c.groupBy !== undefined ? { group_by: c.groupBy } : {}),
    ...(c.syncGroups !== undefined ? { sync_groups: store.dialect.toBool(c.syncGroups) } : {}),
    ...(c.testMode !== undefined ? { test_mode: store.dialect.toBool(c.testMode) } : {}),
  });
}

/**
 * Deletes the setting and its SCIM resources; its target users, groups and memberships are handed over to
 * manual management (kept, editable by admins). One transaction.
 */
export async function deleteSettingHandingOver(store: Store, companyId: string, id: string, at: string): Promise<void> {
  await store.db
    .updateTable('target_users')
    .set({ source_kind: 'manual', scim_setting_id: null, scim_user_id: null, updated_at: at })
    .where('company_id', '=', companyId)
    .where('scim_setting_id', '=', id)
    .execute();
  await store.db
    .updateTable('target_groups')
    .set({ source: 'manual', scim_setting_id: null, scim_group_id: null, updated_at: at })
    .where('company_id', '=', companyId)
    .where('scim_setting_id', '=', id)
    .execute();
  // No index serves this one: a setting is deleted rarely, by hand.
  await store.db.updateTable('target_group_members').set({ origin: 'manual', scim_setting_id: null }).where('scim_setting_id', '=', id).execute();
  await store.db.deleteFrom('scim_users').where('scim_setting_id', '=', id).execute();
  await store.db.deleteFrom('scim_groups').where('scim_setting_id', '=', id).execute();
  await store.db.deleteFrom('scim_settings').where('id', '=', id).execute();
}
