// RFC 7644 §3.7 Bulk: operations run one by one through the same services as single requests. A bulkId
// reference ("bulkId:x" in a path or anywhere in data) is replaced by the id the operation with bulkId x
// created; an operation whose reference is not yet resolved waits for it, so order in the request is free.
import { yieldToIo } from '../event-loop.ts';
import { ScimError, errorBody } from '../../scim/errors.ts';
import type { ResourceTypeName } from '../../scim/schemas/urns.ts';
import { unstorable } from '../../scim/text.ts';
import { DEADLINE_RETRY_AFTER_SECONDS, etagOf, type ScimContext } from './context.ts';
import type { Written } from './kind.ts';
import { SCIM_SERVICES } from './services.ts';

export const BULK_REQUEST_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

interface Operation {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  bulkId?: string;
  version?: string;
  path: string;
  data?: unknown;
}

export interface OperationResult {
  method: string;
  bulkId?: string;
  version?: string;
  location?: string;
  status: string;
  response?: unknown;
}

const REFERENCE = /^bulkId:(.+)$/;

function field(op: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(op).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : op[key];
}

/** An operation the request got wrong fails on its own (RFC 7644 §3.7), echoing what it could of itself. */
interface Invalid {
  invalid: ScimError;
  method: string;
  bulkId?: string;
  /** Its bulkId belongs to an earlier operation, whose fate it does not share. */
  duplicate?: true;
}

function parseOperation(raw: unknown, index: number): Operation | Invalid {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { invalid: ScimError.badRequest('invalidSyntax', `Operations[${index}] must be an object`), method: '' };
  }
  const op = raw as Record<string, unknown>;
  const rawMethod = field(op, 'method');
  const method = typeof rawMethod === 'string' ? rawMethod.toUpperCase() : '';
  const rawBulkId = field(op, 'bulkId');
  const bulkId = typeof rawBulkId === 'string' && rawBulkId ? rawBulkId : undefined;
  const invalid = (e: ScimError): Invalid => ({ invalid: e, method, ...(bulkId ? { bulkId } : {}) });
  if (!['POST', 'PUT', 'PATCH', 'DELETE'].includes(method)) {
    return invalid(ScimError.badRequest('invalidSyntax', `Operations[${index}].method must be POST, PUT, PATCH or DELETE`));
  }
  const path = field(op, 'path');
  if (typeof path !== 'string' || !path) return invalid(ScimError.badRequest('invalidSyntax', `Operations[${index}].path is required`));
  if (method === 'POST' && !bulkId) {
    return invalid(ScimError.badRequest('invalidSyntax', `Operations[${index}] is a POST and needs a bulkId (RFC 7644 §3.7)`));
  }
  if (rawBulkId !== undefined && typeof rawBulkId !== 'string') return invalid(ScimError.badRequest('invalidSyntax', `Operations[${index}].bulkId must be a string`));
  const version = field(op, 'version');
  return {
    method: method as Operation['method'],
    path,
    data: field(op, 'data'),
    ...(bulkId ? { bulkId } : {}),
    ...(typeof version === 'string' ? { version } : {}),
  };
}

/** The bulkIds an operation refers to, in its path or anywhere in its data. */
function references(op: Operation): Set<string> {
  const found = new Set<string>();
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      const m = REFERENCE.exec(v) ?? REFERENCE.exec(v.split('/').pop() ?? '');
      if (m?.[1]) found.add(m[1]);
    } else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.values(v).forEach(visit);
  };
  visit(op.path);
  visit(op.data);
  return found;
}

function substitute(v: unknown, ids: Map<string, string>): unknown {
  if (typeof v === 'string') return v.replace(/bulkId:([^/"]+)/g, (whole, id: string) => ids.get(id) ?? whole);
  if (Array.isArray(v)) return v.map((x) => substitute(x, ids));
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, substitute(x, ids)]));
  return v;
}

function target(path: string): { type: ResourceTypeName; id?: string } {
  const m = /^\/(Users|Groups)(?:\/([^/]+))?\/?$/i.exec(path);
  if (!m) throw ScimError.badRequest('invalidPath', `Bulk path "${path}" must be /Users, /Groups, /Users/{id} or /Groups/{id}`);
  const type: ResourceTypeName = m[1]!.toLowerCase() === 'users' ? 'User' : 'Group';
  if (!m[2]) return { type };
  let id: string;
  try {
    id = decodeURIComponent(m[2]);
  } catch {
    throw ScimError.badRequest('invalidPath', `Bulk path "${path}" has a malformed percent-encoding in its id`);
  }
  const bad = unstorable(id);
  if (bad) throw ScimError.badRequest('invalidPath', `The id in bulk path "${path}" contains ${bad}`);
  return { type, id };
}

async function execute(ctx: ScimContext, op: Operation): Promise<{ status: number; written?: Written }> {
  const { type, id } = target(op.path);
  const { service } = SCIM_SERVICES[type];
  const pre = op.version ? { ifMatch: op.version } : {};
  if (op.method === 'POST') {
    if (id) throw ScimError.badRequest('invalidPath', `POST goes to /${type}s, not to one ${type}`);
    return { status: 201, written: await service.create(ctx, op.data, false) };
  }
  if (!id) throw ScimError.badRequest('invalidPath', `${op.method} needs a resource id in the path, e.g. /${type}s/{id}`);
  if (op.method === 'PUT') return { status: 200, written: await service.replace(ctx, id, op.data, pre, false) };
  if (op.method === 'PATCH') return { status: 200, written: await service.patch(ctx, id, op.data, pre, false) };
  await service.remove(ctx, id, pre);
  return { status: 204 };
}

export interface BulkOptions {
  maxOperations: number;
  /** What an operation that failed unexpectedly (a database error) reports; the caller logs it. It fails
   *  alone, like any other: the operations before it stay applied and are reported with their location. */
  unexpected(error: unknown): ScimError;
}

export async function runBulk(ctx: ScimContext, body: unknown, options: BulkOptions): Promise<OperationResult[]> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ScimError.badRequest('invalidSyntax', 'A bulk request must be a JSON object with an Operations array');
  }
  const request = body as Record<string, unknown>;
  const rawOps = field(request, 'Operations');
  if (!Array.isArray(rawOps)) throw ScimError.badRequest('invalidSyntax', 'A bulk request needs an "Operations" array');
  if (rawOps.length > options.maxOperations) {
    throw new ScimError(413, undefined, `The bulk request has ${rawOps.length} operations; at most ${options.maxOperations} are accepted (bulk.maxOperations)`);
  }
  const failOnErrors = field(request, 'failOnErrors');
  if (failOnErrors !== undefined && (!Number.isInteger(failOnErrors) || (failOnErrors as number) < 1)) {
    throw ScimError.badRequest('invalidValue', 'failOnErrors must be a positive integer');
  }
  const parsed = rawOps.map(parseOperation);
  // The first operation with a bulkId owns it (a malformed one too: references to it then fail with 409).
  const bulkIds = new Set<string>();
  parsed.forEach((p, i) => {
    if (!p.bulkId) return;
    if (!bulkIds.has(p.bulkId)) return void bulkIds.add(p.bulkId);
    const detail = `bulkId "${p.bulkId}" is used by an earlier operation; each bulkId must be unique in the request`;
    parsed[i] = { invalid: ScimError.badRequest('invalidValue', detail), method: p.method, bulkId: p.bulkId, duplicate: true };
  });

  const created = new Map<string, string>();
  const failed = new Set<string>();
  const results = new Array<OperationResult | undefined>(parsed.length);
  let errors = 0;
  let pending = parsed.map((_, i) => i);

  // RFC 7644 §3.7.3: location is required in every operation response but a failed POST's.
  const locationOf = (op: Operation): string | undefined => {
    if (op.method === 'POST') return undefined;
    const m = /^\/(Users|Groups)\/([^/]+)\/?$/i.exec(substitute(op.path, created) as string);
    return m && !REFERENCE.test(m[2]!) ? `${ctx.baseUrl}/${m[1]!.toLowerCase() === 'users' ? 'Users' : 'Groups'}/${m[2]}` : undefined;
  };

  const fail = (i: number, e: ScimError) => {
    const p = parsed[i]!;
    if (p.bulkId && !('duplicate' in p)) failed.add(p.bulkId);
    const location = 'invalid' in p ? undefined : locationOf(p);
    results[i] = {
      method: p.method,
      ...(p.bulkId ? { bulkId: p.bulkId } : {}),
      ...(location ? { location } : {}),
      status: String(e.status),
      response: errorBody(e),
    };
    errors++;
  };

  while (pending.length && !(failOnErrors !== undefined && errors >= (failOnErrors as number))) {
    const waiting: number[] = [];
    for (const i of pending) {
      if (failOnErrors !== undefined && errors >= (failOnErrors as number)) break;
      const op = parsed[i]!;
      if ('invalid' in op) {
        fail(i, op.invalid);
        continue;
      }
      // Past the deadline the operations not yet run fail alone, and what was applied is still reported.
      if (ctx.deadline.expired()) {
        fail(i, new ScimError(503, undefined, 'The bulk request ran out of time before this operation; send it again', DEADLINE_RETRY_AFTER_SECONDS));
        continue;
      }
      const refs = [...references(op)];
      const unknown = refs.find((r) => !bulkIds.has(r));
      const broken = refs.find((r) => failed.has(r));
      if (unknown) {
        fail(i, ScimError.badRequest('invalidValue', `bulkId:${unknown} refers to no operation in this request`));
      } else if (broken) {
        fail(i, new ScimError(409, undefined, `bulkId:${broken} could not be created, so this operation cannot refer to it`));
      } else if (refs.some((r) => !created.has(r))) {
        waiting.push(i);
      } else {
        const resolved: Operation = { ...op, path: substitute(op.path, created) as string, data: substitute(op.data, created) };
        // SQLite answers synchronously, so a thousand operations would otherwise run as one unbroken chain of
        // promise callbacks: let other requests (a /healthz probe) in between operations.
        await yieldToIo();
        try {
          const { status, written } = await execute(ctx, resolved);
          const location = (written?.resource.meta as { location?: string } | undefined)?.location ?? locationOf(resolved);
          if (op.bulkId && written) created.set(op.bulkId, String(written.resource.id));
          results[i] = {
            method: op.method,
            ...(op.bulkId ? { bulkId: op.bulkId } : {}),
            ...(written ? { version: etagOf(written.version) } : {}),
            ...(location ? { location } : {}),
            status: String(status),
          };
        } catch (e) {
          fail(i, e instanceof ScimError ? e : options.unexpected(e));
        }
      }
    }
    if (waiting.length === pending.length) {
      // RFC 7644 §3.7.1: circular references that cannot be resolved answer 409 (Conflict).
      for (const i of waiting) fail(i, new ScimError(409, undefined, 'Circular bulkId references cannot be resolved: each of these operations waits for another'));
      break;
    }
    pending = waiting;
  }
  return results.filter((r): r is OperationResult => r !== undefined);
}
