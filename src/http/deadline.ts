// HANDLER_TIMEOUT_MS: a SCIM request still running after that long is answered 503 with Retry-After. The
// handler goes on (Node cannot stop it), but its next write finds the deadline passed and rolls back, so a
// 503 means nothing was written. A request that already committed something (a Bulk operation) is never
// cut off: it stops at its next operation and reports what it applied (provisioning/scim/bulk.ts).
import type { FastifyReply } from 'fastify';
import { DEADLINE_RETRY_AFTER_SECONDS, type Deadline } from '../provisioning/scim/context.ts';
import { ScimError } from '../scim/errors.ts';
import { sendScimError } from './errors.ts';

/** sendScimError adds the request id to the detail, as to every 5xx. */
function timedOut(timeoutMs: number): ScimError {
  return new ScimError(503, undefined, `The request took longer than ${timeoutMs / 1000} seconds and was stopped before it changed anything; retry it`, DEADLINE_RETRY_AFTER_SECONDS);
}

/** The request's deadline; its timer ends with the response (sent or aborted). */
export function startDeadline(reply: FastifyReply, timeoutMs: number): Deadline {
  // One source of truth: the timer. A second clock read (Date.now()) could disagree with it and let a write
  // commit after its request was answered 503.
  let expired = false;
  let committed = false;
  const timer = setTimeout(() => {
    expired = true;
    if (!committed) sendScimError(reply, timedOut(timeoutMs));
  }, timeoutMs);
  timer.unref();
  reply.raw.once('close', () => clearTimeout(timer));
  return {
    expired: () => expired,
    beforeCommit() {
      if (expired) throw timedOut(timeoutMs);
      committed = true;
    },
  };
}
