// The SCIM operations, written once for Users and Groups: parse and normalise the IdP's body, apply it to
// the stored resource, write it (one transaction, optimistic concurrency), answer with the wire form.
// A ResourceKind supplies what differs: the tables, the derived attribute (groups / members), the record.
import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { ScimError } from '../../scim/errors.ts';
import type { ListQuery } from '../../scim/list-query.ts';
import { applyPatch, type MemberChange } from '../../scim/patch/apply.ts';
import { parseResource, type ScimResource } from '../../scim/resource.ts';
import type { ResourceTypeName } from '../../scim/schemas/urns.ts';
import { inTransaction, type Store } from '../../store/open.ts';
import type { ListPage } from '../../store/list.ts';
import { StoreBusyError } from '../../store/sqlite-writer.ts';
import { yieldToIo } from '../event-loop.ts';
import type { JobNote } from '../projection/note.ts';
import { etagMatches, type Preconditions, type ScimContext } from './context.ts';
import { logFailure, logWrite, type JobSubject } from './job-log.ts';
import { scimErrorOf } from './store-errors.ts';

export interface StoredRecord {
  id: string;
  companyId: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  resource: ScimResource;
}

/** What the service decides about a record: its identity, version and timestamps. */
type Base<R extends StoredRecord> = Pick<R, 'id' | 'createdAt' | 'updatedAt' | 'version'>;

export interface ResourceKind<R extends StoredRecord> {
  type: ResourceTypeName;
  noun: string;
  toRecord(ctx: ScimContext, resource: ScimResource, base: Base<R>): R;
  /** `forUpdate` locks the row for the rest of the caller's transaction. */
  find(store: Store, companyId: string, id: string, options?: { forUpdate?: boolean }): Promise<R | undefined>;
  insert(store: Store, record: R, memberIds: readonly string[]): Promise<void>;
  /** false when the stored version is no longer `expectedVersion`. */
  update(store: Store, record: R, expectedVersion: number, members: readonly MemberChange[]): Promise<boolean>;
  /** Whether the member changes would leave the membership as stored (kinds without members have none). */
  membersUnchanged?(store: Store, record: R, members: readonly MemberChange[]): Promise<boolean>;
  /** `at` is the time of the deletion, for the records it changes too (the groups a deleted user was in). */
  delete(store: Store, companyId: string, id: string, at: string, expectedVersion?: number): Promise<boolean>;
  list(store: Store, companyId: string, query: ListQuery): Promise<ListPage<R>>;
  /** A new record's derived attribute is empty and then absent from its wire form (a new user is in no
   *  group), so create does not read it. */
  noDerivedWhenNew?: boolean;
  /** Wire forms of records; `derived` says whether the derived attribute (groups, members) is read. */
  toWire(ctx: ScimContext, records: readonly R[], derived: boolean): Promise<Record<string, unknown>[]>;
  /** The name the job log shows for a record (userName, displayName). */
  nameOf(record: R): string;
  /**
   * The write's effect on the target-user directory, run in the write's own transaction after the resource
   * is written (docs/provisioning.md). A rule that fails (a missing email, an enforced licence) throws and
   * everything rolls back; what it returns becomes the request's job-log row.
   */
  project(tx: Store, ctx: ScimContext, event: WriteEvent<R>): Promise<JobNote>;
}

export type WriteEvent<R> =
  | { op: 'create' | 'replace' | 'patch'; record: R; members: readonly MemberChange[]; at: string }
  | { op: 'delete'; record: R; at: string };

export interface Written {
  resource: Record<string, unknown>;
  version: number;
}

export interface ListResult {
  resources: Record<string, unknown>[];
  totalResults: number;
  nextCursor?: string;
  previousCursor?: string;
  cursorAfter?(index: number): string;
}

/**
 * One transaction per SCIM write, so everything a write changes commits together: the resource, its
 * projection into the directory and its job-log row. Its last step checks the request's deadline: past it
 * the transaction rolls back (503). A database another process kept busy past the store's bound answers 503
 * too: nothing was written, the IdP retries. A write that fails is logged as a failure on its own.
 */
async function write<T>(ctx: ScimContext, subject: JobSubject, work: (tx: Store) => Promise<{ value: T; note?: JobNote; resourceId?: string }>): Promise<T> {
  try {
    return await inTransaction(ctx.store, async (tx) => {
      const { value, note, resourceId } = await work(tx);
      if (note) await logWrite(tx, ctx, { ...subject, ...(resourceId ? { resourceId } : {}) }, note);
      ctx.deadline.beforeCommit();
      return value;
    });
  } catch (e) {
    if (e instanceof StoreBusyError) throw new ScimError(503, undefined, 'The database is busy with another writer; retry the request shortly', 1);
    const error = await scimErrorOf(ctx, e);
    await logFailure(ctx, subject, error);
    throw error;
  }
}

/** What a body that failed to parse says its resource is called, for the job log. */
function nameInBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const entry = Object.entries(body).find(([k]) => ['username', 'displayname'].includes(k.toLowerCase()));
  return typeof entry?.[1] === 'string' ? entry[1].slice(0, 256) : undefined;
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: ScimError }): T {
  if (!result.ok) throw result.error;
  return result.value;
}

export function resourceService<R extends StoredRecord>(kind: ResourceKind<R>) {
  const notFound = (id: string) => ScimError.notFound(`No ${kind.noun} with id "${id}" in this company`);
  const preconditionFailed = (id: string) =>
    new ScimError(412, undefined, `${kind.type} "${id}" was changed since the version given in If-Match; read it again and retry`);

  async function one(ctx: ScimContext, r: R, derived: boolean): Promise<Written> {
    const [resource] = await kind.toWire(ctx, [r], derived);
    return { resource: resource!, version: r.version };
  }

  async function current(store: Store, companyId: string, id: string, pre: Preconditions, options: { forUpdate?: boolean } = {}): Promise<R> {
    const r = await kind.find(store, companyId, id, options);
    if (!r) throw notFound(id);
    if (!etagMatches(pre.ifMatch, r.version)) throw preconditionFailed(id);
    return r;
  }

  /**
   * Applies `change` to the stored resource and writes it if anything differs. The read locks the row
   * (PostgreSQL FOR UPDATE; a SQLite transaction begins holding the file's write lock), so concurrent PATCHes to
   * one group — Entra sends member changes in bursts — apply one after another instead of failing.
   */
  async function modify(
    ctx: ScimContext,
    op: 'replace' | 'patch',
    id: string,
    pre: Preconditions,
    derived: boolean,
    change: (current: R) => { resource: ScimResource; members: readonly MemberChange[] },
  ): Promise<Written> {
    const subject: JobSubject = { operation: op, resourceType: kind.type, resourceId: id };
    // Parsing a large body, applying it, writing the result and projecting it are each long: on SQLite a
    // transaction is one synchronous chain of promise callbacks, so other requests get in between them (the
    // transaction keeps the store's one connection meanwhile).
    await yieldToIo();
    const written = await write(ctx, subject, async (tx) => {
      const r = await current(tx, ctx.setting.companyId, id, pre, { forUpdate: true });
      subject.name = kind.nameOf(r);
      const next = change(r);
      // An IdP re-sending what Roster holds (Entra re-checks every 40 minutes) changes nothing, not even meta.version.
      if (isDeepStrictEqual(next.resource, r.resource) && (!next.members.length || (await kind.membersUnchanged?.(tx, r, next.members)))) {
        return { value: r };
      }
      await yieldToIo();
      const at = ctx.now().toISOString();
      const base = { id, createdAt: r.createdAt, updatedAt: at, version: r.version + 1 } as Base<R>;
      const updated = kind.toRecord(ctx, next.resource, base);
      subject.name = kind.nameOf(updated);
      // The row is locked, so the version check is only a guard: a lost update would be a 412, never silent.
      if (!(await kind.update(tx, updated, r.version, next.members))) throw preconditionFailed(id);
      await yieldToIo();
      const note = await kind.project(tx, ctx, { op, record: updated, members: next.members, at });
      return { value: updated, note };
    });
    return one(ctx, written, derived);
  }

  return {
    async create(ctx: ScimContext, body: unknown, derived: boolean): Promise<Written> {
      const parsed = parseResource(kind.type, body);
      if (!parsed.ok) {
        await logFailure(ctx, { operation: 'create', resourceType: kind.type, name: nameInBody(body) }, parsed.error);
        throw parsed.error;
      }
      const { resource, members: given } = parsed.value;
      // One clock reading: RFC 7643 §3.1 wants lastModified equal to created until the first change.
      const at = ctx.now().toISOString();
      const base = { id: randomUUID(), createdAt: at, updatedAt: at, version: 1 } as Base<R>;
      const r = kind.toRecord(ctx, resource, base);
      const memberIds = (given ?? []).map((m) => m.value);
      const subject: JobSubject = { operation: 'create', resourceType: kind.type, resourceId: r.id, name: kind.nameOf(r) };
      await write(ctx, subject, async (tx) => {
        await kind.insert(tx, r, memberIds);
        const members: MemberChange[] = memberIds.length ? [{ op: 'add', ids: memberIds }] : [];
        return { value: undefined, note: await kind.project(tx, ctx, { op: 'create', record: r, members, at }) };
      });
      return one(ctx, r, derived && !kind.noDerivedWhenNew);
    },

    async get(ctx: ScimContext, id: string, derived: boolean): Promise<Written> {
      return one(ctx, await current(ctx.store, ctx.setting.companyId, id, {}), derived);
    },

    /** PUT replaces the resource; for a group, its members become exactly the listed ones. */
    async replace(ctx: ScimContext, id: string, body: unknown, pre: Preconditions, derived: boolean): Promise<Written> {
      const parsed = parseResource(kind.type, body);
      if (!parsed.ok) {
        await logFailure(ctx, { operation: 'replace', resourceType: kind.type, resourceId: id, name: nameInBody(body) }, parsed.error);
        throw parsed.error;
      }
      const members: MemberChange[] = kind.type === 'Group' ? [{ op: 'replace', ids: (parsed.value.members ?? []).map((m) => m.value) }] : [];
      return modify(ctx, 'replace', id, pre, derived, () => ({ resource: parsed.value.resource, members }));
    },

    patch(ctx: ScimContext, id: string, body: unknown, pre: Preconditions, derived: boolean): Promise<Written> {
      return modify(ctx, 'patch', id, pre, derived, (r) => unwrap(applyPatch(kind.type, r.resource, body)));
    },

    remove(ctx: ScimContext, id: string, pre: Preconditions): Promise<void> {
      const { companyId } = ctx.setting;
      const at = ctx.now().toISOString();
      const subject: JobSubject = { operation: 'delete', resourceType: kind.type, resourceId: id };
      return write(ctx, subject, async (tx) => {
        const r = await current(tx, companyId, id, pre, { forUpdate: true });
        subject.name = kind.nameOf(r);
        if (!(await kind.delete(tx, companyId, id, at, r.version))) throw preconditionFailed(id);
        return { value: undefined, note: await kind.project(tx, ctx, { op: 'delete', record: r, at }) };
      });
    },

    async list(ctx: ScimContext, query: ListQuery, derived: boolean): Promise<ListResult> {
      const page = await kind.list(ctx.store, ctx.setting.companyId, query);
      return {
        resources: await kind.toWire(ctx, page.records, derived),
        totalResults: page.totalResults,
        ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
        ...(page.previousCursor !== undefined ? { previousCursor: page.previousCursor } : {}),
        ...(page.cursorAfter ? { cursorAfter: page.cursorAfter } : {}),
      };
    },
  };
}

export type ResourceService = ReturnType<typeof resourceService>;
