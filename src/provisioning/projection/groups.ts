// A SCIM Group write, carried into the platform's groups when the setting synchronises IdP groups: the
// platform group has the IdP group's name and the target users of its members, kept in step with every
// member change. An IdP group becomes a platform group only once it has a member. With synchronisation off
// the SCIM group is stored and answered as always, and the job log says once, when it is created, that it
// does not become a platform group.
import type { MemberChange } from '../../scim/patch/apply.ts';
import type { Store } from '../../store/open.ts';
import type { GroupRecord } from '../../store/scim-groups.ts';
import { addIdpMembers, clearIdpMembers, dropIdpGroup, idpGroupOf, linkIdpGroup, removeIdpMembers, renameGroup } from '../../store/target-group-sync.ts';
import { targetUsersOfScimUsers } from '../../store/target-users.ts';
import type { ScimContext } from '../scim/context.ts';
import type { JobNote } from './note.ts';

const note = (record: Pick<GroupRecord, 'displayName'>, detail: string, warning = false): JobNote => ({
  targetUserId: null,
  userName: record.displayName,
  email: null,
  outcome: warning ? 'warning' : 'success',
  detail,
});

const memberIds = (changes: readonly MemberChange[]) => changes.flatMap((c) => (c.op === 'removeAll' ? [] : c.ids));

export async function projectGroupWrite(
  tx: Store,
  ctx: ScimContext,
  op: 'create' | 'replace' | 'patch',
  record: GroupRecord,
  members: readonly MemberChange[],
  at: string,
): Promise<JobNote> {
  const { setting } = ctx;
  if (!setting.syncGroups) {
    return note(
      record,
      op === 'create'
        ? `Stored SCIM group "${record.displayName}" for the identity provider; group synchronisation is off for this setting, so it does not become a platform group.`
        : `Updated SCIM group "${record.displayName}".`,
    );
  }
  const targets = await targetUsersOfScimUsers(tx, memberIds(members));
  const mapped = (ids: readonly string[]) => ids.map((id) => targets.get(id)).filter((id): id is string => id !== undefined);
  let group = await idpGroupOf(tx, record.id);
  const adds = members.some((c) => (c.op === 'add' || c.op === 'replace') && mapped(c.ids).length > 0);
  if (!group && !adds) return note(record, `Stored SCIM group "${record.displayName}"; it becomes a platform group once it has members.`);
  if (setting.testMode) return note(record, `Test mode: would synchronise platform group "${record.displayName}"; nothing was changed.`);
  const warnings: string[] = [];
  if (!group) {
    const id = await linkIdpGroup(tx, { companyId: setting.companyId, scimGroupId: record.id, name: record.displayName, settingId: setting.id, now: at });
    group = { id, name: record.displayName };
  } else if (group.name !== record.displayName && !(await renameGroup(tx, setting.companyId, group.id, record.displayName, at))) {
    warnings.push(`Platform group "${group.name}" keeps its name: another group of the company is already called "${record.displayName}".`);
  }
  for (const change of members) {
    if (change.op === 'add') await addIdpMembers(tx, setting.companyId, group.id, mapped(change.ids), setting.id);
    else if (change.op === 'remove') await removeIdpMembers(tx, group.id, mapped(change.ids));
    else {
      await clearIdpMembers(tx, group.id);
      if (change.op === 'replace') await addIdpMembers(tx, setting.companyId, group.id, mapped(change.ids), setting.id);
    }
  }
  const verb = op === 'create' ? 'Created' : 'Synchronised';
  return note(record, [`${verb} platform group "${record.displayName}" from the identity provider.`, ...warnings].join(' '), warnings.length > 0);
}

export async function projectGroupDelete(tx: Store, ctx: ScimContext, record: GroupRecord, at: string): Promise<JobNote> {
  if (ctx.setting.testMode) return note(record, `Test mode: would delete platform group "${record.displayName}"; nothing was changed.`);
  const dropped = await dropIdpGroup(tx, record.id, at);
  return note(record, dropped ? `Deleted platform group "${dropped}"; its users stay.` : `Deleted SCIM group "${record.displayName}".`);
}
