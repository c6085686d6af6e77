// SCIM Users: the resource the IdP pushed, kept apart from the target user the platform derives from it.
import { groupsOfUsers } from '../../store/memberships.ts';
import { deleteUser, findUser, insertUser, listUsers, updateUser, type UserRecord } from '../../store/scim-users.ts';
import { projectUserDelete, projectUserWrite } from '../projection/users.ts';
import { resourceService, type ResourceKind } from './kind.ts';
import { userToWire } from './wire.ts';

const users: ResourceKind<UserRecord> = {
  type: 'User',
  noun: 'user',
  toRecord: (ctx, resource, base) => ({
    ...base,
    companyId: ctx.setting.companyId,
    settingId: ctx.setting.id,
    userName: resource.userName as string,
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    // RFC 7643 gives `active` no default; a user the IdP pushed without it is an active user.
    active: resource.active !== false,
    resource,
  }),
  find: findUser,
  insert: (store, record) => insertUser(store, record),
  update: (store, record, expectedVersion) => updateUser(store, record, expectedVersion),
  delete: deleteUser,
  list: listUsers,
  noDerivedWhenNew: true,
  nameOf: (r) => r.userName,
  project: (tx, ctx, event) => (event.op === 'delete' ? projectUserDelete(tx, ctx, event.record, event.at) : projectUserWrite(tx, ctx, event.record, event.at)),
  async toWire(ctx, records, derived) {
    const groups = derived ? await groupsOfUsers(ctx.store, ctx.setting.companyId, records.map((r) => r.id)) : undefined;
    return records.map((u) => userToWire(u, ctx.baseUrl, groups?.get(u.id) ?? (derived ? [] : undefined)));
  },
};

export const userService = resourceService(users);
