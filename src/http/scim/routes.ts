// The SCIM API (RFC 7644), mounted at /scim/v2 and at /scim (the URL the product documentation gives).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { etagOf, type ScimContext } from '../../provisioning/scim/context.ts';
import type { ScimRequestRecorder } from '../../provisioning/scim-request-stats.ts';
import { ScimError } from '../../scim/errors.ts';
import type { Store } from '../../store/open.ts';
import { SCIM_CONTENT_TYPE } from '../errors.ts';
import { startDeadline } from '../deadline.ts';
import type { Metrics } from '../metrics.ts';
import { paramsProblem, queryProblem } from '../query.ts';
import { scimBaseUrl } from './auth.ts';
import { bulkRoutes } from './bulk.ts';
import { discoveryRoutes } from './discovery.ts';
import { authenticateLimited, enforceTokenLimit, type RateLimiting } from './rate-limits.ts';
import { resourceRoutes } from './resources.ts';
import { searchRoutes } from './search.ts';

export interface ScimRouteOptions {
  /** Where the plugin is mounted inside /scim (`/v2` or ``), as Fastify nests prefixes. */
  prefix: string;
  /** The whole path of the SCIM base URL (`/scim/v2`), for the locations in responses. */
  basePath: string;
  store: Store;
  publicUrl: string | undefined;
  now: () => Date;
  bodyLimit: number;
  handlerTimeoutMs: number;
  /** Counts each authenticated request for `roster scim-setting status`. */
  recorder: ScimRequestRecorder;
  limits: RateLimiting;
  metrics: Metrics;
}

declare module 'fastify' {
  interface FastifyRequest {
    scim?: ScimContext;
  }
}

/** The authenticated request's context; routes registered behind the auth hook always have one. */
export function scimContext(request: FastifyRequest): ScimContext {
  if (!request.scim) throw new ScimError(401, undefined, 'Authentication required');
  return request.scim;
}

export function sendScim(reply: FastifyReply, status: number, body: unknown, version?: number): FastifyReply {
  // Answered already: the handler outlived its deadline (http/deadline.ts).
  if (reply.sent) return reply;
  if (version !== undefined) reply.header('ETag', etagOf(version));
  return reply.status(status).type(SCIM_CONTENT_TYPE).send(body);
}

export async function scimRoutes(app: FastifyInstance, options: ScimRouteOptions): Promise<void> {
  const baseUrl = (request: FastifyRequest) => scimBaseUrl(request, options.publicUrl, options.basePath);

  // Every SCIM response is application/scim+json, errors included (RFC 7644 §3.1).
  app.addHook('onSend', async (_request, reply, payload) => {
    if (String(reply.getHeader('content-type') ?? '').startsWith('application/json')) reply.type(SCIM_CONTENT_TYPE);
    return payload;
  });

  // Strict query decoding (query.ts) runs while routing, where it cannot answer; its verdict is given here,
  // after authentication, so a request without a token still gets its 401.
  app.addHook('preHandler', async (request) => {
    const problem = queryProblem(request.query) ?? paramsProblem(request.params);
    if (problem) throw problem;
  });

  // Discovery documents hold no tenant data and are served without a token (RFC 7644 §4).
  await app.register(discoveryRoutes, { baseUrl, bodyLimit: options.bodyLimit });

  await app.register(async (secured) => {
    secured.addHook('onRequest', async (request, reply) => {
      // The clock starts before the token lookup: a request stuck on the database is stuck either way.
      const deadline = startDeadline(reply, options.handlerTimeoutMs);
      const setting = await authenticateLimited(options.store, request, options.limits);
      const userAgent = request.headers['user-agent'];
      request.scim = { store: options.store, setting, baseUrl: baseUrl(request), now: options.now, deadline, requestId: request.id, ...(userAgent ? { userAgent } : {}) };
      // After the context is set, so that a 429 shows in the setting's statistics.
      enforceTokenLimit(setting, options.limits);
    });
    // 401s (and 429s for failed tokens) have no setting and are not counted.
    secured.addHook('onResponse', async (request, reply) => {
      const context = request.scim;
      if (!context) return;
      const error = request.scimError;
      options.metrics.scimOutcome(context.setting.id, reply.statusCode);
      options.recorder.record({
        settingId: context.setting.id,
        at: context.now(),
        method: request.method,
        url: request.originalUrl,
        userAgent: request.headers['user-agent'],
        status: reply.statusCode,
        warned: context.warned === true,
        error: error && { scimType: error.scimType, detail: error.detail },
      });
    });
    await secured.register(resourceRoutes, { type: 'User' });
    await secured.register(resourceRoutes, { type: 'Group' });
    await secured.register(searchRoutes);
    await secured.register(bulkRoutes, { bodyLimit: options.bodyLimit });
    secured.get('/Me', async () => {
      throw new ScimError(501, undefined, 'The /Me endpoint is not supported: SCIM tokens belong to a SCIM setting, not to a user');
    });
  });
}
