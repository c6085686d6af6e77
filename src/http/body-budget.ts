// Bodies are held whole while they are parsed (the raw bytes, the decoded text and the JSON values, several
// times the body's size), so memory grows with the bodies in flight at once: 24 concurrent 4 MB bodies took
// the process from 170 to 756 MB. A request whose body would take the bytes in flight past the budget is
// answered 503 with Retry-After before its body is read, and its connection is closed. IdP requests are a
// few kilobytes and never meet the budget; only many near-limit bodies at once do.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ScimError } from '../scim/errors.ts';

/** Bodies of the largest size that may be in memory at once. */
export const MAX_BODIES_IN_FLIGHT = 8;

export function limitBodiesInFlight(app: FastifyInstance, bodyLimit: number): void {
  const budget = MAX_BODIES_IN_FLIGHT * bodyLimit;
  let inFlight = 0;
  const held = new WeakMap<FastifyRequest, number>();
  const release = async (request: FastifyRequest) => {
    inFlight -= held.get(request) ?? 0;
    held.delete(request);
  };
  app.addHook('onRequest', async (request, reply) => {
    const declared = Number(request.headers['content-length']);
    // A chunked body may grow to the body limit.
    const size = request.headers['transfer-encoding'] ? bodyLimit : Number.isFinite(declared) ? Math.min(declared, bodyLimit) : 0;
    if (size === 0) return;
    if (inFlight + size > budget) {
      reply.header('Connection', 'close');
      throw new ScimError(503, undefined, `The server is reading ${MAX_BODIES_IN_FLIGHT} request bodies' worth of data already; send this one again shortly`, 1);
    }
    inFlight += size;
    held.set(request, size);
  });
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
}
