// What the IdP replay suites share: sending a documented request exactly as the IdP does (the body as the
// JSON text the IdP sends, with its own headers), and reading back what Roster then holds.
import assert from 'node:assert/strict';
import type { Response, TestServer } from '../support/app.ts';
import { assertScimContentType } from '../support/scim.ts';

export const LIST_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** Sends `body` (a JSON text, verbatim from idp-requests.md) with the IdP's headers. */
export function send(
  s: TestServer,
  headers: Record<string, string>,
  method: string,
  url: string,
  body?: string,
): Promise<Response> {
  return s.scim(method, url, body, headers);
}

/** What every IdP asserts about a lookup: 200, a ListResponse with integer counters, `n` resources. */
export function assertList(res: Response, n: number): any[] {
  assert.equal(res.status, 200, res.raw);
  assertScimContentType(res);
  assert.deepEqual(res.body.schemas, [LIST_URN]);
  assert.equal(res.body.totalResults, n, res.raw);
  assert.equal(typeof res.body.startIndex, 'number');
  assert.equal(typeof res.body.itemsPerPage, 'number');
  assert.ok(Array.isArray(res.body.Resources), res.raw);
  assert.equal(res.body.Resources.length, n, res.raw);
  return res.body.Resources;
}

/** RFC 7644 §3.5.2: a successful PATCH answers 200 with the resource or 204 without; the IdP accepts either. */
export function assertPatched(res: Response): void {
  assert.ok(res.status === 200 || res.status === 204, res.raw);
}

export async function getResource(s: TestServer, path: string): Promise<any> {
  const res = await s.scim('GET', path);
  assert.equal(res.status, 200, res.raw);
  return res.body;
}

/** Ids of a group's members as Roster answers them, sorted. */
export async function memberValues(s: TestServer, groupId: string): Promise<string[]> {
  const g = await getResource(s, `/scim/v2/Groups/${groupId}`);
  return (g.members ?? []).map((m: { value: string }) => m.value).sort();
}
