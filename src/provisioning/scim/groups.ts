// SCIM Groups. Membership changes go to the store as row operations; members are read only when the
// response includes them.
import {
  deleteGroup,
  findGroup,
  insertGroup,
  listGroups,
  memberChangesAreNoOps,
  updateGroup,
  type GroupRecord,
} from '../../store/scim-groups.ts';
import { membersOfGroups } from '../../store/memberships.ts';
import { projectGroupDelete, projectGroupWrite } from '../projection/groups.ts';
import { resourceService, type ResourceKind } from './kind.ts';
import { groupToWire } from './wire.ts';

const groups: ResourceKind<GroupRecord> = {
  type: 'Group',
  noun: 'group',
  toRecord: (ctx, resource, base) => ({
    ...base,
    companyId: ctx.setting.companyId,
    settingId: ctx.setting.id,
    displayName: resource.displayName as string,
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    resource,
  }),
  find: findGroup,
  insert: insertGroup,
  update: updateGroup,
  membersUnchanged: (store, record, members) => memberChangesAreNoOps(store, record.id, members),
  delete: (store, companyId, id, _at, expectedVersion) => deleteGroup(store, companyId, id, expectedVersion),
  list: listGroups,
  nameOf: (r) => r.displayName,
  project: (tx, ctx, event) =>
    event.op === 'delete' ? projectGroupDelete(tx, ctx, event.record, event.at) : projectGroupWrite(tx, ctx, event.op, event.record, event.members, event.at),
  async toWire(ctx, records, derived) {
    const members = derived ? await membersOfGroups(ctx.store, ctx.setting.companyId, records.map((r) => r.id)) : undefined;
    return records.map((g) => groupToWire(g, ctx.baseUrl, derived ? (members?.get(g.id) ?? []) : undefined));
  },
};

export const groupService = resourceService(groups);
