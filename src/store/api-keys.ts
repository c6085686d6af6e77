// API keys: bearer keys for scripts, one company and one role each. Only the key's SHA-256 is stored, beside
// a short prefix an admin can tell keys apart by.
import type { Selectable } from 'kysely';
import type { Store } from './open.ts';
import type { ApiKeysTable } from './schema.ts';

export interface ApiKeyRow {
  id: string;
  companyId: string;
  name: string;
  role: string;
  prefix: string;
  createdAt: string;
  createdBy: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const toRow = (r: Selectable<ApiKeysTable>): ApiKeyRow => ({
  id: r.id,
  companyId: r.company_id,
  name: r.name,
  role: r.role,
  prefix: r.prefix,
  createdAt: r.created_at,
  createdBy: r.created_by,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

export async function insertApiKey({ db }: Store, k: ApiKeyRow & { keyHash: string }): Promise<void> {
  await db
    .insertInto('api_keys')
    .values({ id: k.id, company_id: k.companyId, name: k.name, role: k.role, prefix: k.prefix, key_hash: k.keyHash, created_at: k.createdAt, created_by: k.createdBy, last_used_at: k.lastUsedAt, revoked_at: k.revokedAt })
    .execute();
}

/** Oldest first. A company has a handful of keys. */
export async function listApiKeyRows({ db }: Store, companyId: string): Promise<ApiKeyRow[]> {
  return (await db.selectFrom('api_keys').selectAll().where('company_id', '=', companyId).orderBy('id').execute()).map(toRow);
}

export async function findApiKey({ db }: Store, companyId: string, id: string): Promise<ApiKeyRow | undefined> {
  const r = await db.selectFrom('api_keys').selectAll().where('company_id', '=', companyId).where('id', '=', id).executeTakeFirst();
  return r && toRow(r);
}

/** The unrevoked key with this hash (a deleted company's keys are gone with it: on delete cascade). */
export async function findLiveApiKeyByHash({ db }: Store, keyHash: string): Promise<ApiKeyRow | undefined> {
  const r = await db.selectFrom('api_keys').selectAll().where('key_hash', '=', keyHash).where('revoked_at', 'is', null).executeTakeFirst();
  return r && toRow(r);
}

/** false when it was revoked already (another request was first). */
export async function revokeApiKeyRow({ db }: Store, id: string, at: string): Promise<boolean> {
  const r = await db.updateTable('api_keys').set({ revoked_at: at }).where('id', '=', id).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

export async function recordApiKeyUse({ db }: Store, id: string, at: string): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', id).execute();
}
