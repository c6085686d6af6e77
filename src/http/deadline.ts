// HANDLER_TIMEOUT_MS: a SCIM request still running after that long is answered 503 with Retry-After. The
// handler goes on (Node cannot stop it), but its next write finds the deadline passed and rolls back, so a
// 503 means nothing was written. A request that already committed something (a Bulk operation) is never
// cut off: it stops at its next operation and reports what it applied (provisioning/scim/bulk.ts).
import type { FastifyReply } from 'fastify';
import type { Deadline } from '../provisioning/scim/context.ts';
import { ScimError } from '../scim/errors.ts';
import { sendScimError } from './errors.ts';

/** How long a client should wait before retrying a request that timed out. */
const RETRY_AFTER_SECONDS = 5;

/** sendScimError adds the request id to the detail, as to every 5xx. */
function timedOut(timeoutMs: number): ScimError {
  return new ScimError(503, undefined, `The request took longer than ${timeoutMs / 1000} seconds and was stopped before it changed anything; retry it`, RETRY_AFTER_SECONDS);
}

/** The request's deadline; its timer ends with the response (sent or aborted). */
export function startDeadline(reply: FastifyReply, timeoutMs: number): Deadline {
  const at = Date.now() + timeoutMs;
  let committed = false;
  const timer = setTimeout(() => {
    if (!committed) sendScimError(reply, timedOut(timeoutMs));
  }, timeoutMs);
  timer.unref();
  reply.raw.once('close', () => clearTimeout(timer));
  return {
    expired: () => Date.now() >= at,
    beforeCommit() {
      if (Date.now() >= at) throw timedOut(timeoutMs);
      committed = true;
    },
  };
}
