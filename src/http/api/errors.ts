// The one place errors become HTTP responses for the admin API and everything outside /scim:
// `{"error": {"code", "message", "fields"}}` with a stable code per status, the fields a form can show beside
// its inputs. The management plane's AdminError, the API's own ApiError, and Fastify's validation, body and
// routing errors all arrive here.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError, type AdminErrorKind } from '../../directory/errors.ts';

export type ApiErrorCode =
  | 'invalid'
  | 'unauthenticated'
  | 'csrf_failed'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'unsupported_media_type'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

const STATUS: Record<ApiErrorCode, number> = {
  invalid: 400,
  unauthenticated: 401,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

const FROM_ADMIN: Record<AdminErrorKind, ApiErrorCode> = { invalid: 'invalid', notFound: 'not_found', conflict: 'conflict' };

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly fields?: Readonly<Record<string, string>>,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return STATUS[this.code];
  }

  static notFound(what: string): ApiError {
    return new ApiError('not_found', `${what} was not found`);
  }
}

/** The JSON schema of every error body, for the OpenAPI document. */
export const ERROR_SCHEMA = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(STATUS) },
        message: { type: 'string' },
        fields: { type: 'object', additionalProperties: { type: 'string' } },
      },
    },
  },
} as const;

interface ValidationIssue {
  instancePath: string;
  message?: string;
  params?: Record<string, unknown>;
}

/** `body.name`, `query.limit`: the field a validation issue is about, in the request's own terms. */
function fieldOf(issue: ValidationIssue): string {
  const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const missing = issue.params?.missingProperty ?? issue.params?.additionalProperty;
  return [path, typeof missing === 'string' ? missing : ''].filter(Boolean).join('.') || 'body';
}

function messageOf(issue: ValidationIssue): string {
  if (typeof issue.params?.additionalProperty === 'string') return 'is not a known field';
  if (typeof issue.params?.missingProperty === 'string') return 'is required';
  return issue.message ?? 'is not valid';
}

function fromFastify(error: FastifyError, bodyLimit: number): ApiError | undefined {
  const validation = (error as FastifyError & { validation?: ValidationIssue[]; validationContext?: string }).validation;
  if (validation) {
    const fields: Record<string, string> = {};
    for (const issue of validation) fields[fieldOf(issue)] ??= messageOf(issue);
    const list = Object.entries(fields).map(([f, m]) => `${f} ${m}`);
    return new ApiError('invalid', `The request is not valid: ${list.join('; ')}`, fields);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('too_large', `The request body is larger than the ${bodyLimit} bytes this server accepts`);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('unsupported_media_type', 'Send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('invalid', 'The request body is empty; a JSON object was expected');
    case 'FST_ERR_BAD_URL':
      return new ApiError('invalid', 'The request URL is not valid: a percent-encoded sequence in its path is malformed or not UTF-8');
  }
  if (error instanceof SyntaxError || error.code === 'FST_ERR_CTP_INVALID_JSON_BODY') {
    return new ApiError('invalid', `The request body is not valid JSON: ${error.message}`);
  }
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) return new ApiError('invalid', error.message);
  return undefined;
}

export function toApiError(error: unknown, bodyLimit: number): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (error instanceof AdminError) return new ApiError(FROM_ADMIN[error.kind], error.message, error.field === undefined ? undefined : { [error.field]: error.message });
  return error instanceof Error ? fromFastify(error as FastifyError, bodyLimit) : undefined;
}

export function sendApiError(reply: FastifyReply, e: ApiError): FastifyReply {
  if (reply.sent) return reply;
  if (e.retryAfterSeconds !== undefined) reply.header('Retry-After', String(Math.max(1, Math.ceil(e.retryAfterSeconds))));
  const error = { code: e.code, message: e.status >= 500 ? `${e.message} (request ${reply.request.id})` : e.message, ...(e.fields ? { fields: e.fields } : {}) };
  return reply.status(e.status).type('application/json; charset=utf-8').send({ error });
}

export function apiErrorHandler(bodyLimit: number) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const known = toApiError(error, bodyLimit);
    if (known) return sendApiError(reply, known);
    request.log.error({ err: error }, 'unhandled error');
    return sendApiError(reply, new ApiError('internal', 'Internal server error; the operator can find it in the server log'));
  };
}
