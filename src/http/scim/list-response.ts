// RFC 7644 §3.4.2 ListResponse, with RFC 9865 cursors when the client paged by cursor. Resources arrive as
// JSON text: measuring a page against SCIM_LIMITS.responseBytes serialises each one anyway, so the body is
// put together from those pieces instead of serialising them twice.
import type { ListQuery } from '../../scim/list-query.ts';

export const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

/** A page as sent: each resource's JSON, and where paging goes on. */
export interface SerialisedPage {
  resources: string[];
  totalResults: number;
  nextCursor?: string;
  previousCursor?: string;
}

export function listResponseBody(query: ListQuery, page: SerialisedPage): string {
  const head = {
    schemas: [LIST_RESPONSE_URN],
    totalResults: page.totalResults,
    itemsPerPage: page.resources.length,
    ...(query.cursor === undefined ? { startIndex: query.startIndex } : {}),
    ...(page.previousCursor !== undefined ? { previousCursor: page.previousCursor } : {}),
    ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
  };
  return `${JSON.stringify(head).slice(0, -1)},"Resources":[${page.resources.join(',')}]}`;
}
