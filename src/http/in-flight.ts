// app.close() waits for open connections, not for route handlers: a handler whose client hung up keeps
// running with no connection left to wait for (a Bulk request of 1,000 creates, say). What is closed after
// the server (the request statistics, the store) must wait for those handlers too, or they fail half-way.
import type { FastifyInstance } from 'fastify';

/** Tracks the app's route handlers; `settled()` resolves once every one running now has finished. Call it
 *  before any route is added. */
export function trackHandlers(app: FastifyInstance): { settled(): Promise<void> } {
  const running = new Set<Promise<void>>();
  app.addHook('onRoute', (route) => {
    const handler = route.handler;
    route.handler = function (this: FastifyInstance, request, reply) {
      const result: unknown = handler.call(this, request, reply);
      if (result instanceof Promise) {
        const done = result.then(
          () => undefined,
          () => undefined,
        );
        running.add(done);
        void done.then(() => running.delete(done));
      }
      return result;
    };
  });
  return {
    async settled() {
      await Promise.all([...running]);
    },
  };
}
