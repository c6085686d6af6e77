// CSV import and export of target users (the product's "Add Users via CSV"). The upload is read as a stream:
// a preview reads it through and writes nothing; an import is spooled to the database and worked as a job
// by whichever instance is free, so its progress survives a page reload (GET /api/v1/jobs/{id}).
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { exportTargetUsers } from '../../../directory/target-user-export.ts';
import { previewImport, queueImport } from '../../../provisioning/csv-import.ts';
import type { Store } from '../../../store/open.ts';
import { actorOf } from '../access.ts';
import { ApiError } from '../errors.ts';
import { CompanyParams, Described, ERROR_RESPONSES } from '../schemas.ts';
import { TargetUserFilters, type TargetUserFilterQuery } from './directory.ts';

/** The largest CSV accepted: about a million rows of the platform's columns. */
export const MAX_CSV_BYTES = 256 * 1024 * 1024;

export async function csvRoutes(app: FastifyInstance, { store }: { store: Store }): Promise<void> {
  // The body reaches the route as the request stream; other types are refused with a 415.
  app.addContentTypeParser(['text/csv', 'application/csv', 'text/plain', 'application/octet-stream'], (_request, payload, done) => done(null, payload));

  app.post(
    '/target-users/import',
    {
      bodyLimit: MAX_CSV_BYTES,
      schema: {
        tags: ['target users'],
        summary: 'Import target users from a CSV body (Content-Type: text/csv); ?dryRun=true previews per-row results and writes nothing',
        params: CompanyParams,
        querystring: Type.Object({ dryRun: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
        response: { 200: Described('The preview: {rows, create, update, unchanged, skipped, failed, columns, problems, truncated}'), 202: Described('{jobId}'), ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { companyId } = request.params as { companyId: string };
      const body = request.body as AsyncIterable<Uint8Array> | undefined;
      if (!body || typeof (body as { [Symbol.asyncIterator]?: unknown })[Symbol.asyncIterator] !== 'function') {
        throw new ApiError('unsupported_media_type', 'Send the CSV file as the request body with Content-Type: text/csv');
      }
      const input = limited(body, MAX_CSV_BYTES);
      if ((request.query as { dryRun?: boolean }).dryRun) return previewImport(store, companyId, input);
      return reply.code(202).send(await queueImport(store, companyId, input, actorOf(request)));
    },
  );
  app.get(
    '/target-users/export',
    {
      schema: {
        tags: ['target users'],
        summary: 'The target users the filters select, as CSV (streamed; the columns the import reads)',
        params: CompanyParams,
        querystring: Type.Object(TargetUserFilters, { additionalProperties: false }),
        produces: ['text/csv'],
      },
    },
    async (request, reply) => {
      const { companyId } = request.params as { companyId: string };
      const filters = request.query as TargetUserFilterQuery;
      const rows = exportTargetUsers(store, { companyId, ...filters });
      // The first chunk is read before answering, so a bad filter is still a JSON error, not a broken file.
      const iterator = rows[Symbol.asyncIterator]();
      const first = await iterator.next();
      reply.header('Content-Type', 'text/csv; charset=utf-8').header('Content-Disposition', `attachment; filename="target-users-${companyId}.csv"`);
      return reply.send(
        Readable.from((async function* () {
          if (!first.done) yield first.value;
          for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
        })()),
      );
    },
  );
}

/** The stream, refused once it passes `max` bytes (the raw stream is not under Fastify's body limit). */
async function* limited(body: AsyncIterable<Uint8Array>, max: number): AsyncIterable<Uint8Array> {
  let seen = 0;
  for await (const chunk of body) {
    seen += chunk.length;
    if (seen > max) throw new ApiError('too_large', `The CSV is larger than the ${max} bytes an import accepts; split it`);
    yield chunk;
  }
}
