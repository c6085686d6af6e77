// Group membership through PATCH, turned into row changes instead of edits of an in-memory array, so a
// group of 100k members costs the same to change as a group of two (ARCHITECTURE.md "Data").
import { err, ok, type Result } from '../errors.ts';
import { problem } from '../problems.ts';
import { parseMembers } from '../resource.ts';
import { memberIds } from './value-filter.ts';
import type { MemberChange, PatchOpName, Target } from './types.ts';

type MembersTarget = Extract<Target, { kind: 'members' }>;

const unique = (ids: string[]): string[] => [...new Set(ids)];

export function memberChange(
  op: PatchOpName,
  target: MembersTarget,
  raw: unknown,
  hasValue: boolean,
): Result<MemberChange | undefined> {
  if (target.filter !== undefined) {
    // Entra with aadOptscim062020 and Okta: {"op":"remove","path":"members[value eq \"id\"]"} (idp-requests
    // §1.8, §2.5). Any other members filter would need the member rows in memory to evaluate.
    const ids = op === 'remove' && target.sub === undefined ? memberIds(target.filter) : undefined;
    return ids === undefined ? err(problem.memberFilter(target.text)) : ok({ op: 'remove', ids: unique(ids) });
  }
  if (target.sub !== undefined) {
    // members.value, members.type, members.$ref are immutable; members.display is read-only.
    const label = `members.${target.sub.name}`;
    return err(target.sub.mutability === 'readOnly' ? problem.readOnly(label) : problem.immutable(label));
  }
  if (op === 'remove') {
    // RFC 7644 §3.5.2.2: remove of "members" without a value removes all members. Entra's default job
    // sends the members to remove as the value (idp-requests §1.6, SCIMReferenceCode #10): remove those
    // only. An empty list removes nothing.
    if (raw === undefined || raw === null) return ok({ op: 'removeAll' });
    const listed = parseMembers(raw);
    if (!listed.ok) return listed;
    return ok(listed.value.length === 0 ? undefined : { op: 'remove', ids: listed.value.map((m) => m.value) });
  }
  if (!hasValue) return err(problem.missingValue(op, target.text));
  const listed = parseMembers(raw);
  if (!listed.ok) return listed;
  const ids = listed.value.map((m) => m.value);
  // RFC 7644 §3.5.2.1: adding a member who is already there changes nothing; the store inserts if absent.
  if (op === 'add') return ok(ids.length === 0 ? undefined : { op: 'add', ids });
  return ok({ op: 'replace', ids });
}

/**
 * A request's member changes in order, consecutive adds (or removes) merged into one: Entra sends one
 * member per operation, and the store then writes a statement per 500 members instead of one per
 * operation (1,000 "add members" operations: one change, not 1,000). Applying add A then add B is adding
 * both, so the merge changes nothing else.
 */
export class MemberChanges {
  private readonly changes: MemberChange[] = [];
  private open: { op: 'add' | 'remove'; ids: Set<string> } | undefined;
  /** Member values named by the request, repeats included (SCIM_LIMITS.membersPerRequest). */
  named = 0;

  push(change: MemberChange): void {
    if (change.op === 'removeAll') {
      this.close();
      this.changes.push(change);
      return;
    }
    this.named += change.ids.length;
    if (change.op === 'replace') {
      this.close();
      this.changes.push(change);
      return;
    }
    if (this.open?.op !== change.op) {
      this.close();
      this.open = { op: change.op, ids: new Set() };
    }
    for (const id of change.ids) this.open.ids.add(id);
  }

  list(): MemberChange[] {
    this.close();
    return this.changes;
  }

  private close(): void {
    if (this.open) this.changes.push({ op: this.open.op, ids: [...this.open.ids] });
    this.open = undefined;
  }
}
