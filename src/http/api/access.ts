// Who is calling the admin API, and what they may do. A script sends an API key as a bearer token; the UI
// holds a session cookie and, for every unsafe method, echoes the session's CSRF token in X-CSRF-Token (a
// page of another site can make the browser send the cookie, never read the token). Roles: an operator sees
// every company; an admin changes one, a viewer reads one, and a company-scoped caller gets 404 for any
// other company's ids, as if they did not exist.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { apiKeyPrincipal } from '../../auth/api-keys.ts';
import { actorOf as principalActor, type Principal } from '../../auth/principal.ts';
import { SESSION_COOKIE, sessionOf, type ClientInfo } from '../../auth/sessions.ts';
import type { Actor } from '../../directory/audit.ts';
import type { Store } from '../../store/open.ts';
import { ApiError } from './errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /** How the principal was established: a session needs the CSRF token on unsafe methods. */
    csrfToken?: string;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
export const isUnsafe = (request: FastifyRequest) => !SAFE_METHODS.has(request.method);

const sameText = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export const clientOf = (request: FastifyRequest): ClientInfo => ({ ip: request.ip, userAgent: request.headers['user-agent'] ?? null });

/** The onRequest hook of every route but sign-in and the documentation. */
export function authenticate(store: Store, now: () => Date) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const authorization = request.headers.authorization;
    if (authorization !== undefined) {
      const [scheme, key] = authorization.split(/\s+/, 2);
      const principal = scheme?.toLowerCase() === 'bearer' && key ? await apiKeyPrincipal(store, key, now()) : undefined;
      if (!principal) throw new ApiError('unauthenticated', 'The API key is unknown or revoked; send `Authorization: Bearer <key>` with a key from `roster api-key create`');
      request.principal = principal;
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    const session = token ? await sessionOf(store, token, now()) : undefined;
    if (!session) {
      if (token) reply.clearCookie(SESSION_COOKIE, { path: '/' });
      throw new ApiError('unauthenticated', token ? 'Your session has expired; sign in again' : 'Sign in, or send an API key as `Authorization: Bearer <key>`');
    }
    if (isUnsafe(request)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !sameText(sent, session.csrfToken)) {
        throw new ApiError('csrf_failed', 'The X-CSRF-Token header is missing or does not match this session; reload the page and try again');
      }
    }
    request.principal = session.principal;
    request.csrfToken = session.csrfToken;
  };
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new ApiError('unauthenticated', 'Sign in, or send an API key as `Authorization: Bearer <key>`');
  return request.principal;
}

/** The audit log's actor for a change this request makes. */
export function actorOf(request: FastifyRequest): Actor {
  return principalActor(principalOf(request), clientOf(request));
}

/** A company-scoped caller asking for another company is told it does not exist. */
export function requireCompanyAccess(request: FastifyRequest, companyId: string): void {
  const p = principalOf(request);
  if (p.companyId !== null && p.companyId !== companyId) throw ApiError.notFound('Company');
}

export function requireWriter(request: FastifyRequest): void {
  if (principalOf(request).role === 'viewer') throw new ApiError('forbidden', 'A viewer can read this company but not change it; ask an admin');
}

export function requireOperator(request: FastifyRequest): void {
  if (principalOf(request).role !== 'operator') throw new ApiError('forbidden', 'Only an operator can do this');
}

/** A resource read by id alone belongs to the company in the path, or is not found. */
export function inCompany<T extends { companyId: string }>(resource: T | undefined, companyId: string, what: string): T {
  if (!resource || resource.companyId !== companyId) throw ApiError.notFound(what);
  return resource;
}
