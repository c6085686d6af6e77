// The SCIM User operations, top to bottom: parse and normalise the IdP's body, apply it to the stored
// resource, write it in one transaction, answer with the wire form. HTTP is the caller's business.
import { isDeepStrictEqual } from 'node:util';
import { randomUUID } from 'node:crypto';
import { ScimError } from '../../scim/errors.ts';
import { applyPatch } from '../../scim/patch/apply.ts';
import { parseResource, type ScimResource } from '../../scim/resource.ts';
import { deleteUser, findUser, groupsOfUsers, insertUser, updateUser, type UserRecord } from '../../store/scim-users.ts';
import { etagMatches, type Preconditions, type ScimContext } from './context.ts';
import { userToWire } from './wire.ts';

/** Optimistic-concurrency retries before a PATCH gives up under a write storm on one resource. */
const MAX_ATTEMPTS = 5;

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: ScimError }): T {
  if (!result.ok) throw result.error;
  return result.value;
}

const notFound = (id: string) => ScimError.notFound(`No user with id "${id}" in this company`);
const preconditionFailed = (id: string) =>
  new ScimError(412, undefined, `User "${id}" was changed since the version given in If-Match; read it again and retry`);

function record(ctx: ScimContext, resource: ScimResource, base: Pick<UserRecord, 'id' | 'createdAt' | 'version'>): UserRecord {
  const now = ctx.now().toISOString();
  return {
    id: base.id,
    companyId: ctx.setting.companyId,
    settingId: ctx.setting.id,
    userName: resource.userName as string,
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    // RFC 7643 gives `active` no default; a user the IdP pushed without it is an active user.
    active: resource.active !== false,
    resource,
    version: base.version,
    createdAt: base.createdAt ?? now,
    updatedAt: now,
  };
}

async function wire(ctx: ScimContext, u: UserRecord, withGroups = true) {
  const groups = withGroups ? (await groupsOfUsers(ctx.store, u.companyId, [u.id])).get(u.id) : undefined;
  return userToWire(u, ctx.baseUrl, groups);
}

export interface Written {
  resource: Record<string, unknown>;
  version: number;
}

export async function createUser(ctx: ScimContext, body: unknown): Promise<Written> {
  const resource = unwrap(parseResource('User', body)).resource;
  const now = ctx.now().toISOString();
  const u = record(ctx, resource, { id: randomUUID(), createdAt: now, version: 1 });
  await insertUser(ctx.store, u);
  return { resource: userToWire(u, ctx.baseUrl, []), version: u.version };
}

export async function getUser(ctx: ScimContext, id: string, withGroups: boolean): Promise<Written> {
  const u = await findUser(ctx.store, ctx.setting.companyId, id);
  if (!u) throw notFound(id);
  return { resource: await wire(ctx, u, withGroups), version: u.version };
}

/** Applies `change` to the stored resource and writes it if it differs, re-reading when a concurrent writer won. */
async function modify(
  ctx: ScimContext,
  id: string,
  pre: Preconditions,
  change: (current: UserRecord) => ScimResource,
): Promise<Written> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = await findUser(ctx.store, ctx.setting.companyId, id);
    if (!current) throw notFound(id);
    if (!etagMatches(pre.ifMatch, current.version)) throw preconditionFailed(id);
    const next = change(current);
    // An IdP re-sending what Roster holds (Entra re-checks every 40 minutes) changes nothing, not even meta.version.
    if (isDeepStrictEqual(next, current.resource)) return { resource: await wire(ctx, current), version: current.version };
    const updated = record(ctx, next, { id, createdAt: current.createdAt, version: current.version + 1 });
    if (await updateUser(ctx.store, updated, current.version)) return { resource: await wire(ctx, updated), version: updated.version };
  }
  throw new ScimError(409, undefined, `User "${id}" is being changed by other requests right now; retry`);
}

export function replaceUser(ctx: ScimContext, id: string, body: unknown, pre: Preconditions): Promise<Written> {
  const resource = unwrap(parseResource('User', body)).resource;
  return modify(ctx, id, pre, () => resource);
}

export function patchUser(ctx: ScimContext, id: string, body: unknown, pre: Preconditions): Promise<Written> {
  return modify(ctx, id, pre, (current) => unwrap(applyPatch('User', current.resource, body)).resource);
}

export async function removeUser(ctx: ScimContext, id: string, pre: Preconditions): Promise<void> {
  if (pre.ifMatch !== undefined) {
    const current = await findUser(ctx.store, ctx.setting.companyId, id);
    if (!current) throw notFound(id);
    if (!etagMatches(pre.ifMatch, current.version)) throw preconditionFailed(id);
    if (!(await deleteUser(ctx.store, ctx.setting.companyId, id, current.version))) throw preconditionFailed(id);
    return;
  }
  if (!(await deleteUser(ctx.store, ctx.setting.companyId, id))) throw notFound(id);
}
