// Bearer-token authentication: the token alone picks the company and the SCIM setting.
import type { FastifyRequest } from 'fastify';
import { authenticate } from '../../provisioning/scim-settings.ts';
import { ScimError } from '../../scim/errors.ts';
import type { Store } from '../../store/open.ts';
import type { ScimSettingRow } from '../../store/scim-settings.ts';

export async function authenticateRequest(store: Store, request: FastifyRequest): Promise<ScimSettingRow> {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
  if (!match?.[1]) {
    throw new ScimError(401, undefined, 'Authentication required: send the SCIM setting token as "Authorization: Bearer <token>"');
  }
  const found = await authenticate(store, match[1]);
  if (!found) throw new ScimError(401, undefined, 'The bearer token is not valid: it is wrong, was rotated, or its SCIM setting was revoked');
  return found;
}

/** Base URL of the SCIM API as this client reached it: PUBLIC_URL when set, else the request's own origin
 *  (X-Forwarded-Proto/Host are honoured only with TRUST_PROXY, by Fastify). */
export function scimBaseUrl(request: FastifyRequest, publicUrl: string | undefined, prefix: string): string {
  const origin = publicUrl ?? `${request.protocol}://${request.host}`;
  return `${origin}${prefix}`;
}
