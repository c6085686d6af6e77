// Request logs carry method, route, status and timing — never the Authorization header, and not the query
// string (filters name people: userName eq "jane@…"), so logs hold no personal data by default.
import { hostname } from 'node:os';
import type { FastifyRequest } from 'fastify';
import pino from 'pino';

// PostgreSQL errors quote the offending row in `detail` ("Key (company_id, user_name_ci)=(…, jane@…)
// already exists") and the statement's context in `where`; an unexpected one logged whole would leak both.
const ERROR_FIELDS_WITH_VALUES = ['detail', 'where', 'parameters'];

/** `bindings` go on every line beside pino's own pid and hostname (a cluster worker's id). */
export function loggerOptions(level: string, bindings: Record<string, unknown> = {}) {
  return {
    level,
    base: { pid: process.pid, hostname: hostname(), ...bindings },
    // Synchronous writes to stdout: a line logged just before a crash or exit is not lost, and a stdout whose
    // reader has gone (EPIPE) silences the log instead of hanging the exit — pino's default asynchronous
    // stream retries flushing a broken pipe forever at exit (sonic-boom 4.2 flushSync), so SIGTERM never
    // ended the process. Costs a write(2) per line, nothing at the default LOG_LEVEL of the benchmark (warn).
    stream: pino.destination({ dest: 1, sync: true }),
    redact: { paths: ['req.headers.authorization', 'headers.authorization'], censor: '[redacted]' },
    serializers: {
      req(request: FastifyRequest) {
        return {
          method: request.method,
          url: request.url.split('?')[0],
          remoteAddress: request.ip,
          userAgent: request.headers['user-agent'],
        };
      },
      err(error: Error) {
        const serialized = pino.stdSerializers.err(error);
        for (const field of ERROR_FIELDS_WITH_VALUES) delete serialized[field];
        return serialized;
      },
    },
  };
}
