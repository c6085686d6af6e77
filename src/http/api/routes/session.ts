// Sign-in, sign-out, the current session and password changes, and accepting an invitation: what the UI's
// session rests on. The cookie is httpOnly (no script reads it), SameSite=Strict and Secure over HTTPS.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Principal } from '../../../auth/principal.ts';
import { SESSION_COOKIE, signIn, signOut, type NewSession, type SessionPolicy } from '../../../auth/sessions.ts';
import { acceptInvitation, changePassword } from '../../../auth/system-users.ts';
import type { Store } from '../../../store/open.ts';
import { clientOf, principalOf } from '../access.ts';
import { ApiError } from '../errors.ts';
import { Described, Empty, ERROR_RESPONSES } from '../schemas.ts';

export interface SessionOptions {
  store: Store;
  now: () => Date;
  policy: SessionPolicy;
}

const userJson = (p: Principal) => ({ id: p.id, kind: p.kind, email: p.kind === 'user' ? p.name : null, name: p.name, role: p.role, companyId: p.companyId });

function started(request: FastifyRequest, reply: FastifyReply, session: NewSession) {
  reply.setCookie(SESSION_COOKIE, session.token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    expires: new Date(session.expiresAt),
  });
  return { user: userJson(session.principal), csrfToken: session.csrfToken, expiresAt: session.expiresAt };
}

const Credentials = Type.Object(
  { email: Type.String({ minLength: 1, maxLength: 320 }), password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);
const SessionBody = Described('The signed-in user ({id, kind, email, name, role, companyId}), the CSRF token to send as X-CSRF-Token, and when the session ends at the latest');

/** Routes reachable without a session. */
export async function publicSessionRoutes(app: FastifyInstance, options: SessionOptions): Promise<void> {
  app.post(
    '/session',
    { schema: { tags: ['session'], summary: 'Sign in with email and password', body: Credentials, response: { 200: SessionBody, ...ERROR_RESPONSES } } },
    async (request, reply) => {
      const { email, password } = request.body as { email: string; password: string };
      const result = await signIn(options.store, email, password, clientOf(request), options.now(), options.policy);
      if (result.ok) return started(request, reply, result.session);
      if (result.reason === 'locked') {
        throw new ApiError('rate_limited', 'Too many failed sign-ins for this email; wait and try again, or ask an operator', undefined, result.retryAfterSeconds);
      }
      throw new ApiError('unauthenticated', 'The email or the password is wrong');
    },
  );
  app.post(
    '/invitations/accept',
    {
      schema: {
        tags: ['session'],
        summary: 'Set a password from an invitation link and sign in',
        body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 256 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
        response: { 200: SessionBody, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const { token, password } = request.body as { token: string; password: string };
      return started(request, reply, await acceptInvitation(options.store, token, password, clientOf(request), options.now(), options.policy));
    },
  );
}

export async function sessionRoutes(app: FastifyInstance, options: SessionOptions): Promise<void> {
  app.get('/session', { schema: { tags: ['session'], summary: 'Who is signed in', response: { 200: SessionBody, ...ERROR_RESPONSES } } }, async (request) => ({
    user: userJson(principalOf(request)),
    csrfToken: request.csrfToken ?? null,
  }));
  app.delete('/session', { schema: { tags: ['session'], summary: 'Sign out: the session ends on the server', response: { 204: Empty } } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) await signOut(options.store, token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });
  app.post(
    '/session/password',
    {
      schema: {
        tags: ['session'],
        summary: "Change the signed-in user's password (other sessions end)",
        body: Type.Object({ currentPassword: Type.String({ maxLength: 1024 }), newPassword: Type.String({ maxLength: 1024 }) }, { additionalProperties: false }),
        response: { 204: Empty, ...ERROR_RESPONSES },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      if (principal.kind !== 'user') throw new ApiError('forbidden', 'An API key has no password');
      const { currentPassword, newPassword } = request.body as { currentPassword: string; newPassword: string };
      await changePassword(options.store, principal, currentPassword, newPassword, clientOf(request), options.now());
      return reply.code(204).send();
    },
  );
}
