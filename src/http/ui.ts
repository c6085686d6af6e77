// The admin UI: the files `npm install` built into ui/dist (scripts/build-ui.mjs), and its index.html for
// every other GET outside the APIs, so the UI's own routes (/companies/…/target-users) survive a reload.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, sendApiError } from './api/errors.ts';

export const UI_DIST = fileURLToPath(new URL('../../ui/dist/', import.meta.url));

// Only what the bundle itself loads; the UI never embeds a page or is embedded in one.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

// A file whose name carries its content hash never changes; the rest (index.html) is checked every time.
const HASHED = /[.-][0-9A-Za-z_-]{8,}\.(?:js|css|woff2?|png|svg)$/;

const PAGE_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

/** Paths that belong to an API or an endpoint, never to the UI's client-side routes. */
const NOT_UI = /^\/(?:api|scim|healthz|readyz|metrics)(?:[/?]|$)/i;

export async function uiRoutes(app: FastifyInstance): Promise<void> {
  const built = existsSync(`${UI_DIST}index.html`);
  if (built) {
    await app.register(fastifyStatic, {
      root: UI_DIST,
      // Routes for the files present at start, not a wildcard that would shadow /api/v1 and /scim.
      wildcard: false,
      index: false,
      serveDotFiles: false,
      setHeaders(reply, path) {
        reply.headers({ ...PAGE_HEADERS, 'Cache-Control': HASHED.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache' });
      },
    });
  }
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? '/';
    if ((request.method === 'GET' || request.method === 'HEAD') && !NOT_UI.test(path)) {
      if (!built) return sendApiError(reply, new ApiError('unavailable', 'The admin UI is not built; run `npm run build:ui` (npm install does it)'));
      reply.headers({ ...PAGE_HEADERS, 'Cache-Control': 'no-cache' });
      return reply.sendFile('index.html');
    }
    return sendApiError(reply, new ApiError('not_found', `No endpoint ${request.method} ${path}; the admin API is under /api/v1, the SCIM API under /scim/v2`));
  });
}
