// /Users and /Groups: one set of routes, two resource types.
import { yieldToIo } from '../../provisioning/event-loop.ts';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { etagMatches, etagOf } from '../../provisioning/scim/context.ts';
import { SCIM_SERVICES } from '../../provisioning/scim/services.ts';
import { ScimError } from '../../scim/errors.ts';
import { parseListQuery, parseProjection, type ListQuery, type Projection } from '../../scim/list-query.ts';
import { project, projector, wantsAttribute } from '../../scim/project.ts';
import type { ResourceTypeName } from '../../scim/schemas/urns.ts';
import { LIMITS } from './limits.ts';
import { listResponseBody, type SerialisedPage } from './list-response.ts';
import { SCIM_LIMITS } from '../../scim/limits.ts';
import { scimContext, sendScim } from './routes.ts';

const projectionOf = (query: unknown): Projection => parseProjection((query ?? {}) as Record<string, unknown>);

const idOf = (request: FastifyRequest) => (request.params as { id: string }).id;
const preconditions = (request: FastifyRequest) => {
  const ifMatch = request.headers['if-match'];
  return ifMatch === undefined ? {} : { ifMatch };
};

export interface ListedPage extends SerialisedPage {
  /** UTF-8 bytes of `resources`. */
  bytes: number;
  /** The page was cut short of `count` to stay within its byte budget; more resources follow. */
  truncated: boolean;
}

/**
 * One page of a type, projected and serialised, holding resources only while they fit in `budget` bytes
 * (SCIM_LIMITS.responseBytes): a page of very large resources is shorter, never larger. It holds at least
 * one resource, so paging always moves on; a cut cursor page continues after its last resource, and index
 * paging continues at startIndex + itemsPerPage (RFC 7644 §3.4.2.4).
 */
/** Resources serialised between two chances for other requests to get in (~5 ms of work). */
const SLICE = 100;

export async function listResources(request: FastifyRequest, type: ResourceTypeName, query: ListQuery, budget: number = SCIM_LIMITS.responseBytes): Promise<ListedPage> {
  const { service, derived } = SCIM_SERVICES[type];
  const page = await service.list(scimContext(request), query, wantsAttribute(type, query, derived));
  const resources: string[] = [];
  let bytes = 0;
  const projectOne = projector(type, query);
  const large = page.resources.length > SLICE;
  for (const [i, r] of page.resources.entries()) {
    // Reading a large page and serialising it are long: other requests get in after the read and after every
    // slice. An IdP's lookup (a page of one) does not wait a turn of the event loop.
    if (large && i % SLICE === 0) await yieldToIo();
    const json = JSON.stringify(projectOne(r));
    const size = Buffer.byteLength(json);
    if (resources.length && bytes + size > budget) break;
    resources.push(json);
    bytes += size;
  }
  const truncated = resources.length < page.resources.length;
  const nextCursor = truncated && page.cursorAfter ? page.cursorAfter(resources.length - 1) : page.nextCursor;
  return {
    resources,
    bytes,
    truncated,
    totalResults: page.totalResults,
    ...(nextCursor !== undefined ? { nextCursor } : {}),
    ...(page.previousCursor !== undefined ? { previousCursor: page.previousCursor } : {}),
  };
}

export async function resourceRoutes(app: FastifyInstance, options: { type: ResourceTypeName }): Promise<void> {
  const { type } = options;
  const { service, derived } = SCIM_SERVICES[type];
  const endpoint = `/${type}s`;
  const wants = (p: Projection) => wantsAttribute(type, p, derived);

  app.post(endpoint, async (request, reply) => {
    const p = projectionOf(request.query);
    const w = await service.create(scimContext(request), request.body, wants(p));
    reply.header('Location', (w.resource.meta as { location: string }).location);
    return sendScim(reply, 201, project(type, w.resource, p), w.version);
  });

  app.get(endpoint, async (request, reply) => {
    const query = parseListQuery(request.query as Record<string, unknown>, LIMITS);
    return sendScim(reply, 200, listResponseBody(query, await listResources(request, type, query)));
  });

  app.post(`${endpoint}/.search`, async (request, reply) => {
    const query = parseListQuery(searchBody(request.body), LIMITS);
    return sendScim(reply, 200, listResponseBody(query, await listResources(request, type, query)));
  });

  app.get(`${endpoint}/:id`, async (request, reply) => {
    const p = projectionOf(request.query);
    const w = await service.get(scimContext(request), idOf(request), wants(p));
    // RFC 7644 §3.14: If-None-Match with the current version answers 304 without a body.
    const ifNoneMatch = request.headers['if-none-match'];
    if (ifNoneMatch !== undefined && etagMatches(ifNoneMatch, w.version)) {
      return reply.status(304).header('ETag', etagOf(w.version)).send();
    }
    return sendScim(reply, 200, project(type, w.resource, p), w.version);
  });

  app.put(`${endpoint}/:id`, async (request, reply) => {
    const p = projectionOf(request.query);
    const w = await service.replace(scimContext(request), idOf(request), request.body, preconditions(request), wants(p));
    return sendScim(reply, 200, project(type, w.resource, p), w.version);
  });

  app.patch(`${endpoint}/:id`, async (request, reply) => {
    const p = projectionOf(request.query);
    // Users answer 200 with the resource (Entra's documentation); Groups answer 204 unless the client asked
    // for attributes, so a member change never reads a 100,000-member list back (RFC 7644 §3.5.2).
    const withBody = type === 'User' || p.attributes.length > 0;
    const w = await service.patch(scimContext(request), idOf(request), request.body, preconditions(request), withBody && wants(p));
    if (!withBody) return reply.status(204).header('ETag', etagOf(w.version)).send();
    return sendScim(reply, 200, project(type, w.resource, p), w.version);
  });

  app.delete(`${endpoint}/:id`, async (request, reply) => {
    await service.remove(scimContext(request), idOf(request), preconditions(request));
    return reply.status(204).send();
  });
}

/** POST /.search bodies (RFC 7644 §3.4.3) carry attributes as arrays; the query parser takes both forms. */
export function searchBody(body: unknown): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw ScimError.badRequest('invalidSyntax', 'A search request body must be a JSON object (RFC 7644 §3.4.3)');
  }
  return body as Record<string, unknown>;
}
