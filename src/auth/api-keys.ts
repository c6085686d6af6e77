// API keys for scripts: `Authorization: Bearer rk_<prefix>_<secret>`, one company and one role each. The key
// is shown once; only its SHA-256 is stored, beside the prefix that tells keys apart in a listing.
import { randomBytes } from 'node:crypto';
import type { Actor } from '../directory/audit.ts';
import { requireCompany } from '../directory/companies.ts';
import { AdminError } from '../directory/errors.ts';
import { findApiKey, findLiveApiKeyByHash, insertApiKey, listApiKeyRows, recordApiKeyUse, revokeApiKeyRow, type ApiKeyRow } from '../store/api-keys.ts';
import { appendAudit } from '../store/audit-log.ts';
import { newId } from '../store/ids.ts';
import { inTransaction, type Store } from '../store/open.ts';
import type { Principal } from './principal.ts';
import { randomSecret, sha256 } from './secrets.ts';

export interface ApiKeyJson {
  id: string;
  companyId: string;
  name: string;
  role: 'admin' | 'viewer';
  /** `rk_<prefix>`: the key's start, enough to recognise it. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  /** The audit actor that created it. */
  createdBy: string;
}

const KEY_PATTERN = /^rk_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$/;
const API_KEY_ROLES = ['admin', 'viewer'] as const;
const NAME_MAX_LENGTH = 100;
/** last_used_at is written at most this often: a key's use is no write per request. */
const USE_RECORD_MS = 60_000;

const keyJson = (k: ApiKeyRow): ApiKeyJson => ({
  id: k.id,
  companyId: k.companyId,
  name: k.name,
  role: k.role as ApiKeyJson['role'],
  prefix: k.prefix,
  createdAt: k.createdAt,
  lastUsedAt: k.lastUsedAt,
  revokedAt: k.revokedAt,
  createdBy: k.createdBy,
});

const audited = (k: ApiKeyRow) => ({ name: k.name, role: k.role, prefix: k.prefix, revokedAt: k.revokedAt });

/** A new key for the company (role admin unless told viewer); `key` is shown this once only. */
export async function createApiKey(
  store: Store,
  input: { companyId: string; name?: string | undefined; role?: 'admin' | 'viewer' | undefined },
  actor: Actor,
  now = new Date(),
): Promise<{ key: string; apiKey: ApiKeyJson }> {
  const role = input.role ?? 'admin';
  if (!API_KEY_ROLES.includes(role)) throw new AdminError('invalid', `An API key's role is admin or viewer, got "${role}"`, 'role');
  const hex = randomBytes(4).toString('hex');
  const key = `rk_${hex}_${randomSecret()}`;
  const name = input.name?.trim() || `API key rk_${hex}`;
  if (name.length > NAME_MAX_LENGTH) throw new AdminError('invalid', `An API key's name has at most ${NAME_MAX_LENGTH} characters`, 'name');
  const row: ApiKeyRow = { id: newId(now.getTime()), companyId: input.companyId, name, role, prefix: `rk_${hex}`, createdAt: now.toISOString(), createdBy: actor.actor, lastUsedAt: null, revokedAt: null };
  await inTransaction(store, async (tx) => {
    await requireCompany(tx, input.companyId);
    await insertApiKey(tx, { ...row, keyHash: sha256(key) });
    await appendAudit(tx, { id: newId(now.getTime()), companyId: row.companyId, at: row.createdAt, ...actor, entity: 'api-key', entityId: row.id, operation: 'create', oldValue: null, newValue: audited(row) });
  });
  return { key, apiKey: keyJson(row) };
}

/** The company's keys, revoked ones included, oldest first. */
export async function listApiKeys(store: Store, companyId: string): Promise<ApiKeyJson[]> {
  await requireCompany(store, companyId);
  return (await listApiKeyRows(store, companyId)).map(keyJson);
}

/** The key stops working at once, on every instance. A second revoke is a conflict; another company's key is not found. */
export async function revokeApiKey(store: Store, companyId: string, id: string, actor: Actor, now = new Date()): Promise<ApiKeyJson> {
  return inTransaction(store, async (tx) => {
    const before = await findApiKey(tx, companyId, id);
    if (!before) throw new AdminError('notFound', `No API key with id ${id} in company ${companyId} (roster api-key list shows them)`);
    const at = now.toISOString();
    if (!(await revokeApiKeyRow(tx, id, at))) throw new AdminError('conflict', `API key ${before.name} (${id}) was already revoked at ${before.revokedAt}`);
    const after = { ...before, revokedAt: at };
    await appendAudit(tx, { id: newId(now.getTime()), companyId, at, ...actor, entity: 'api-key', entityId: id, operation: 'revoke', oldValue: audited(before), newValue: audited(after) });
    return keyJson(after);
  });
}

/** The principal of a bearer key, or undefined: malformed, unknown, revoked, or its company deleted. Records
 *  the use at most once a minute. */
export async function apiKeyPrincipal(store: Store, key: string, now = new Date()): Promise<Principal | undefined> {
  if (!KEY_PATTERN.test(key)) return undefined;
  const k = await findLiveApiKeyByHash(store, sha256(key));
  if (!k) return undefined;
  if (k.lastUsedAt === null || now.getTime() - Date.parse(k.lastUsedAt) >= USE_RECORD_MS) {
    await inTransaction(store, (tx) => recordApiKeyUse(tx, k.id, now.toISOString()));
  }
  return { kind: 'apiKey', id: k.id, name: k.name, role: k.role as ApiKeyJson['role'], companyId: k.companyId };
}
