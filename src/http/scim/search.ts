// POST /.search at the root (RFC 7644 §3.4.3): Users then Groups, paged as one list. A filter searches the
// types that have every attribute it names, so `userName eq "x"` searches Users alone.
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ScimError } from '../../scim/errors.ts';
import type { AttrPath } from '../../scim/filter/ast.ts';
import { formatPath, unknownAttribute } from '../../scim/filter/validate.ts';
import { parseListQuery, type ListQuery } from '../../scim/list-query.ts';
import { resolveAttribute, type ResourceTypeName } from '../../scim/schemas/index.ts';
import { SCIM_LIMITS } from '../../scim/limits.ts';
import { LIMITS } from './limits.ts';
import { listResponseBody } from './list-response.ts';
import { listResources, searchBody } from './resources.ts';
import { sendScim } from './routes.ts';

const TYPES: ResourceTypeName[] = ['User', 'Group'];

interface Plan {
  /** The types searched, in list order, each with the query it is listed with. */
  parts: { type: ResourceTypeName; query: ListQuery }[];
}

/** Which types the query searches, and in which order. */
function plan(query: ListQuery): Plan {
  const unknown = new Map<ResourceTypeName, AttrPath | undefined>(
    TYPES.map((type) => [type, query.filter && unknownAttribute(query.filter, (p) => resolveAttribute(type, p))]),
  );
  const types = TYPES.filter((type) => unknown.get(type) === undefined);
  if (!types.length) {
    const lacks = TYPES.map((type) => `${type}s have no "${formatPath(unknown.get(type)!)}"`).join(', ');
    throw ScimError.badRequest('invalidFilter', `No resource type has every attribute this filter names: ${lacks}`);
  }
  if (!query.sortBy) return { parts: types.map((type) => ({ type, query })) };
  // RFC 7644 §3.4.2.3: a resource without the sortBy attribute sorts last ascending, first descending, so the
  // types lacking it go after (or before) the one that has it. Merging two sorted types is not offered.
  const sortBy = query.sortBy;
  const having = types.filter((type) => resolveAttribute(type, sortBy));
  const lacking = types.filter((type) => !having.includes(type));
  if (!having.length) throw ScimError.badRequest('invalidValue', `sortBy names an unknown attribute "${formatPath(sortBy)}"`);
  if (having.length > 1) {
    throw ScimError.badRequest(
      'invalidValue',
      `A search across resource types cannot be sorted by "${formatPath(sortBy)}", which both Users and Groups have: search /Users/.search or /Groups/.search, or filter to one type`,
    );
  }
  const unsorted = lacking.map((type) => ({ type, query: { ...query, sortBy: undefined } as ListQuery }));
  const sorted = having.map((type) => ({ type, query }));
  return { parts: query.sortOrder === 'ascending' ? [...sorted, ...unsorted] : [...unsorted, ...sorted] };
}

/** RFC 9865 cursor across types: the type being read and that type's own cursor, tied to the query. */
interface RootCursor {
  t: ResourceTypeName;
  c: string;
  q: string;
}

const digest = (query: ListQuery) =>
  createHash('sha256').update(JSON.stringify(['root', query.filter ?? null, query.sortBy ?? null, query.sortOrder])).digest('base64url').slice(0, 16);
const encode = (c: RootCursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decode(text: string, query: ListQuery, p: Plan): RootCursor {
  let c: RootCursor | undefined;
  try {
    c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    c = undefined;
  }
  if (!c || typeof c !== 'object' || typeof c.c !== 'string' || !p.parts.some((part) => part.type === c!.t)) {
    throw ScimError.badRequest('invalidCursor', 'The cursor is not one this server issued for this search; start again with cursor=');
  }
  if (c.q !== digest(query)) {
    throw ScimError.badRequest('invalidCursor', 'The cursor belongs to a different filter or sort order; start again with cursor=');
  }
  return c;
}

async function totalsOf(request: FastifyRequest, p: Plan): Promise<number[]> {
  const totals: number[] = [];
  for (const { type, query } of p.parts) {
    totals.push((await listResources(request, type, { ...query, cursor: undefined, startIndex: 1, count: 0 })).totalResults);
  }
  return totals;
}

/** Index paging: the slice of each type that falls inside [startIndex, startIndex + count). One listing per
 *  type: its totalResults moves the offset on, and a type the page has no room for is only counted. */
async function indexPage(request: FastifyRequest, query: ListQuery, p: Plan) {
  const resources: string[] = [];
  let totalResults = 0;
  let offset = query.startIndex - 1;
  let budget = SCIM_LIMITS.responseBytes;
  for (const part of p.parts) {
    // Once a page was cut for size (its budget spent), the types after it are only counted: the next page
    // resumes inside it.
    const count = budget <= 0 ? 0 : query.count - resources.length;
    const page = await listResources(request, part.type, { ...part.query, startIndex: offset + 1, count }, budget);
    resources.push(...page.resources);
    budget = page.truncated ? 0 : budget - page.bytes;
    totalResults += page.totalResults;
    offset = Math.max(0, offset - page.totalResults);
  }
  return { resources, totalResults };
}

/** Cursor paging: each type's own keyset cursor, moving on to the next type when one runs out. Forward only
 *  (RFC 9865 §2 makes previousCursor optional). */
async function cursorPage(request: FastifyRequest, query: ListQuery, p: Plan) {
  const start = query.cursor ? decode(query.cursor, query, p) : { t: p.parts[0]!.type, c: '' };
  const totals = await totalsOf(request, p);
  const totalResults = totals.reduce((a, b) => a + b, 0);
  const resources: string[] = [];
  if (query.count === 0) return { resources, totalResults };
  let next: RootCursor | undefined;
  let budget = SCIM_LIMITS.responseBytes;
  const from = p.parts.findIndex((part) => part.type === start.t);
  for (let i = from; i < p.parts.length; i++) {
    const part = p.parts[i]!;
    if (resources.length === query.count || budget <= 0) {
      // Page full (or its bytes spent): the next page starts at the next type that has anything.
      const k = totals.findIndex((total, j) => j >= i && total > 0);
      if (k >= 0) next = { t: p.parts[k]!.type, c: '', q: digest(query) };
      break;
    }
    const page = await listResources(request, part.type, { ...part.query, cursor: i === from ? start.c : '', count: query.count - resources.length }, budget);
    resources.push(...page.resources);
    budget -= page.bytes;
    if (page.nextCursor !== undefined) {
      next = { t: part.type, c: page.nextCursor, q: digest(query) };
      break;
    }
  }
  return { resources, totalResults, ...(next ? { nextCursor: encode(next) } : {}) };
}

export async function searchRoutes(app: FastifyInstance): Promise<void> {
  app.post('/.search', async (request, reply) => {
    const query = parseListQuery(searchBody(request.body), LIMITS);
    const p = plan(query);
    const page = query.cursor === undefined ? await indexPage(request, query, p) : await cursorPage(request, query, p);
    return sendScim(reply, 200, listResponseBody(query, page));
  });
}
