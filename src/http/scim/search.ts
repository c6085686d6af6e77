// POST /.search at the root (RFC 7644 §3.4.3): Users then Groups, paged as one list. A filter that names an
// attribute only one of the types has searches that type alone.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ListResult } from '../../provisioning/scim/kind.ts';
import { ScimError } from '../../scim/errors.ts';
import { parseListQuery, type ListQuery } from '../../scim/list-query.ts';
import type { ResourceTypeName } from '../../scim/schemas/urns.ts';
import { LIMITS } from './limits.ts';
import { listResponseBody } from './list-response.ts';
import { listResources, searchBody } from './resources.ts';
import { sendScim } from './routes.ts';

const TYPES: ResourceTypeName[] = ['User', 'Group'];

/** A page of one type, or undefined when the filter names an attribute that type does not have. */
async function pageOf(request: FastifyRequest, type: ResourceTypeName, query: ListQuery): Promise<ListResult | undefined> {
  try {
    return await listResources(request, type, query);
  } catch (e) {
    if (e instanceof ScimError && e.scimType === 'invalidFilter' && /unknown attribute/i.test(e.detail)) return undefined;
    throw e;
  }
}

export async function searchRoutes(app: FastifyInstance): Promise<void> {
  app.post('/.search', async (request, reply) => {
    const query = parseListQuery(searchBody(request.body), LIMITS);
    if (query.cursor !== undefined) {
      throw ScimError.badRequest('invalidValue', 'Cursor pagination is available per resource type (/Users/.search, /Groups/.search), not across types');
    }
    // Count every type first, then fetch the slice of each that falls inside [startIndex, startIndex + count).
    const totals: { type: ResourceTypeName; total: number }[] = [];
    for (const type of TYPES) {
      const page = await pageOf(request, type, { ...query, startIndex: 1, count: 0 });
      if (page) totals.push({ type, total: page.totalResults });
    }
    if (!totals.length) throw ScimError.badRequest('invalidFilter', 'The filter names attributes that neither Users nor Groups have');
    const resources: Record<string, unknown>[] = [];
    let offset = query.startIndex - 1;
    for (const { type, total } of totals) {
      const room = query.count - resources.length;
      if (room > 0 && offset < total) {
        const page = await listResources(request, type, { ...query, startIndex: offset + 1, count: room });
        resources.push(...page.resources);
      }
      offset = Math.max(0, offset - total);
    }
    const totalResults = totals.reduce((sum, t) => sum + t.total, 0);
    return sendScim(reply, 200, listResponseBody(query, { resources, totalResults }));
  });
}
