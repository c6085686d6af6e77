// The PATCH engine (RFC 7644 §3.5.2): every operation of a request is applied, in order, to a copy of
// the resource; the first failure returns its error and leaves the caller's resource untouched.
import { findForbiddenKey, isObject } from '../coerce.ts';
import { opName } from '../dialect.ts';
import { err, ok, type Result } from '../errors.ts';
import { SCIM_LIMITS } from '../limits.ts';
import { problem } from '../problems.ts';
import { parseResource, type ScimResource } from '../resource.ts';
import type { SchemaDef } from '../schemas/types.ts';
import { PATCH_OP_URN, type ResourceTypeName } from '../schemas/urns.ts';
import { applyToAttribute } from './attribute-ops.ts';
import { PatchWork } from './element-index.ts';
import { MemberChanges, memberChange } from './members.ts';
import { targetOfKey, targetOfPath } from './target.ts';
import type { PatchOpName, PatchResult, Target } from './types.ts';

export type { MemberChange, PatchResult } from './types.ts';

interface Operation {
  op: PatchOpName;
  path?: string;
  hasValue: boolean;
  value: unknown;
}

/** Message fields are matched case-insensitively, like attribute names ("Operations", "op", "Op"). */
function field(obj: Record<string, unknown>, name: string): { present: boolean; value: unknown } {
  const key = Object.keys(obj).find((k) => k.toLowerCase() === name);
  return key === undefined ? { present: false, value: undefined } : { present: true, value: obj[key] };
}

function readOperations(body: unknown): Result<Operation[]> {
  if (!isObject(body)) return err(problem.bodyNotObject());
  const forbidden = findForbiddenKey(body);
  if (forbidden !== undefined) return err(problem.forbiddenKey(forbidden));
  // RFC 7644 §3.5.2 requires the PatchOp URN. Every IdP we serve sends it; a body without `schemas` is
  // still accepted (nothing else could be meant at this endpoint), but a body that names other schemas
  // is a resource sent to the wrong method and is refused.
  const schemas = field(body, 'schemas');
  if (schemas.present && schemas.value !== null) {
    const list = Array.isArray(schemas.value) ? schemas.value : [schemas.value];
    if (!list.some((s) => typeof s === 'string' && s.trim().toLowerCase() === PATCH_OP_URN.toLowerCase())) {
      return err(problem.notPatchOp());
    }
  }
  const list = field(body, 'operations').value;
  if (!Array.isArray(list) || list.length === 0) return err(problem.noOperations());
  if (list.length > SCIM_LIMITS.patchOperations) return err(problem.tooManyOperations(list.length, SCIM_LIMITS.patchOperations));
  const operations: Operation[] = [];
  for (const [index, item] of list.entries()) {
    if (!isObject(item)) return err(problem.opNotObject(index));
    // Extra members such as MS Postman's "name": "addMember" are ignored.
    const rawOp = field(item, 'op').value;
    const op = opName(rawOp);
    if (op === undefined) return err(problem.unknownOp(index, rawOp));
    const path = field(item, 'path').value;
    if (path !== undefined && path !== null && typeof path !== 'string') return err(problem.pathNotString(index, path));
    const value = field(item, 'value');
    const operation: Operation = { op, hasValue: value.present, value: value.value };
    if (typeof path === 'string' && path.trim() !== '') operation.path = path.trim();
    operations.push(operation);
  }
  return ok(operations);
}

/** The key of `obj` equal to `name` ignoring case (custom extension URNs and names keep the case sent). */
function keyLike(obj: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(obj, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

class Run {
  readonly members = new MemberChanges();
  private readonly work = new PatchWork();

  constructor(
    readonly type: ResourceTypeName,
    readonly resource: ScimResource,
  ) {}

  /** `viaPath` distinguishes a client naming a read-only attribute (an error) from a path-less value
   *  that merely carries one, like Okta's {"id": …, "displayName": …} (ignored, idp-requests §2.5). */
  target(op: PatchOpName, target: Target, raw: unknown, hasValue: boolean, viaPath: boolean): Result<void> {
    switch (target.kind) {
      case 'ignore':
        return ok(undefined);
      case 'readOnly':
        return viaPath ? err(problem.readOnly(target.text)) : ok(undefined);
      case 'members': {
        // A null members inside a path-less value is an echo, not an instruction (see parseResource).
        if (!viaPath && raw === null) return ok(undefined);
        const change = memberChange(op, target, raw, hasValue);
        if (!change.ok) return change;
        if (change.value !== undefined) this.members.push(change.value);
        return ok(undefined);
      }
      case 'schema':
        if (target.custom) return this.customExtension(op, target.schema.id, raw);
        return this.schema(op, target.schema, target.extension, raw, target.text);
      case 'custom':
        if (op !== 'remove' && !hasValue) return err(problem.missingValue(op, target.text));
        this.customAttribute(op, target.urn, target.name, raw);
        return ok(undefined);
      case 'attr':
        if (op !== 'remove' && !hasValue) return err(problem.missingValue(op, target.text));
        return applyToAttribute(this.type, this.resource, target, op, raw, this.work);
    }
  }

  /** A whole schema by URN: remove drops an extension; add/replace apply the object's attributes. */
  schema(op: PatchOpName, schema: SchemaDef, extension: boolean, raw: unknown, text: string): Result<void> {
    if (op === 'remove' || raw === null) {
      if (!extension) return op === 'remove' ? err(problem.invalidPath(text, 'names the core schema, which cannot be removed')) : ok(undefined);
      if (op === 'remove' || op === 'replace') delete this.resource[schema.id];
      return ok(undefined);
    }
    if (!isObject(raw)) return err(problem.wrongType(schema.id, 'an object', raw));
    return this.values(op, raw, schema);
  }

  /** A whole custom extension (schemas/custom.ts): remove (or a replace with null) drops it; add/replace set
   *  each attribute of the object, the others stay. */
  customExtension(op: PatchOpName, urn: string, raw: unknown): Result<void> {
    if (op === 'remove' || raw === null) {
      const key = keyLike(this.resource, urn);
      if (key !== undefined && op !== 'add') delete this.resource[key];
      return ok(undefined);
    }
    if (!isObject(raw)) return err(problem.wrongType(urn, 'an object', raw));
    for (const [name, value] of Object.entries(raw)) this.customAttribute(op, urn, name, value);
    return ok(undefined);
  }

  /** A custom attribute is singular: add and replace set it, remove and null unassign it. The name takes the
   *  case of this request; an extension left empty goes. parseResource then cleans the value as in a POST. */
  customAttribute(op: PatchOpName, urn: string, name: string, raw: unknown): void {
    const key = keyLike(this.resource, urn);
    const found = key === undefined ? undefined : this.resource[key];
    const holder = isObject(found) ? found : undefined;
    const existing = holder && keyLike(holder, name);
    if (existing !== undefined) delete holder![existing];
    if (op !== 'remove' && raw !== null) {
      if (holder) holder[name] = raw;
      else this.resource[urn] = { [name]: raw };
    } else if (holder && Object.keys(holder).length === 0) {
      delete this.resource[key!];
    }
  }

  /**
   * A path-less add/replace (RFC 7644 §3.5.2.1, §3.5.2.3): each key of the value is applied as if it were
   * the path. Keys may be plain, dotted or URN-qualified (Entra aadOptscim062020, idp-requests §1.8).
   * Members are touched only when the value names them: a rename must not empty a group (langwatch #7131).
   * Attributes nested under the core URN are applied first, so a top-level key wins, as in a POST body.
   */
  values(op: PatchOpName, value: Record<string, unknown>, within?: SchemaDef): Result<void> {
    const targets: Array<[Target, unknown]> = [];
    for (const [key, raw] of Object.entries(value)) {
      const target = targetOfKey(this.type, within === undefined ? key : `${within.id}:${key}`);
      if (!target.ok) return target;
      const t = target.value;
      if (t.kind === 'schema' && !t.extension) targets.unshift([t, raw]);
      else targets.push([t, raw]);
    }
    for (const [t, raw] of targets) {
      const applied = this.target(op, t, raw, true, false);
      if (!applied.ok) return applied;
    }
    return ok(undefined);
  }

  operation(operation: Operation): Result<void> {
    const { op, path, value, hasValue } = operation;
    if (path === undefined) {
      if (op === 'remove') return err(problem.removeWithoutPath()); // RFC 7644 §3.5.2.2
      if (!isObject(value)) return err(problem.valueNotObject(op, value));
      return this.values(op, value);
    }
    const target = targetOfPath(this.type, path);
    if (!target.ok) return target;
    return this.target(op, target.value, value, hasValue, true);
  }
}

/**
 * Applies a PatchOp body to a resource in canonical form. Returns the new resource, validated exactly as
 * a POST body would be (types, required attributes: removing userName fails as invalidValue, RFC 7644
 * §3.12 "A required value was missing"), and the Group membership changes in request order.
 */
export function applyPatch(type: ResourceTypeName, resource: ScimResource, body: unknown): Result<PatchResult> {
  const operations = readOperations(body);
  if (!operations.ok) return operations;
  const run = new Run(type, structuredClone(resource));
  for (const operation of operations.value) {
    const applied = run.operation(operation);
    if (!applied.ok) return applied;
  }
  // SCIM_LIMITS.membersPerRequest counts every member value of the request together.
  const { named } = run.members;
  if (named > SCIM_LIMITS.membersPerRequest) return err(problem.tooManyMembers(named, SCIM_LIMITS.membersPerRequest));
  const checked = parseResource(type, run.resource);
  if (!checked.ok) return checked;
  return ok({ resource: checked.value.resource, members: run.members.list() });
}
