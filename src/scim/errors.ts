// RFC 7644 §3.12: the one error type of the SCIM protocol core. HTTP mapping happens once, in src/http.
export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive'
  | 'invalidCursor'
  | 'expiredCursor';

export class ScimError extends Error {
  constructor(
    readonly status: number,
    readonly scimType: ScimType | undefined,
    readonly detail: string,
    /** How long the client should wait before retrying (429, 503): sent as the Retry-After header. */
    readonly retryAfterSeconds?: number,
  ) {
    super(detail);
    this.name = 'ScimError';
  }

  static badRequest(scimType: ScimType, detail: string): ScimError {
    return new ScimError(400, scimType, detail);
  }
  static notFound(detail: string): ScimError {
    return new ScimError(404, undefined, detail);
  }
  static conflict(detail: string): ScimError {
    return new ScimError(409, 'uniqueness', detail);
  }
}

export type Result<T, E = ScimError> = { ok: true; value: T } | { ok: false; error: E };
export const ok = <T>(value: T): Result<T, never> => ({ ok: true, value });
export const err = <E>(error: E): Result<never, E> => ({ ok: false, error });

export const ERROR_URN = 'urn:ietf:params:scim:api:messages:2.0:Error';

/** RFC 7644 §3.12 error body: `status` is a string. */
export function errorBody(e: ScimError): Record<string, unknown> {
  return { schemas: [ERROR_URN], status: String(e.status), ...(e.scimType ? { scimType: e.scimType } : {}), detail: e.detail };
}
