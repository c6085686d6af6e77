// Changing a SCIM setting's name and rules after creation (the product makes admins create a new setting;
// Roster lets them edit), and deleting a setting. A change of rules re-derives the setting's target users
// from their stored resources as a job; switching test mode off applies what the IdP pushed meanwhile.
import { AdminError } from '../directory/errors.ts';
import type { Actor } from '../directory/audit.ts';
import { inTransaction, type Store } from '../store/open.ts';
import { deleteSettingHandingOver, updateSettingRules, type SettingRulesChange } from '../store/scim-settings.ts';
import { queueRederive } from './rederive.ts';
import { auditSetting, checkedRules, requireScimSetting, auditedRules, type ScimSettingRow } from './scim-settings.ts';

export interface SettingChange {
  name?: string;
  /** Replaces the mappings (FIELD=EXPR each); `[]` clears them. */
  mappings?: string[];
  groupName?: string | null;
  groupBy?: string | null;
  syncGroups?: boolean;
  testMode?: boolean;
}


const RULES: (keyof ScimSettingRow)[] = ['mappings', 'groupName', 'groupBy', 'syncGroups'];

export async function updateScimSetting(
  store: Store,
  id: string,
  change: SettingChange,
  actor: Actor,
  now = new Date(),
): Promise<{ setting: ScimSettingRow; jobId: string | null }> {
  return inTransaction(store, async (tx) => {
    const before = await requireScimSetting(tx, id);
    if (before.revokedAt) throw new AdminError('conflict', `SCIM setting ${id} is revoked; create a new one`);
    const rules = await checkedRules(tx, before.companyId, {
      name: change.name ?? before.name,
      mappings: change.mappings,
      groupName: change.groupName === undefined ? before.groupName : change.groupName,
      groupBy: change.groupBy === undefined ? before.groupBy : change.groupBy,
      current: before.mappings,
    });
    const after: ScimSettingRow = {
      ...before,
      name: rules.name,
      mappings: rules.mappings,
      groupName: rules.groupName,
      groupBy: rules.groupBy,
      syncGroups: change.syncGroups ?? before.syncGroups,
      testMode: change.testMode ?? before.testMode,
    };
    const changes: SettingRulesChange = {
      name: after.name,
      mappings: after.mappings,
      groupName: after.groupName,
      groupBy: after.groupBy,
      syncGroups: after.syncGroups,
      testMode: after.testMode,
    };
    try {
      if (!(await updateSettingRules(tx, id, changes))) throw new AdminError('conflict', `SCIM setting ${id} was revoked meanwhile`);
    } catch (e) {
      if (tx.dialect.isUniqueViolation(e)) throw new AdminError('conflict', `The company already has a SCIM setting named "${after.name}"`);
      throw e;
    }
    const at = now.toISOString();
    const rulesChanged = RULES.some((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    const testModeEnded = before.testMode && !after.testMode;
    const jobId = (rulesChanged && !after.testMode) || testModeEnded ? await queueRederive(tx, after, at) : null;
    await auditSetting(tx, actor, before, {
      operation: 'update',
      at,
      oldValue: auditedRules(before),
      newValue: { ...auditedRules(after), ...(jobId ? { rederiveJobId: jobId } : {}) },
    });
    return { setting: after, jobId };
  });
}

/** Deletes the setting: its token stops working, its users and groups are kept and become manually managed. */
export async function deleteScimSetting(store: Store, id: string, actor: Actor, now = new Date()): Promise<ScimSettingRow> {
  return inTransaction(store, async (tx) => {
    const setting = await requireScimSetting(tx, id);
    const at = now.toISOString();
    await deleteSettingHandingOver(tx, setting.companyId, id, at);
    await auditSetting(tx, actor, setting, { operation: 'delete', at, oldValue: auditedRules(setting), newValue: null });
    return setting;
  });
}
