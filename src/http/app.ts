// buildApp(deps) returns the server without listening, so tests inject requests and main.ts listens.
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../config.ts';
import { ScimError } from '../scim/errors.ts';
import { ScimRequestRecorder } from '../provisioning/scim-request-stats.ts';
import type { Store } from '../store/open.ts';
import { parseBody } from './body.ts';
import { scimErrorHandler, sendScimError } from './errors.ts';
import { trackHandlers } from './in-flight.ts';
import { parseQueryString } from './query.ts';
import { scimRoutes } from './scim/routes.ts';
import { loggerOptions } from './logging.ts';

export interface AppDeps {
  store: Store;
  config: Pick<Config, 'trustProxy' | 'publicUrl' | 'bodyLimit' | 'logLevel' | 'tls'>;
  /** The clock; tests may pin it. */
  now?: () => Date;
  /** How often request statistics are written (tests shorten it). */
  statsFlushIntervalMs?: number;
  /** false silences request logs (tests). */
  logger?: boolean;
  /** Where log lines go instead of stdout (tests read them back). */
  logStream?: { write(line: string): void };
}

const trustHops = (n: number) => (_address: string, hop: number) => hop < n;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: deps.logger === false ? false : { ...loggerOptions(config.logLevel), ...(deps.logStream ? { stream: deps.logStream } : {}) },
    // A hop count N trusts the N proxies nearest to the server (proxy-addr's meaning of a number).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    bodyLimit: config.bodyLimit,
    // Endpoint names match in any case (/users as /Users): Microsoft's own SCIM test collection sends them
    // lower-cased. Route parameters — resource ids, which are case-sensitive (RFC 7643 §3.1) — keep their case.
    routerOptions: { ignoreTrailingSlash: true, caseSensitive: false, querystringParser: parseQueryString },
    // The https server behaves like the http one for everything routes see; only its type differs.
    ...(config.tls ? { https: { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) } } : {}),
  }) as unknown as FastifyInstance;
  // Fastify closes the server (waiting for open connections) before any onClose hook. Then, in order: the
  // handlers whose clients hung up finish, and what every request recorded is written.
  const handlers = trackHandlers(app);
  const recorder = new ScimRequestRecorder(deps.store, {
    ...(deps.statsFlushIntervalMs !== undefined ? { flushIntervalMs: deps.statsFlushIntervalMs } : {}),
    onFlushError: (e) => app.log.warn({ err: e }, 'could not write the SCIM request statistics; retrying with the next flush'),
  });
  app.addHook('onClose', async () => {
    await handlers.settled();
    await recorder.close();
  });

  // IdPs send application/scim+json or application/json, with or without charset; some send neither. Every
  // body is JSON here, and a body that is not gets a SCIM invalidSyntax error rather than a 415.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => {
    try {
      done(null, parseBody(body as Buffer));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  app.setErrorHandler(scimErrorHandler(config.bodyLimit));
  app.setNotFoundHandler((request, reply) =>
    sendScimError(reply, ScimError.notFound(`No endpoint ${request.method} ${request.url.split('?')[0]}; the SCIM API is under /scim/v2`)),
  );

  app.get('/healthz', async () => ({ status: 'ok' }));

  const now = deps.now ?? (() => new Date());
  for (const prefix of ['/scim/v2', '/scim']) {
    await app.register(scimRoutes, { prefix, store: deps.store, publicUrl: config.publicUrl, now, bodyLimit: config.bodyLimit, recorder });
  }
  return app;
}
