// The one place errors become HTTP responses for the SCIM surface (RFC 7644 §3.12).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ScimError, errorBody } from '../scim/errors.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Fastify's own errors (body parsing, size limits, routing) translated into SCIM terms. */
function fromFastify(error: FastifyError, bodyLimit: number): ScimError | undefined {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ScimError(413, undefined, `The request body is larger than the ${bodyLimit} bytes this server accepts`);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return ScimError.badRequest('invalidSyntax', 'The request body is empty; a JSON object was expected');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ScimError(415, undefined, 'Send the body as application/scim+json or application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return ScimError.badRequest('invalidSyntax', 'The Content-Length header does not match the body');
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
  // RFC 9110 §10.2.3. A SCIM 503 means another process held the database's write lock for seconds
  // (provisioning/scim/kind.ts): worth retrying soon.
  if (e.status === 503) reply.header('Retry-After', '1');
  return reply.status(e.status).type(SCIM_CONTENT_TYPE).send(errorBody(e));
}

export function scimErrorHandler(bodyLimit: number) {
  return (error: FastifyError | ScimError | Error, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof ScimError) return sendScimError(reply, error);
    const known = fromFastify(error as FastifyError, bodyLimit);
    if (known) return sendScimError(reply, known);
    // Never leak the message of an unexpected error; the request id ties the response to the log line.
    request.log.error({ err: error }, 'unhandled error');
    return sendScimError(reply, new ScimError(500, undefined, `Internal server error (request ${request.id}); the operator can find it in the server log`));
  };
}
