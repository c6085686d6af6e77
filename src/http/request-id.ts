// Request ids: every log line of a request carries its id (Fastify's reqId), the response echoes it in
// X-Request-Id, and 5xx SCIM errors name it. A caller's own X-Request-Id is kept when it is a sane token,
// so a proxy's or IdP's id ties their logs to ours; anything else (too long, odd characters that could
// forge log lines) gets a fresh one.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const SANE_ID = /^[A-Za-z0-9._-]{1,128}$/;

export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && SANE_ID.test(given) ? given : randomUUID();
}
