// RFC 7644 §3.4.2 ListResponse, with RFC 9865 cursors when the client paged by cursor.
import type { ListResult } from '../../provisioning/scim/kind.ts';
import type { ListQuery } from '../../scim/list-query.ts';

export const LIST_RESPONSE_URN = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

export function listResponseBody(query: ListQuery, page: ListResult) {
  return {
    schemas: [LIST_RESPONSE_URN],
    totalResults: page.totalResults,
    itemsPerPage: page.resources.length,
    ...(query.cursor === undefined ? { startIndex: query.startIndex } : {}),
    ...(page.previousCursor !== undefined ? { previousCursor: page.previousCursor } : {}),
    ...(page.nextCursor !== undefined ? { nextCursor: page.nextCursor } : {}),
    Resources: page.resources,
  };
}
