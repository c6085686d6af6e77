// The SCIM Group operations. Membership changes go to the store as row operations; the members of a group
// are read only when the response asks for them.
import { isDeepStrictEqual } from 'node:util';
import { randomUUID } from 'node:crypto';
import { ScimError } from '../../scim/errors.ts';
import { applyPatch, type MemberChange } from '../../scim/patch/apply.ts';
import { parseResource, type ScimResource } from '../../scim/resource.ts';
import { deleteGroup, findGroup, insertGroup, membersOfGroups, updateGroup, type GroupRecord } from '../../store/scim-groups.ts';
import { etagMatches, type Preconditions, type ScimContext } from './context.ts';
import type { Written } from './users.ts';
import { groupToWire } from './wire.ts';

const MAX_ATTEMPTS = 5;

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: ScimError }): T {
  if (!result.ok) throw result.error;
  return result.value;
}

const notFound = (id: string) => ScimError.notFound(`No group with id "${id}" in this company`);
const preconditionFailed = (id: string) =>
  new ScimError(412, undefined, `Group "${id}" was changed since the version given in If-Match; read it again and retry`);

function record(ctx: ScimContext, resource: ScimResource, base: Pick<GroupRecord, 'id' | 'createdAt' | 'version'>): GroupRecord {
  return {
    id: base.id,
    companyId: ctx.setting.companyId,
    settingId: ctx.setting.id,
    displayName: resource.displayName as string,
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    resource,
    version: base.version,
    createdAt: base.createdAt,
    updatedAt: ctx.now().toISOString(),
  };
}

async function wire(ctx: ScimContext, g: GroupRecord, withMembers: boolean) {
  const members = withMembers ? ((await membersOfGroups(ctx.store, g.companyId, [g.id])).get(g.id) ?? []) : undefined;
  return groupToWire(g, ctx.baseUrl, members);
}

const memberIds = (members: readonly { value: string }[] | undefined) => (members ?? []).map((m) => m.value);

export async function createGroup(ctx: ScimContext, body: unknown, withMembers: boolean): Promise<Written> {
  const parsed = unwrap(parseResource('Group', body));
  const g = record(ctx, parsed.resource, { id: randomUUID(), createdAt: ctx.now().toISOString(), version: 1 });
  await insertGroup(ctx.store, g, memberIds(parsed.members));
  return { resource: await wire(ctx, g, withMembers), version: g.version };
}

export async function getGroup(ctx: ScimContext, id: string, withMembers: boolean): Promise<Written> {
  const g = await findGroup(ctx.store, ctx.setting.companyId, id);
  if (!g) throw notFound(id);
  return { resource: await wire(ctx, g, withMembers), version: g.version };
}

async function modify(
  ctx: ScimContext,
  id: string,
  pre: Preconditions,
  withMembers: boolean,
  change: (current: GroupRecord) => { resource: ScimResource; members: readonly MemberChange[] },
): Promise<Written> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await findGroup(ctx.store, ctx.setting.companyId, id);
    if (!current) throw notFound(id);
    if (!etagMatches(pre.ifMatch, current.version)) throw preconditionFailed(id);
    const next = change(current);
    if (!next.members.length && isDeepStrictEqual(next.resource, current.resource)) {
      return { resource: await wire(ctx, current, withMembers), version: current.version };
    }
    const updated = record(ctx, next.resource, { id, createdAt: current.createdAt, version: current.version + 1 });
    if (await updateGroup(ctx.store, updated, current.version, next.members)) {
      return { resource: await wire(ctx, updated, withMembers), version: updated.version };
    }
  }
  throw new ScimError(409, undefined, `Group "${id}" is being changed by other requests right now; retry`);
}

/** PUT replaces the group: its members become exactly the listed ones (none when `members` is absent). */
export function replaceGroup(ctx: ScimContext, id: string, body: unknown, pre: Preconditions, withMembers: boolean): Promise<Written> {
  const parsed = unwrap(parseResource('Group', body));
  const members: MemberChange[] = [{ op: 'replace', ids: memberIds(parsed.members) }];
  return modify(ctx, id, pre, withMembers, () => ({ resource: parsed.resource, members }));
}

export function patchGroup(ctx: ScimContext, id: string, body: unknown, pre: Preconditions, withMembers: boolean): Promise<Written> {
  return modify(ctx, id, pre, withMembers, (current) => unwrap(applyPatch('Group', current.resource, body)));
}

export async function removeGroup(ctx: ScimContext, id: string, pre: Preconditions): Promise<void> {
  if (pre.ifMatch !== undefined) {
    const current = await findGroup(ctx.store, ctx.setting.companyId, id);
    if (!current) throw notFound(id);
    if (!etagMatches(pre.ifMatch, current.version)) throw preconditionFailed(id);
    if (!(await deleteGroup(ctx.store, ctx.setting.companyId, id, current.version))) throw preconditionFailed(id);
    return;
  }
  if (!(await deleteGroup(ctx.store, ctx.setting.companyId, id))) throw notFound(id);
}
