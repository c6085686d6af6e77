// Filtered, sorted, paged listing of one resource table, entirely in SQL: the filter compiles to a WHERE
// clause, the page is LIMIT/OFFSET (RFC 7644 index paging) or a keyset (RFC 9865 cursor paging).
// Nothing here reads more rows than the page it returns.
import { createHash } from 'node:crypto';
import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { ScimError } from '../scim/errors.ts';
import { compileFilter, compileSort, compileSortKey, type ResourceColumns } from '../scim/filter/sql.ts';
import type { ListQuery } from '../scim/list-query.ts';
import { resolveAttribute, type ResourceTypeName } from '../scim/schemas/index.ts';
import type { Store } from './open.ts';

export interface ListPage<R> {
  records: R[];
  totalResults: number;
  nextCursor?: string;
  previousCursor?: string;
  /** Cursor paging: the cursor of the page that follows `records[index]`, for a page the caller cuts short. */
  cursorAfter?(index: number): string;
}

export interface ListTable<R> {
  type: ResourceTypeName;
  table: 'scim_users' | 'scim_groups';
  columns: ResourceColumns;
  toRecord(store: Store, row: any): R;
}

/** RFC 9865 cursor: the position (sort value, created_at, id) of a page edge, the direction to read from it,
 *  and a digest of the query it belongs to, so a cursor replayed against another filter, sort or resource
 *  type is refused instead of skipping rows. Opaque to clients; base64url keeps it within RFC 3986
 *  unreserved characters, as RFC 9865 §2 requires. */
interface Cursor {
  d: 'next' | 'prev';
  k: [string, string];
  /** The sortBy value at the edge (null: missing), present when the query sorts. */
  v?: string | number | boolean | null;
  q: string;
}

function digest(type: ResourceTypeName, query: ListQuery): string {
  const shape = [type, query.filter ?? null, query.sortBy ?? null, query.sortOrder];
  return createHash('sha256').update(JSON.stringify(shape)).digest('base64url').slice(0, 16);
}

const encode = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

const isSortValue = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v);

function decode(text: string, type: ResourceTypeName, query: ListQuery): Cursor {
  const invalid = () => ScimError.badRequest('invalidCursor', 'The cursor is not one this server issued; start again with cursor=');
  let c: Cursor;
  try {
    c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (!c || typeof c !== 'object' || (c.d !== 'next' && c.d !== 'prev') || !Array.isArray(c.k) || c.k.length !== 2 || !c.k.every((x) => typeof x === 'string')) {
    throw invalid();
  }
  if (c.q !== digest(type, query)) {
    throw ScimError.badRequest('invalidCursor', 'The cursor belongs to a different resource type, filter or sort order; start again with cursor=');
  }
  if (query.sortBy !== undefined && !isSortValue(c.v)) throw invalid();
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

  const countAll = where ? async () => Number((await base.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n) : () => companyCount(store, t.table, companyId);

  if (query.cursor !== undefined) return cursorPage(store, t, base, query, countAll);

  if (query.count === 0) return { records: [], totalResults: await countAll() };
  // Beyond the first page the count comes first: a startIndex past the end needs no page.
  const counted = query.startIndex > 1 ? await countAll() : undefined;
  if (counted !== undefined && query.startIndex > counted) return { records: [], totalResults: counted };
  let q = base.selectAll(a);
  if (query.sortBy) q = q.orderBy(unwrap(compileSort(query.sortBy, query.sortOrder, ctx)));
  // created_at then id: a stable order, so pages neither repeat nor skip rows (index scan on (company_id, created_at, id)).
  const rows = await q
    .orderBy(`${a}.created_at`)
    .orderBy(`${a}.id`)
    .limit(query.count)
    .offset(query.startIndex - 1)
    .execute();
  // A first page shorter than asked for is the whole set (an IdP's `userName eq` lookup): no count(*).
  const totalResults = counted ?? (rows.length < query.count ? rows.length : await countAll());
  return { records: rows.map((r) => t.toRecord(store, r)), totalResults };
}

/** The company's number of users or groups, kept by triggers (migration 009): one row, not a count(*). */
async function companyCount(store: Store, table: ListTable<unknown>['table'], companyId: string): Promise<number> {
  const row = await store.db.selectFrom('scim_resource_counts').select(['user_count', 'group_count']).where('company_id', '=', companyId).executeTakeFirst();
  if (!row) return 0;
  return Number(table === 'scim_users' ? row.user_count : row.group_count);
}

/**
 * One RFC 9865 page read from a keyset: rows strictly beyond the cursor's edge in the traversal order, one
 * more than asked to learn whether another page follows. Sorted lists page the same way, on (sort value,
 * created_at, id), with missing values last ascending and first descending as index paging orders them.
 */
async function cursorPage<R>(store: Store, t: ListTable<R>, base: any, query: ListQuery, countAll: () => Promise<number>): Promise<ListPage<R>> {
  const a = t.columns.alias;
  const cursor = query.cursor ? decode(query.cursor, t.type, query) : undefined;
  if (query.count === 0) return { records: [], totalResults: await countAll() };
  const backwards = cursor?.d === 'prev';
  const key = query.sortBy
    ? unwrap(compileSortKey(query.sortBy, { dialect: store.dialect.json, resolve: (p) => resolveAttribute(t.type, p), columns: t.columns }))
    : undefined;
  // Traversal order: ascending key with NULLs after; reading backwards flips every direction.
  const keyUp = (query.sortOrder === 'ascending') !== backwards;
  const tieUp = !backwards;
  const created = sql.ref(`${a}.created_at`);
  const id = sql.ref(`${a}.id`);

  let q = base.selectAll(a);
  if (key) q = q.select(key.as('sort_key'));
  if (cursor) {
    const [c0, i0] = cursor.k;
    const tieOp = sql.raw(tieUp ? '>' : '<');
    // A row-value comparison, not "a > x OR (a = x AND b > y)": both databases seek the (company_id,
    // created_at, id) index on it, where the OR form walks the index from the start (bench/RESULTS.md).
    const tie = sql<SqlBool>`((${created}, ${id}) ${tieOp} (${c0}, ${i0}))`;
    if (!key) {
      q = q.where(tie);
    } else if (cursor.v === null || cursor.v === undefined) {
      q = q.where(keyUp ? sql<SqlBool>`(${key} IS NULL AND ${tie})` : sql<SqlBool>`(${key} IS NOT NULL OR (${key} IS NULL AND ${tie}))`);
    } else {
      const v0 = cursor.v;
      const keyOp = sql.raw(keyUp ? '>' : '<');
      const nulls = keyUp ? sql` OR ${key} IS NULL` : sql``;
      q = q.where(sql<SqlBool>`(${key} ${keyOp} ${v0} OR (${key} = ${v0} AND ${tie})${nulls})`);
    }
  }
  if (key) q = q.orderBy(keyUp ? sql`${key} ASC NULLS LAST` : sql`${key} DESC NULLS FIRST`);
  const dir = tieUp ? 'asc' : 'desc';
  const rows: any[] = await q.orderBy(`${a}.created_at`, dir).orderBy(`${a}.id`, dir).limit(query.count + 1).execute();
  const more = rows.length > query.count;
  const page = rows.slice(0, query.count);
  if (backwards) page.reverse();
  const first = page[0];
  const last = page[page.length - 1];
  const edge = (d: Cursor['d'], row: any) =>
    encode({ d, k: [row.created_at, row.id], ...(key ? { v: sortValue(row.sort_key) } : {}), q: digest(t.type, query) });
  // RFC 9865 §2: nextCursor on every page but the last; previousCursor never on the first.
  const hasNext = backwards ? page.length > 0 : more;
  const hasPrev = backwards ? more : cursor !== undefined && page.length > 0;
  return {
    records: page.map((r) => t.toRecord(store, r)),
    // A first page with nothing after it is the whole set: no count(*).
    totalResults: !cursor && !more ? page.length : await countAll(),
    ...(hasNext && last ? { nextCursor: edge('next', last) } : {}),
    ...(hasPrev && first ? { previousCursor: edge('prev', first) } : {}),
    cursorAfter: (index: number) => edge('next', page[index]),
  };
}

/** A sort value as the driver returned it, in a form that binds back to the same comparison. */
function sortValue(v: unknown): Cursor['v'] {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v.toString();
  return isSortValue(v) ? (v as Cursor['v']) : String(v);
}
