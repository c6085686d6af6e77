// The table runner the PATCH suites share: { resource, operations } -> { resource, member changes } | error.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { applyPatch, type MemberChange } from '../../src/scim/patch/index.ts';
import type { ScimResource } from '../../src/scim/resource.ts';
import { PATCH_OP_URN } from '../../src/scim/schemas/urns.ts';

export interface PatchRow {
  name: string;
  type?: 'User' | 'Group';
  resource: ScimResource;
  /** The Operations array; wrapped in a PatchOp body unless `body` is given. */
  ops?: unknown[];
  body?: unknown;
  /** The expected resource; omitted when an error is expected. */
  expected?: ScimResource;
  members?: MemberChange[];
  error?: { scimType: string; detail?: string };
}

export const patchBody = (ops: unknown[]) => ({ schemas: [PATCH_OP_URN], Operations: ops });

export function runRows(rows: PatchRow[]): void {
  for (const row of rows) {
    it(row.name, () => {
      const before = structuredClone(row.resource);
      const result = applyPatch(row.type ?? 'User', row.resource, row.body ?? patchBody(row.ops ?? []));
      // Every operation works on a copy: the caller's resource is never modified, success or failure.
      assert.deepEqual(row.resource, before, 'the input resource was modified');
      if (row.error) {
        assert.equal(result.ok, false, `expected ${row.error.scimType}, got ${JSON.stringify(result.ok && result.value)}`);
        if (result.ok) return;
        assert.equal(result.error.status, 400);
        assert.equal(result.error.scimType, row.error.scimType, result.error.detail);
        if (row.error.detail !== undefined) assert.equal(result.error.detail, row.error.detail);
        return;
      }
      assert.ok(result.ok, result.ok ? '' : `${result.error.scimType}: ${result.error.detail}`);
      assert.deepEqual(result.value.resource, row.expected);
      assert.deepEqual(result.value.members, row.members ?? []);
    });
  }
}
