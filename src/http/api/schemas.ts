// Schemas shared by the admin API's routes: one definition each for request validation, the handlers'
// types and the OpenAPI document.
import { Type, type TSchema } from 'typebox';

export const Id = Type.String({ minLength: 1, maxLength: 64, description: 'A resource id' });
export const CompanyParams = Type.Object({ companyId: Id });
export const CompanyItemParams = Type.Object({ companyId: Id, id: Id });

export const Limit = Type.Integer({ minimum: 1, maximum: 1000, description: 'Items per page (default 100)' });
export const Cursor = Type.String({ minLength: 1, maxLength: 512, description: "The previous page's nextCursor" });
export const PageQuery = Type.Object({ limit: Type.Optional(Limit), cursor: Type.Optional(Cursor) }, { additionalProperties: false });

export const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

/** A response body described for the OpenAPI document; serialised as the handler returns it. */
export const Described = (description: string) => Type.Object({}, { description, additionalProperties: true });

/** `{"items": [...], "nextCursor"}`: a page and where the next one starts (null on the last page). */
export const Page = (description: string) =>
  Type.Object({ items: Type.Array(Described(description)), nextCursor: Nullable(Type.String()) }, { additionalProperties: true });

export const Empty = Type.Null({ description: 'No content' });

export const ERROR_RESPONSES = {
  400: { $ref: 'Error#' },
  401: { $ref: 'Error#' },
  403: { $ref: 'Error#' },
  404: { $ref: 'Error#' },
  409: { $ref: 'Error#' },
};

/** nextCursor of a page: the key of its last item when the page is full, else null. */
export function nextCursor<T>(items: readonly T[], limit: number | undefined, key: (item: T) => string): string | null {
  const last = items.at(-1);
  return last !== undefined && items.length === (limit ?? 100) ? key(last) : null;
}
