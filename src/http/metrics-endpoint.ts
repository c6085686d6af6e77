// GET /metrics: on the app behind METRICS_TOKEN, or on a listener of its own (METRICS_HOST/METRICS_PORT,
// started by main.ts, or by the cluster primary) that serves nothing else, behind the token too when one is set.
import Fastify, { type FastifyInstance } from 'fastify';
import { hashToken, sameHash } from '../provisioning/tokens.ts';

/** A process's own prom-client Registry, or the sum of a cluster's workers (cluster/metrics.ts). */
export interface MetricsSource {
  readonly contentType: string;
  metrics(): Promise<string>;
}

export function metricsRoute(app: FastifyInstance, source: MetricsSource, token: string | undefined): void {
  const expected = token === undefined ? undefined : hashToken(token);
  app.get('/metrics', async (request, reply) => {
    const presented = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '')?.[1];
    // Compared as hashes, in constant time: the token guards the metrics of every tenant.
    if (expected !== undefined && !(presented !== undefined && sameHash(hashToken(presented), expected))) {
      return reply.code(401).header('WWW-Authenticate', 'Bearer realm="Roster metrics"').type('text/plain').send('Send METRICS_TOKEN as "Authorization: Bearer <token>"\n');
    }
    return reply.type(source.contentType).send(await source.metrics());
  });
}

/** The separate metrics listener: /metrics and nothing else (404 for the rest). */
export function metricsServer(source: MetricsSource, token: string | undefined): FastifyInstance {
  const app = Fastify({ logger: false });
  metricsRoute(app, source, token);
  return app;
}
