// POST /Bulk (RFC 7644 §3.7).
import type { FastifyInstance } from 'fastify';
import { BULK_RESPONSE_URN, runBulk } from '../../provisioning/scim/bulk.ts';
import { internalError } from '../errors.ts';
import { capabilities } from './limits.ts';
import { scimContext, sendScim } from './routes.ts';

export async function bulkRoutes(app: FastifyInstance, options: { bodyLimit: number }): Promise<void> {
  const { bulkMaxOperations } = capabilities(options.bodyLimit);
  app.post('/Bulk', async (request, reply) => {
    const operations = await runBulk(scimContext(request), request.body, {
      maxOperations: bulkMaxOperations,
      // An operation's result is not sent through sendScimError, so it names the request itself.
      unexpected: (error) => internalError(request, error, `Internal server error in this operation (request ${request.id})`),
    });
    return sendScim(reply, 200, { schemas: [BULK_RESPONSE_URN], Operations: operations });
  });
}
