// The SCIM resource types and their services, with the attribute each derives from membership rows.
import type { ResourceTypeName } from '../../scim/schemas/urns.ts';
import { groupService } from './groups.ts';
import type { ResourceService } from './kind.ts';
import { userService } from './users.ts';

export const SCIM_SERVICES: Record<ResourceTypeName, { service: ResourceService; derived: 'groups' | 'members' }> = {
  User: { service: userService, derived: 'groups' },
  Group: { service: groupService, derived: 'members' },
};
