// SCIM settings: a company's connection to one IdP — its token, field mappings and grouping rules.
// The mappings and grouping are stored and validated here; the provisioning rules give them effect.
import { randomUUID } from 'node:crypto';
import { parsePath } from '../scim/filter/parser.ts';
import type { Actor } from '../directory/audit.ts';
import { AdminError } from '../directory/errors.ts';
import { requireCompany } from '../directory/companies.ts';
import { newId } from '../store/ids.ts';
import { appendAudit } from '../store/audit-log.ts';
import { customFieldsOf } from '../store/custom-fields.ts';
import { validateRules } from './rules/grouping.ts';
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
  /** Answer SCIM as usual but change no target user; the job log says what would have changed. */
  testMode?: boolean;
  /** Requests per second for this setting's token; null or absent = the server default, 0 = unlimited. */
  rateLimit?: number | null;
}

/** The largest per-setting rate limit, as for SCIM_RATE_LIMIT. */
export const MAX_RATE_LIMIT = 1_000_000;

export type { ScimSettingRow };

/** What an admin sees of a setting's rules, for the audit log. */
export const auditedRules = (s: ScimSettingRow) => ({
  name: s.name,
  mappings: s.mappings,
  groupName: s.groupName,
  groupBy: s.groupBy,
  syncGroups: s.syncGroups,
  testMode: s.testMode,
});

/** One audit row about a setting, in the transaction that made the change. Never a token or its hash:
 *  callers pass what an admin may read (the prefix at most). */
export function auditSetting(
  tx: Store,
  actor: Actor,
  setting: ScimSettingRow,
  change: { operation: string; at: string; oldValue: unknown; newValue: unknown },
): Promise<void> {
  return appendAudit(tx, { id: newId(Date.parse(change.at)), companyId: setting.companyId, ...actor, entity: 'scim-setting', entityId: setting.id, ...change });
}

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

/** The product's limit (Keepnet's API: 1–30 characters). */
export const MAX_SETTING_NAME = 30;

/**
 * A setting's name and rules, checked against what the company really has: mapped fields must be platform
 * fields or existing custom fields, expressions must name something a User can hold, grouping must name
 * department or a text custom field. `mappings` undefined keeps `current`.
 */
export async function checkedRules(
  store: Store,
  companyId: string,
  input: { name: string; mappings: string[] | undefined; groupName: string | null | undefined; groupBy: string | null | undefined; current: FieldMapping[] },
): Promise<{ name: string; mappings: FieldMapping[]; groupName: string | null; groupBy: string | null }> {
  const name = input.name.trim();
  if (!name) throw new AdminError('invalid', 'SCIM setting name must not be empty');
  if ([...name].length > MAX_SETTING_NAME) throw new AdminError('invalid', `SCIM setting name must be at most ${MAX_SETTING_NAME} characters, got ${[...name].length}`);
  const mappings = input.mappings === undefined ? input.current : input.mappings.map(parseMapping);
  const groupName = input.groupName?.trim() || null;
  const groupBy = input.groupBy?.trim() || null;
  const checked = validateRules({ mappings, groupName, groupBy }, await customFieldsOf(store, companyId));
  if (!checked.ok) throw new AdminError('invalid', checked.problems.join('; '));
  return { name, mappings, groupName, groupBy };
}

export async function createScimSetting(
  store: Store,
  input: NewScimSetting,
  actor: Actor,
  now = new Date(),
): Promise<{ setting: ScimSettingRow; token: string }> {
  await requireCompany(store, input.companyId);
  const { name, mappings, groupName, groupBy } = await checkedRules(store, input.companyId, {
    name: input.name,
    mappings: input.mappings ?? [],
    groupName: input.groupName,
    groupBy: input.groupBy,
    current: [],
  });
  const rateLimit = checkedRateLimit(input.rateLimit ?? null);
  const issued = issueToken();
  const setting: ScimSettingRow = {
    id: randomUUID(),
    companyId: input.companyId,
    name,
    tokenPrefix: issued.prefix,
    mappings,
    groupName,
    groupBy,
    syncGroups: input.syncGroups ?? false,
    createdAt: now.toISOString(),
    rotatedAt: null,
    revokedAt: null,
    rateLimit,
    testMode: input.testMode ?? false,
  };
  try {
    await inTransaction(store, async (tx) => {
      await insertScimSetting(tx, setting, issued.hash);
      const newValue = { ...auditedRules(setting), tokenPrefix: setting.tokenPrefix, rateLimit };
      await auditSetting(tx, actor, setting, { operation: 'create', at: setting.createdAt, oldValue: null, newValue });
    });
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
export async function setScimRateLimit(store: Store, id: string, rateLimit: number | null, actor: Actor, now = new Date()): Promise<ScimSettingRow> {
  const limit = checkedRateLimit(rateLimit);
  return inTransaction(store, async (tx) => {
    const setting = await requireScimSetting(tx, id);
    if (setting.revokedAt || !(await setRateLimit(tx, id, limit))) throw new AdminError('conflict', `SCIM setting ${id} is revoked; create a new one`);
    await auditSetting(tx, actor, setting, { operation: 'update', at: now.toISOString(), oldValue: { rateLimit: setting.rateLimit }, newValue: { rateLimit: limit } });
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
export async function rotateScimToken(store: Store, id: string, actor: Actor, now = new Date()): Promise<{ setting: ScimSettingRow; token: string }> {
  const issued = issueToken();
  const at = now.toISOString();
  const setting = await inTransaction(store, async (tx) => {
    const found = await requireScimSetting(tx, id);
    if (found.revokedAt) throw new AdminError('conflict', `SCIM setting ${id} is revoked; create a new one`);
    if (!(await replaceToken(tx, id, issued.hash, issued.prefix, at))) {
      throw new AdminError('conflict', `SCIM setting ${id} was revoked meanwhile`);
    }
    const oldValue = { tokenPrefix: found.tokenPrefix, rotatedAt: found.rotatedAt };
    await auditSetting(tx, actor, found, { operation: 'rotate', at, oldValue, newValue: { tokenPrefix: issued.prefix, rotatedAt: at } });
    return found;
  });
  return { setting: { ...setting, tokenPrefix: issued.prefix, rotatedAt: at }, token: issued.token };
}

export async function revokeScimToken(store: Store, id: string, actor: Actor, now = new Date()): Promise<ScimSettingRow> {
  const at = now.toISOString();
  return inTransaction(store, async (tx) => {
    const setting = await requireScimSetting(tx, id);
    if (setting.revokedAt) throw new AdminError('conflict', `SCIM setting ${id} was already revoked at ${setting.revokedAt}`);
    await revokeScimSetting(tx, id, at);
    await auditSetting(tx, actor, setting, { operation: 'revoke', at, oldValue: { revokedAt: null }, newValue: { revokedAt: at } });
    return { ...setting, revokedAt: at };
  });
}

/** The setting a bearer token belongs to, or undefined for a missing, wrong or revoked token. */
export async function authenticate(store: Store, token: string): Promise<ScimSettingRow | undefined> {
  const hash = hashToken(token);
  const found = await findScimSettingByTokenHash(store, hash);
  return found && sameHash(found.tokenHash, hash) ? found.setting : undefined;
}

/** A setting as shown to an admin: never its token or token hash. */
export function settingJson(url: string, s: ScimSettingRow) {
  return {
    id: s.id,
    companyId: s.companyId,
    name: s.name,
    tokenPrefix: s.tokenPrefix,
    scimUrl: url,
    mappings: s.mappings,
    groupName: s.groupName,
    groupBy: s.groupBy,
    syncGroups: s.syncGroups,
    testMode: s.testMode,
    createdAt: s.createdAt,
    rotatedAt: s.rotatedAt,
    revokedAt: s.revokedAt,
    rateLimit: s.rateLimit,
  };
}
