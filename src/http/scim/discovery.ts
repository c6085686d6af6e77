// GET /ServiceProviderConfig, /ResourceTypes, /Schemas (RFC 7644 §4).
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  RESOURCE_TYPES,
  SCHEMAS,
  findResourceType,
  findSchema,
  resourceTypeDoc,
  schemaDoc,
  serviceProviderConfig,
} from '../../scim/discovery.ts';
import { ScimError } from '../../scim/errors.ts';
import { capabilities } from './limits.ts';
import { LIST_RESPONSE_URN } from './list-response.ts';
import { sendScim } from './routes.ts';

const list = (resources: unknown[]) => ({
  schemas: [LIST_RESPONSE_URN],
  totalResults: resources.length,
  itemsPerPage: resources.length,
  startIndex: 1,
  Resources: resources,
});

export async function discoveryRoutes(
  app: FastifyInstance,
  options: { baseUrl: (request: FastifyRequest) => string; bodyLimit: number },
): Promise<void> {
  const { baseUrl } = options;
  // RFC 7644 §4: discovery ignores paging and sorting, but a filter gets 403 so no client believes it applied.
  app.addHook('preHandler', async (request) => {
    const query = (request.query ?? {}) as Record<string, unknown>;
    if (Object.keys(query).some((k) => k.toLowerCase() === 'filter')) {
      throw new ScimError(403, undefined, 'Discovery endpoints cannot be filtered (RFC 7644 §4); fetch the whole list or one item by id');
    }
  });
  app.get('/ServiceProviderConfig', async (request, reply) =>
    sendScim(reply, 200, serviceProviderConfig(capabilities(options.bodyLimit), baseUrl(request))),
  );
  app.get('/ResourceTypes', async (request, reply) =>
    sendScim(reply, 200, list(RESOURCE_TYPES.map((rt) => resourceTypeDoc(rt, baseUrl(request))))),
  );
  app.get('/ResourceTypes/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const rt = findResourceType(id);
    if (!rt) throw ScimError.notFound(`No resource type "${id}"; this server has User and Group`);
    return sendScim(reply, 200, resourceTypeDoc(rt, baseUrl(request)));
  });
  app.get('/Schemas', async (request, reply) => sendScim(reply, 200, list(SCHEMAS.map((s) => schemaDoc(s, baseUrl(request))))));
  app.get('/Schemas/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const s = findSchema(id);
    if (!s) throw ScimError.notFound(`No schema "${id}"`);
    return sendScim(reply, 200, schemaDoc(s, baseUrl(request)));
  });
}
