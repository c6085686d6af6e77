// Request logs carry method, route, status and timing — never the Authorization header, and not the query
// string (filters name people: userName eq "jane@…"), so logs hold no personal data by default.
import type { FastifyRequest } from 'fastify';

export function loggerOptions(level: string) {
  return {
    level,
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
    },
  };
}
