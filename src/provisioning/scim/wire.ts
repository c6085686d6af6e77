// Stored records → the SCIM wire form (RFC 7643 §3.1): id, the resource as pushed, derived attributes, meta.
import type { MemberRef } from '../../store/memberships.ts';
import type { GroupRecord } from '../../store/scim-groups.ts';
import type { UserRecord } from '../../store/scim-users.ts';
import { etagOf } from './context.ts';

function meta(resourceType: 'User' | 'Group', r: UserRecord | GroupRecord, baseUrl: string) {
  return {
    resourceType,
    created: r.createdAt,
    lastModified: r.updatedAt,
    location: `${baseUrl}/${resourceType}s/${r.id}`,
    version: etagOf(r.version),
  };
}

const refs = (baseUrl: string, endpoint: 'Users' | 'Groups', list: readonly MemberRef[]) =>
  list.map((m) => ({ value: m.value, $ref: `${baseUrl}/${endpoint}/${m.value}`, display: m.display }));

export function userToWire(u: UserRecord, baseUrl: string, groups: readonly MemberRef[] | undefined): Record<string, unknown> {
  const { schemas, ...rest } = u.resource;
  return {
    schemas,
    id: u.id,
    ...rest,
    ...(groups && groups.length ? { groups: refs(baseUrl, 'Groups', groups).map((g) => ({ ...g, type: 'direct' })) } : {}),
    meta: meta('User', u, baseUrl),
  };
}

export function groupToWire(g: GroupRecord, baseUrl: string, members: readonly MemberRef[] | undefined): Record<string, unknown> {
  const { schemas, ...rest } = g.resource;
  return {
    schemas,
    id: g.id,
    ...rest,
    ...(members ? { members: refs(baseUrl, 'Users', members).map((m) => ({ ...m, type: 'User' })) } : {}),
    meta: meta('Group', g, baseUrl),
  };
}
