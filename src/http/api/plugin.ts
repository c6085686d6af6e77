// The admin API at /api/v1: JSON over the same management functions the CLI calls, described by an OpenAPI
// 3.1 document generated from the routes' schemas (/api/v1/openapi.json, read at /api/v1/docs). The routes
// validate with those schemas; every error is the API's JSON error (errors.ts).
import fastifyCookie from '@fastify/cookie';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { requireJob } from '../../directory/logs.ts';
import type { SessionPolicy } from '../../auth/sessions.ts';
import type { Store } from '../../store/open.ts';
import { authenticate, isUnsafe, requireCompanyAccess, requireWriter } from './access.ts';
import { ApiError, apiErrorHandler, ERROR_SCHEMA, sendApiError } from './errors.ts';
import { csvRoutes } from './routes/csv.ts';
import { directoryRoutes } from './routes/directory.ts';
import { peopleRoutes } from './routes/people.ts';
import { scimSettingRoutes } from './routes/scim-settings.ts';
import { publicSessionRoutes, sessionRoutes } from './routes/session.ts';
import { Described, ERROR_RESPONSES, Id } from './schemas.ts';

export interface ApiOptions {
  store: Store;
  publicUrl: string | undefined;
  bodyLimit: number;
  now: () => Date;
  /** SESSION_IDLE_MINUTES and SESSION_MAX_HOURS. */
  sessions: SessionPolicy;
}

export async function apiRoutes(app: FastifyInstance, options: ApiOptions): Promise<void> {
  const { store, now } = options;
  await app.register(fastifyCookie);
  app.addSchema(ERROR_SCHEMA);
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Roster admin API',
        version: '1',
        description:
          'Companies, target users, custom fields, groups, SCIM settings, job and audit logs, CSV import and export. ' +
          'Scripts authenticate with an API key (`Authorization: Bearer rk_…`, from `roster api-key create`); the admin UI with a session ' +
          'cookie and the X-CSRF-Token header on every unsafe method. Lists are paged: `?limit=&cursor=` → `{"items", "nextCursor"}`. ' +
          'Errors: `{"error": {"code", "message", "fields"}}`.',
      },
      servers: [{ url: '/api/v1' }],
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key from `roster api-key create` or the API keys screen' },
          session: { type: 'apiKey', in: 'cookie', name: 'roster_session', description: 'The UI session; unsafe methods also need X-CSRF-Token' },
        },
      },
      security: [{ apiKey: [] }, { session: [] }],
    },
    // Routes are documented relative to the /api/v1 server.
    transform: ({ schema, url }) => ({ schema, url: url.replace(/^\/api\/v1/, '') || '/' }),
  });
  app.setErrorHandler(apiErrorHandler(options.bodyLimit));
  app.setNotFoundHandler((request, reply) =>
    sendApiError(reply, new ApiError('not_found', `No endpoint ${request.method} ${request.url.split('?')[0]}; the API is described at /api/v1/openapi.json`)),
  );
  // Answers carry who they are for: never kept by a shared cache.
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('Cache-Control', 'no-store');
    reply.header('X-Content-Type-Options', 'nosniff');
    return payload;
  });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
  await app.register(publicSessionRoutes, { store, now, policy: options.sessions });

  await app.register(async (secured) => {
    secured.addHook('onRequest', authenticate(store, now));
    await secured.register(sessionRoutes, { store, now, policy: options.sessions });
    await secured.register(peopleRoutes, { store, publicUrl: options.publicUrl });
    secured.get(
      '/jobs/:id',
      { schema: { tags: ['jobs'], summary: 'Progress of long work: a CSV import or a re-derivation', params: Type.Object({ id: Id }), response: { 200: Described('{id, companyId, kind, status, done, total, error, createdAt, updatedAt, finishedAt}'), ...ERROR_RESPONSES } } },
      async (request) => {
        const job = await requireJob(store, (request.params as { id: string }).id);
        requireCompanyAccess(request, job.companyId);
        return job;
      },
    );
    // Everything of one company: a caller scoped to another company is told it does not exist, a viewer
    // may only read.
    await secured.register(
      async (company) => {
        company.addHook('preHandler', async (request) => {
          requireCompanyAccess(request, (request.params as { companyId: string }).companyId);
          if (isUnsafe(request)) requireWriter(request);
        });
        await company.register(directoryRoutes, { store });
        await company.register(scimSettingRoutes, { store, publicUrl: options.publicUrl });
        await company.register(csvRoutes, { store });
      },
      { prefix: '/companies/:companyId' },
    );
  });
}
