// Admin API clients for tests: a signed-in system user (a session cookie and its CSRF token, obtained the way
// the UI does: an invitation accepted, then POST /api/v1/session) or an API key.
import { createApiKey } from '../../src/auth/api-keys.ts';
import type { Role } from '../../src/auth/principal.ts';
import { acceptInvitation, createSystemUser } from '../../src/auth/system-users.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import type { Response, TestServer } from './app.ts';

export const PASSWORD = 'correct horse battery staple';

export interface ApiClient {
  /** JSON bodies for objects; strings sent as they are (with the content type given in headers). */
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  /** The user's email, or the key's id. */
  name: string;
  cookie?: string;
  csrfToken?: string;
}

let n = 0;

async function send(s: TestServer, method: string, url: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  const raw = typeof body === 'string' || Buffer.isBuffer(body);
  const res = await s.app.inject({
    method: method as 'GET',
    url,
    headers: { ...(body !== undefined && !raw ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { payload: raw ? (body as string) : JSON.stringify(body) } : {}),
  });
  let parsed: unknown;
  try {
    parsed = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    parsed = undefined;
  }
  return { status: res.statusCode, headers: res.headers, body: parsed, raw: res.body };
}

/** A request with no credentials at all. */
export const anonymous = (s: TestServer, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) => send(s, method, url, body, headers);

/** The session cookie a response set, as a Cookie header value. */
export function sessionCookie(res: Response): string {
  const set = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const cookie = set.find((c) => c.startsWith('roster_session='));
  if (!cookie) throw new Error(`no session cookie in ${JSON.stringify(res.headers)}`);
  return cookie.split(';')[0]!;
}

/** A system user of `role` (of `companyId` unless an operator), signed in through the API. */
export async function signedIn(s: TestServer, role: Role, companyId: string | null = role === 'operator' ? null : s.companyId): Promise<ApiClient> {
  const email = `${role}.${++n}.${Math.random().toString(36).slice(2, 8)}@roster.test`;
  const { invitationToken } = await createSystemUser(s.store, { email, role, companyId }, CLI_ACTOR);
  await acceptInvitation(s.store, invitationToken, PASSWORD, { ip: null, userAgent: null });
  const res = await send(s, 'POST', '/api/v1/session', { email, password: PASSWORD }, {});
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${res.raw}`);
  const cookie = sessionCookie(res);
  const csrfToken = res.body.csrfToken as string;
  return {
    name: email,
    cookie,
    csrfToken,
    call: (method, url, body, headers = {}) => send(s, method, url, body, { cookie, 'x-csrf-token': csrfToken, ...headers }),
  };
}

/** A client holding a new API key of the company. */
export async function withApiKey(s: TestServer, role: 'admin' | 'viewer' = 'admin', companyId = s.companyId): Promise<ApiClient & { key: string; id: string }> {
  const { key, apiKey } = await createApiKey(s.store, { companyId, role, name: `script ${++n}` }, CLI_ACTOR);
  return { name: apiKey.name, key, id: apiKey.id, call: (method, url, body, headers = {}) => send(s, method, url, body, { authorization: `Bearer ${key}`, ...headers }) };
}
