// Filtered, sorted, paged listing of one resource table, entirely in SQL: the filter compiles to a WHERE
// clause, the page is LIMIT/OFFSET (RFC 7644 index paging) or a keyset (RFC 9865 cursor paging).
// Nothing here reads more rows than the page it returns.
import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { ScimError } from '../scim/errors.ts';
import { compileFilter, compileSort, type ResourceColumns } from '../scim/filter/sql.ts';
import type { ListQuery } from '../scim/list-query.ts';
import { resolveAttribute, type ResourceTypeName } from '../scim/schemas/index.ts';
import type { Store } from './open.ts';

export interface ListPage<R> {
  records: R[];
  totalResults: number;
  nextCursor?: string;
  previousCursor?: string;
}

export interface ListTable<R> {
  type: ResourceTypeName;
  table: 'scim_users' | 'scim_groups';
  columns: ResourceColumns;
  toRecord(store: Store, row: any): R;
}

/** RFC 9865 cursor: the keyset (created_at, id) of a page edge, its direction, and a digest of the query it
 *  belongs to, so a cursor replayed against another filter is refused instead of skipping rows. */
interface Cursor {
  d: 'next' | 'prev';
  k: [string, string];
  q: string;
}

function digest(query: ListQuery): string {
  return createHash('sha256').update(JSON.stringify([query.filter ?? null, query.sortBy ?? null, query.sortOrder])).digest('base64url').slice(0, 16);
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decode(text: string, query: ListQuery): Cursor {
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw ScimError.badRequest('invalidCursor', 'The cursor is not one this server issued; start again with cursor=');
  }
  if (!c || (c.d !== 'next' && c.d !== 'prev') || !Array.isArray(c.k) || c.k.length !== 2 || !c.k.every((x) => typeof x === 'string')) {
    throw ScimError.badRequest('invalidCursor', 'The cursor is not one this server issued; start again with cursor=');
  }
  if (c.q !== digest(query)) {
    throw ScimError.badRequest('invalidCursor', 'The cursor belongs to a different filter or sort order; start again with cursor=');
  }
  return c;
}

function unwrap<T>(r: { ok: true; value: T } | { ok: false; error: ScimError }): T {
  if (!r.ok) throw r.error;
  return r.value;
}

export async function listResources<R>(store: Store, t: ListTable<R>, companyId: string, query: ListQuery): Promise<ListPage<R>> {
  const db = store.db as unknown as Kysely<any>;
  const a = t.columns.alias;
  const ctx = { dialect: store.dialect.json, resolve: (p: Parameters<typeof resolveAttribute>[1]) => resolveAttribute(t.type, p), columns: t.columns };
  const where: RawBuilder<SqlBool> | undefined = query.filter ? unwrap(compileFilter(query.filter, { ...ctx, companyId })) : undefined;

  let base = db.selectFrom(`${t.table} as ${a}`).where(`${a}.company_id`, '=', companyId);
  if (where) base = base.where(where);

  const counted = await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  const totalResults = Number(counted.n);

  if (query.cursor !== undefined) return cursorPage(store, t, base, query, totalResults);

  if (query.count === 0 || query.startIndex > totalResults) return { records: [], totalResults };
  let q = base.selectAll(a);
  if (query.sortBy) q = q.orderBy(unwrap(compileSort(query.sortBy, query.sortOrder, ctx)));
  // created_at then id: a stable order, so pages neither repeat nor skip rows (index scan on (company_id, created_at, id)).
  const rows = await q
    .orderBy(`${a}.created_at`)
    .orderBy(`${a}.id`)
    .limit(query.count)
    .offset(query.startIndex - 1)
    .execute();
  return { records: rows.map((r) => t.toRecord(store, r)), totalResults };
}

async function cursorPage<R>(store: Store, t: ListTable<R>, base: any, query: ListQuery, totalResults: number): Promise<ListPage<R>> {
  if (query.sortBy) {
    throw ScimError.badRequest('invalidValue', 'sortBy cannot be combined with cursor pagination: cursor pages come in creation order; use startIndex to page a sorted list');
  }
  const a = t.columns.alias;
  const cursor = query.cursor ? decode(query.cursor, query) : undefined;
  if (query.count === 0) return { records: [], totalResults };
  const backwards = cursor?.d === 'prev';
  let q = base.selectAll(a);
  if (cursor) {
    const [created, id] = cursor.k;
    const op = sql.raw(backwards ? '<' : '>');
    q = q.where(sql<SqlBool>`(${sql.ref(`${a}.created_at`)} ${op} ${created} OR (${sql.ref(`${a}.created_at`)} = ${created} AND ${sql.ref(`${a}.id`)} ${op} ${id}))`);
  }
  const dir = backwards ? 'desc' : 'asc';
  const rows: any[] = await q.orderBy(`${a}.created_at`, dir).orderBy(`${a}.id`, dir).limit(query.count + 1).execute();
  const more = rows.length > query.count;
  const page = rows.slice(0, query.count);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const edge = (d: Cursor['d'], row: any) => encode({ d, k: [row.created_at, row.id], q: digest(query) });
  const hasNext = backwards ? page.length > 0 : more;
  const hasPrev = backwards ? more : cursor !== undefined && page.length > 0;
  return {
    records: page.map((r) => t.toRecord(store, r)),
    totalResults,
    ...(hasNext && last ? { nextCursor: edge('next', last) } : {}),
    ...(hasPrev && first ? { previousCursor: edge('prev', first) } : {}),
  };
}
