// The one place errors become HTTP responses for the SCIM surface (RFC 7644 §3.12): the routes' own errors,
// Fastify's (body parsing, size limits, routing, bad URLs) and Node's (malformed requests, timeouts, headers
// too large), so that every error under /scim is a SCIM error a client can read.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ScimError, errorBody } from '../scim/errors.ts';

export const SCIM_CONTENT_TYPE = 'application/scim+json; charset=utf-8';

/** Longest route parameter (a resource id) the router accepts; ids Roster issues are UUIDs. */
export const MAX_PARAM_LENGTH = 1024;

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
    case 'FST_ERR_BAD_URL':
      return ScimError.badRequest('invalidPath', 'The request URL is not valid: a percent-encoded sequence in its path is malformed or not UTF-8');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new ScimError(414, undefined, `A segment of the request path is longer than ${MAX_PARAM_LENGTH} characters; no resource id is that long`);
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
  // A handler that outlived its deadline finds its request already answered with 503 (http/deadline.ts).
  if (reply.sent) return reply;
  reply.request.scimError = e;
  if (e.status === 401) {
    reply.header('WWW-Authenticate', 'Bearer realm="Roster SCIM", error="invalid_token"');
    // The body of an unauthenticated request is never read: close rather than let it trickle in.
    reply.header('Connection', 'close');
  }
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
    return sendScimError(reply, internalError(request, error));
  };
}

/** An unexpected error, logged whole and answered without its message (which may quote data); sendScimError
 *  (or the caller, for a Bulk operation's result) adds the request id that ties the answer to the log line. */
export function internalError(request: FastifyRequest, error: unknown, what = 'Internal server error'): ScimError {
  request.log.error({ err: error }, 'unhandled error');
  return new ScimError(500, undefined, `${what}; the operator can find it in the server log`);
}

/** Errors Node's HTTP parser raises before a request reaches Fastify, answered as SCIM errors on the raw
 *  socket, which is then closed (the connection's state is unknown). */
function fromClientError(error: NodeJS.ErrnoException, requestTimeoutMs: number): ScimError {
  switch (error.code) {
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ScimError(408, undefined, `The request did not arrive within ${requestTimeoutMs / 1000} seconds (headers and body); send it again`);
    case 'HPE_HEADER_OVERFLOW':
      return new ScimError(431, undefined, 'The request line and headers are larger than the 16 KB this server accepts');
    case 'HPE_URI_TOO_LONG':
      return new ScimError(414, undefined, 'The request URL is longer than this server accepts');
    default:
      return ScimError.badRequest('invalidSyntax', `The request is not valid HTTP/1.1 (${error.code ?? 'parse error'})`);
  }
}

export function scimClientErrorHandler(requestTimeoutMs: number) {
  return (error: NodeJS.ErrnoException, socket: Socket) => {
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    if (socket.writable) {
      const e = fromClientError(error, requestTimeoutMs);
      const body = JSON.stringify(errorBody(e));
      socket.write(
        `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status]}\r\nContent-Type: ${SCIM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  };
}
