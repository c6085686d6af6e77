// app.close() waits for open connections, not for route handlers: a handler whose client hung up keeps
// running with no connection left to wait for (a Bulk request of 1,000 creates, say). The server's store is
// closed right after app.close(), so close must also wait for those handlers, or they fail half-way.
import type { FastifyInstance } from 'fastify';

/** Makes `app.close()` resolve only once every route handler that was running has settled. */
export function closeAfterHandlers(app: FastifyInstance): void {
  const running = new Set<PromiseLike<unknown>>();
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, request, reply) {
      const result: unknown = handler.call(this, request, reply);
      if (result instanceof Promise) {
        const settled = result.then(
          () => undefined,
          () => undefined,
        );
        running.add(settled);
        void settled.then(() => running.delete(settled));
      }
      return result;
    };
  });
  // Registered before any route: onClose hooks run last-registered first, and Fastify's own (which closes
  // the server and waits for its connections) is registered when the app is ready, so this one runs after it.
  app.addHook('onClose', async () => {
    await Promise.all([...running]);
  });
}
