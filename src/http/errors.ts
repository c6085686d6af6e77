// The one place errors become HTTP responses for the SCIM surface (RFC 7644 §3.12).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ScimError, errorBody } from '../scim/errors.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** A request body refused while reading it (too large, empty, not JSON): counted apart in the metrics. */
export class BodyError extends ScimError {}

/** Fastify's own errors (body parsing, size limits, routing) translated into SCIM terms. */
function fromFastify(error: FastifyError, bodyLimit: number): ScimError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new BodyError(413, undefined, `The request body is larger than the ${bodyLimit} bytes this server accepts`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new BodyError(400, 'invalidSyntax', 'The request body is empty; a JSON object was expected');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new BodyError(415, undefined, 'Send the body as application/scim+json or application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new BodyError(400, 'invalidSyntax', 'The Content-Length header does not match the body');
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    return new ScimError(error.statusCode, undefined, error.message);
  }
  return undefined;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The SCIM error this request was answered with (read after the response, for the request statistics). */
    scimError?: ScimError;
  }
}

export function sendScimError(reply: FastifyReply, e: ScimError): FastifyReply {
  reply.request.scimError = e;
  if (e.status === 401) reply.header('WWW-Authenticate', 'Bearer realm="Roster SCIM", error="invalid_token"');
  if (e.retryAfterSeconds !== undefined) reply.header('Retry-After', String(Math.max(1, Math.ceil(e.retryAfterSeconds))));
  // A server-side failure names the request, so the operator can find its log lines.
  const body = errorBody(e.status >= 500 ? new ScimError(e.status, e.scimType, `${e.detail} (request ${reply.request.id})`) : e);
  return reply.status(e.status).type(SCIM_CONTENT_TYPE).send(body);
}

export function scimErrorHandler(bodyLimit: number, onBodyRejected: (status: number) => void) {
  return (error: FastifyError | ScimError | Error, request: FastifyRequest, reply: FastifyReply) => {
    const known = error instanceof ScimError ? error : fromFastify(error as FastifyError, bodyLimit);
    if (known instanceof BodyError) onBodyRejected(known.status);
    if (known) return sendScimError(reply, known);
    // Never leak the message of an unexpected error; the request id ties the response to the log line.
    request.log.error({ err: error }, 'unhandled error');
    return sendScimError(reply, new ScimError(500, undefined, 'Internal server error; the operator can find it in the server log'));
  };
}
