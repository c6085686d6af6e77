// Letting other requests in during long work. On SQLite a transaction is one synchronous chain of promise
// callbacks, so long work holds the event loop unless it steps out of it deliberately.
import { setImmediate } from 'node:timers/promises';

/**
 * Resumes after the event loop has polled for I/O once, so a request waiting on a socket (a health check)
 * is answered in between. One setImmediate is not enough when called from I/O work: its callback runs in the
 * same loop iteration, before the next poll; an immediate queued from inside that callback waits for the next
 * iteration, after the poll.
 */
export async function yieldToIo(): Promise<void> {
  await setImmediate();
  await setImmediate();
}
