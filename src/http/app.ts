// buildApp(deps) returns the server without listening, so tests inject requests and main.ts listens.
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import { DEFAULT_HANDLER_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, type Config } from '../config.ts';
import { DEFAULT_SESSION_POLICY } from '../auth/sessions.ts';
import { ScimError } from '../scim/errors.ts';
import { FailedAuthLimits } from '../provisioning/rate-limits/failed-auth-limits.ts';
import { TokenLimits } from '../provisioning/rate-limits/token-limits.ts';
import { ScimRequestRecorder } from '../provisioning/scim-request-stats.ts';
import type { Store } from '../store/open.ts';
import { ping } from '../store/ping.ts';
import { parseBody } from './body.ts';
import { limitBodiesInFlight } from './body-budget.ts';
import { apiErrorHandler } from './api/errors.ts';
import { apiRoutes } from './api/plugin.ts';
import { BodyError, MAX_PARAM_LENGTH, scimClientErrorHandler, scimErrorHandler as scimErrors, sendScimError } from './errors.ts';
import { trackHandlers } from './in-flight.ts';
import { Metrics } from './metrics.ts';
import { metricsRoute, type MetricsSource } from './metrics-endpoint.ts';
import { parseQueryString } from './query.ts';
import { requestIdOf } from './request-id.ts';
import { canonicalScimUrl, isScimUrl } from './scim/paths.ts';
import { scimRoutes } from './scim/routes.ts';
import { uiRoutes } from './ui.ts';
import { loggerOptions } from './logging.ts';

/** How long /readyz waits for the database. */
const READY_TIMEOUT_MS = 2_000;

export interface AppDeps {
  store: Store;
  config: Pick<Config, 'trustProxy' | 'publicUrl' | 'bodyLimit' | 'logLevel' | 'tls' | 'scimRateLimit' | 'metrics'> &
    Partial<Pick<Config, 'requestTimeoutMs' | 'handlerTimeoutMs' | 'sessionIdleMinutes' | 'sessionMaxHours'>>;
  /** The metrics this app counts into; main.ts shares them with the separate metrics listener. */
  metrics?: Metrics;
  /** What GET /metrics answers, when not this app's own metrics: a cluster worker answers the sum of every
   *  worker's (cluster/metrics.ts). */
  metricsSource?: MetricsSource;
  /** Fields on every log line of this app (a cluster worker's id). */
  logBindings?: Record<string, unknown>;
  /** The clock (also of the rate limits); tests may pin it. */
  now?: () => Date;
  /** How often request statistics and rate-limit usage are written (tests shorten it). */
  statsFlushIntervalMs?: number;
  /** false silences request logs (tests). */
  logger?: boolean;
  /** Where log lines go instead of stdout (tests read them back). */
  logStream?: { write(line: string): void };
}

const trustHops = (n: number) => (_address: string, hop: number) => hop < n;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const requestTimeoutMs = config.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Node checks request deadlines on an interval (30 s by default): once a second keeps a trickled body from
  // holding its socket much past REQUEST_TIMEOUT_MS. Headers must arrive within the same time.
  const serverOptions = { connectionsCheckingInterval: 1000, headersTimeout: requestTimeoutMs };
  const metrics = deps.metrics ?? new Metrics(deps.store);
  const scimErrorHandler = scimErrors(config.bodyLimit, (status) => metrics.bodyRejected(status));
  const apiErrors = apiErrorHandler(config.bodyLimit);
  const app = Fastify({
    logger: deps.logger === false ? false : { ...loggerOptions(config.logLevel, deps.logBindings), ...(deps.logStream ? { stream: deps.logStream } : {}) },
    // A hop count N trusts the N proxies nearest to the server (proxy-addr's meaning of a number).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    bodyLimit: config.bodyLimit,
    requestTimeout: requestTimeoutMs,
    http: serverOptions,
    // Node's parser errors (a malformed request, headers over 16 KB, a request that did not arrive in time)
    // answer as SCIM errors: they come before any URL is known, and IdPs are the clients that meet them.
    // Fastify's URL errors answer in the shape of the surface the URL is under.
    clientErrorHandler: scimClientErrorHandler(requestTimeoutMs),
    frameworkErrors: (error, request, reply) => (isScimUrl(request.url) ? scimErrorHandler : apiErrors)(error, request, reply),
    rewriteUrl: (request) => canonicalScimUrl(request.url ?? '/'),
    genReqId: requestIdOf,
    // A request that arrives on a keep-alive connection while draining is served (with Connection: close,
    // main.ts), not refused with Fastify's own non-SCIM 503.
    return503OnClosing: false,
    // An unknown field in an admin API body is an error naming it, not silently dropped (Fastify's default).
    ajv: { customOptions: { removeAdditional: false } },
    // SCIM endpoint names match in any case through rewriteUrl (scim/paths.ts); the router itself is exact.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: MAX_PARAM_LENGTH, querystringParser: parseQueryString },
    // The https server behaves like the http one for everything routes see; only its type differs.
    ...(config.tls ? { https: { ...serverOptions, cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } } : {}),
  }) as unknown as FastifyInstance;
  // Fastify closes the server (waiting for open connections) before any onClose hook. Then, in order: the
  // handlers whose clients hung up finish, and what every request recorded is written (the request
  // statistics; a running rate-limit exchange finishes).
  const handlers = trackHandlers(app);
  const flushIntervalMs = deps.statsFlushIntervalMs;
  const recorder = new ScimRequestRecorder(deps.store, {
    ...(flushIntervalMs !== undefined ? { flushIntervalMs } : {}),
    onFlushError: (e) => app.log.warn({ err: e }, 'could not write the SCIM request statistics; retrying with the next flush'),
  });
  const now = deps.now ?? (() => new Date());
  const tokens = new TokenLimits(deps.store, {
    defaultLimit: config.scimRateLimit,
    now,
    ...(flushIntervalMs !== undefined ? { exchangeIntervalMs: flushIntervalMs } : {}),
    onExchangeError: (e) => app.log.warn({ err: e }, 'could not share rate-limit usage with the other instances; retrying with the next exchange'),
  });
  const limits = { tokens, failedAuth: new FailedAuthLimits(), metrics, now };
  app.addHook('onClose', async () => {
    await handlers.settled();
    await Promise.all([recorder.close(), tokens.close()]);
  });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  limitBodiesInFlight(app, config.bodyLimit);
  // The route pattern, not the URL: ids in label values would make a series per resource.
  app.addHook('onResponse', async (request, reply) => {
    metrics.observeRequest(request.routeOptions.url ?? 'unmatched', request.method, reply.statusCode, reply.elapsedTime / 1000);
  });

  // Outside /scim (the admin API, the UI, the health endpoints) errors have the admin API's JSON shape.
  app.setErrorHandler(apiErrors);
  await app.register(uiRoutes);
  const sessions = {
    sessionIdleMinutes: config.sessionIdleMinutes ?? DEFAULT_SESSION_POLICY.sessionIdleMinutes,
    sessionMaxHours: config.sessionMaxHours ?? DEFAULT_SESSION_POLICY.sessionMaxHours,
  };
  await app.register(apiRoutes, { prefix: '/api/v1', store: deps.store, publicUrl: config.publicUrl, bodyLimit: config.bodyLimit, now, sessions });

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (request, reply) => {
    try {
      await ping(deps.store, READY_TIMEOUT_MS);
      return { status: 'ready' };
    } catch (e) {
      request.log.warn({ err: e }, 'readiness check: the database is unreachable');
      return reply.code(503).send({ status: 'unavailable', detail: `The database did not answer (request ${request.id})` });
    }
  });
  // On this app only with a token and no listener of its own (main.ts serves that one); else 404.
  if (config.metrics.token && !config.metrics.listen) metricsRoute(app, deps.metricsSource ?? metrics.registry, config.metrics.token);

  await app.register(
    async (scim) => {
      // IdPs send application/scim+json or application/json, with or without charset; some send neither. Every
      // body is JSON here, and a body that is not gets a SCIM invalidSyntax error rather than a 415.
      scim.removeAllContentTypeParsers();
      scim.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
        try {
          done(null, parseBody(body as Buffer));
        } catch (e) {
          // Counted apart in the metrics as a request-body rejection.
          done(e instanceof ScimError ? new BodyError(e.status, e.scimType, e.detail) : (e as Error), undefined);
        }
      });
      scim.setErrorHandler(scimErrorHandler);
      scim.setNotFoundHandler((request, reply) =>
        sendScimError(reply, ScimError.notFound(`No endpoint ${request.method} ${request.url.split('?')[0]}; the SCIM API is under /scim/v2`)),
      );
      for (const prefix of ['/v2', '']) {
        await scim.register(scimRoutes, {
          prefix,
          basePath: `/scim${prefix}`,
          store: deps.store,
          publicUrl: config.publicUrl,
          now,
          bodyLimit: config.bodyLimit,
          handlerTimeoutMs: config.handlerTimeoutMs ?? DEFAULT_HANDLER_TIMEOUT_MS,
          recorder,
          limits,
          metrics,
        });
      }
    },
    { prefix: '/scim' },
  );
  return app;
}
