// What the HTTP suites share: request bodies, the SCIM error assertion, and direct reads of the database
// rows, so a test can say "nothing was written" about the store itself rather than about a later response.
import assert from 'node:assert/strict';
import { BULK_REQUEST_URN } from '../../src/provisioning/scim/bulk.ts';
import { ERROR_URN } from '../../src/scim/errors.ts';
import { ENTERPRISE_USER_URN, GROUP_URN, PATCH_OP_URN, USER_URN } from '../../src/scim/schemas/urns.ts';
import type { Store } from '../../src/store/open.ts';
import type { Response, TestServer } from './app.ts';

export { BULK_REQUEST_URN, ENTERPRISE_USER_URN as ENT, ERROR_URN, GROUP_URN, PATCH_OP_URN, USER_URN };

let serial = 0;
/** A name no other test of the run uses. */
export const unique = (prefix: string): string => `${prefix}-${++serial}-${Math.random().toString(36).slice(2, 8)}`;

/** A unique userName that is an email address: a target user needs one (the default email is userName). */
export const address = (prefix: string): string => `${unique(prefix)}@example.com`;

export const patchOp = (...ops: unknown[]) => ({ schemas: [PATCH_OP_URN], Operations: ops });

export function assertScimContentType(res: Response): void {
  assert.match(String(res.headers['content-type']), /^application\/scim\+json/, `content-type of a ${res.status}: ${res.headers['content-type']}`);
}

/** RFC 7644 §3.12: Error schema, status as a string, scimType when given, a detail a person can act on. */
export function assertScimError(res: Response, status: number, scimType?: string): void {
  assert.equal(res.status, status, res.raw);
  assertScimContentType(res);
  assert.deepEqual(res.body?.schemas, [ERROR_URN], res.raw);
  assert.equal(res.body.status, String(status));
  if (scimType === undefined) assert.equal(res.body.scimType, undefined, res.raw);
  else assert.equal(res.body.scimType, scimType, res.raw);
  assert.equal(typeof res.body.detail, 'string');
  assert.ok(res.body.detail.trim().length > 10, `detail too short: ${res.body.detail}`);
}

export async function createUser(s: TestServer, body: Record<string, unknown> = {}): Promise<any> {
  const res = await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: address('user'), ...body });
  assert.equal(res.status, 201, res.raw);
  return res.body;
}

export async function createGroup(s: TestServer, body: Record<string, unknown> = {}): Promise<any> {
  const res = await s.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName: unique('group'), ...body });
  assert.equal(res.status, 201, res.raw);
  return res.body;
}

/** The stored row as the database holds it, every column, or undefined. */
export function userRow(store: Store, id: string) {
  return store.db.selectFrom('scim_users').selectAll().where('id', '=', id).executeTakeFirst();
}

export function groupRow(store: Store, id: string) {
  return store.db.selectFrom('scim_groups').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function memberIds(store: Store, groupId: string): Promise<string[]> {
  const rows = await store.db.selectFrom('scim_group_members').select('user_id').where('group_id', '=', groupId).execute();
  return rows.map((r) => r.user_id).sort();
}

type Table = 'scim_users' | 'scim_user_emails' | 'scim_groups' | 'scim_group_members';

/** Row counts of the SCIM tables, to show a failed request wrote nothing anywhere. */
export async function counts(store: Store): Promise<Record<Table, number>> {
  const tables: Table[] = ['scim_users', 'scim_user_emails', 'scim_groups', 'scim_group_members'];
  const out = {} as Record<Table, number>;
  for (const t of tables) {
    const row = await store.db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    out[t] = Number(row.n);
  }
  return out;
}

/** The wire resource without meta: what a client set, plus id and derived attributes. */
export function withoutMeta(resource: Record<string, unknown>): Record<string, unknown> {
  const { meta: _meta, ...rest } = resource;
  return rest;
}
