// SCIM settings: a company's connection to one IdP — its token, field mappings and grouping rules.
// The mappings and grouping are stored and validated here; the provisioning rules give them effect.
import { randomUUID } from 'node:crypto';
import { parsePath } from '../scim/filter/parser.ts';
import { AdminError } from '../directory/errors.ts';
import { requireCompany } from '../directory/companies.ts';
import { inTransaction, type Store } from '../store/open.ts';
import {
  findScimSetting,
  findScimSettingByTokenHash,
  insertScimSetting,
  listScimSettings,
  replaceToken,
  revokeScimSetting,
  setRateLimit,
  type FieldMapping,
  type ScimSettingRow,
} from '../store/scim-settings.ts';
import { hashToken, issueToken, sameHash } from './tokens.ts';

export interface NewScimSetting {
  companyId: string;
  name: string;
  /** FIELD=EXPR: a platform field and the SCIM attribute path it is filled from. */
  mappings?: string[];
  groupName?: string;
  groupBy?: string;
  syncGroups?: boolean;
  /** Requests per second for this setting's token; null or absent = the server default, 0 = unlimited. */
  rateLimit?: number | null;
}

/** The largest per-setting rate limit, as for SCIM_RATE_LIMIT. */
export const MAX_RATE_LIMIT = 1_000_000;

export type { ScimSettingRow };

export function parseMapping(text: string): FieldMapping {
  const eq = text.indexOf('=');
  const field = text.slice(0, eq).trim();
  const expression = text.slice(eq + 1).trim();
  if (eq < 0 || !field || !expression) {
    throw new AdminError('invalid', `Mapping "${text}" must look like FIELD=EXPR, e.g. department=urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department`);
  }
  const path = parsePath(expression);
  if (!path.ok) throw new AdminError('invalid', `Mapping "${text}": ${path.error.detail}`);
  return { field, expression };
}

export async function createScimSetting(
  store: Store,
  input: NewScimSetting,
  now = new Date(),
): Promise<{ setting: ScimSettingRow; token: string }> {
  await requireCompany(store, input.companyId);
  const name = input.name.trim();
  if (!name) throw new AdminError('invalid', 'SCIM setting name must not be empty');
  const mappings = (input.mappings ?? []).map(parseMapping);
  const duplicate = mappings.find((m, i) => mappings.findIndex((n) => n.field === m.field) !== i);
  if (duplicate) throw new AdminError('invalid', `Field "${duplicate.field}" is mapped twice`);
  const rateLimit = checkedRateLimit(input.rateLimit ?? null);
  const issued = issueToken();
  const setting: ScimSettingRow = {
    id: randomUUID(),
    companyId: input.companyId,
    name,
    tokenPrefix: issued.prefix,
    mappings,
    groupName: input.groupName?.trim() || null,
    groupBy: input.groupBy?.trim() || null,
    syncGroups: input.syncGroups ?? false,
    createdAt: now.toISOString(),
    rotatedAt: null,
    revokedAt: null,
    rateLimit,
    testMode: false,
  };
  try {
    await inTransaction(store, (tx) => insertScimSetting(tx, setting, issued.hash));
  } catch (e) {
    if (store.dialect.isUniqueViolation(e)) throw new AdminError('conflict', `The company already has a SCIM setting named "${name}"`);
    throw e;
  }
  return { setting, token: issued.token };
}

function checkedRateLimit(limit: number | null): number | null {
  if (limit !== null && (!Number.isSafeInteger(limit) || limit < 0 || limit > MAX_RATE_LIMIT)) {
    throw new AdminError('invalid', `A rate limit is a whole number of requests per second from 0 (unlimited) to ${MAX_RATE_LIMIT}, got ${limit}`);
  }
  return limit;
}

/** Sets the requests per second the setting's token may send (null = the server default), from its next request
 *  on every instance (each reads the setting with every request). */
export async function setScimRateLimit(store: Store, id: string, rateLimit: number | null): Promise<ScimSettingRow> {
  const limit = checkedRateLimit(rateLimit);
  return inTransaction(store, async (tx) => {
    const setting = await requireScimSetting(tx, id);
    if (setting.revokedAt || !(await setRateLimit(tx, id, limit))) throw new AdminError('conflict', `SCIM setting ${id} is revoked; create a new one`);
    return { ...setting, rateLimit: limit };
  });
}

export async function requireScimSetting(store: Store, id: string): Promise<ScimSettingRow> {
  const setting = await findScimSetting(store, id);
  if (!setting) throw new AdminError('notFound', `No SCIM setting with id ${id}`);
  return setting;
}

export async function listCompanyScimSettings(store: Store, companyId: string): Promise<ScimSettingRow[]> {
  await requireCompany(store, companyId);
  return listScimSettings(store, companyId);
}

/** A new token; the old one stops working at once (the hash is replaced in one UPDATE). */
export async function rotateScimToken(store: Store, id: string, now = new Date()): Promise<{ setting: ScimSettingRow; token: string }> {
  const issued = issueToken();
  const setting = await inTransaction(store, async (tx) => {
    const found = await requireScimSetting(tx, id);
    if (found.revokedAt) throw new AdminError('conflict', `SCIM setting ${id} is revoked; create a new one`);
    if (!(await replaceToken(tx, id, issued.hash, issued.prefix, now.toISOString()))) {
      throw new AdminError('conflict', `SCIM setting ${id} was revoked meanwhile`);
    }
    return found;
  });
  return { setting: { ...setting, tokenPrefix: issued.prefix, rotatedAt: now.toISOString() }, token: issued.token };
}

export async function revokeScimToken(store: Store, id: string, now = new Date()): Promise<ScimSettingRow> {
  return inTransaction(store, async (tx) => {
    const setting = await requireScimSetting(tx, id);
    if (setting.revokedAt) throw new AdminError('conflict', `SCIM setting ${id} was already revoked at ${setting.revokedAt}`);
    await revokeScimSetting(tx, id, now.toISOString());
    return { ...setting, revokedAt: now.toISOString() };
  });
}

/** The setting a bearer token belongs to, or undefined for a missing, wrong or revoked token. */
export async function authenticate(store: Store, token: string): Promise<ScimSettingRow | undefined> {
  const hash = hashToken(token);
  const found = await findScimSettingByTokenHash(store, hash);
  return found && sameHash(found.tokenHash, hash) ? found.setting : undefined;
}
