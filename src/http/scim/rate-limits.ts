// The SCIM API's two rate limits (README "Rate limits"), as 429 SCIM errors with Retry-After: per token,
// its setting's requests per second; per client address (request.ip, so TRUST_PROXY applies), repeated
// failed tokens. The counting lives in provisioning/rate-limits/.
import type { FastifyRequest } from 'fastify';
import type { FailedAuthLimits } from '../../provisioning/rate-limits/failed-auth-limits.ts';
import type { TokenLimits } from '../../provisioning/rate-limits/token-limits.ts';
import { ScimError } from '../../scim/errors.ts';
import type { Store } from '../../store/open.ts';
import type { ScimSettingRow } from '../../store/scim-settings.ts';
import type { Metrics } from '../metrics.ts';
import { authenticateRequest } from './auth.ts';

export interface RateLimiting {
  tokens: TokenLimits;
  failedAuth: FailedAuthLimits;
  metrics: Metrics;
  now: () => Date;
}

/** The request's setting; a 401 for a bad or missing token, or 429 once its address has sent too many. */
export async function authenticateLimited(store: Store, request: FastifyRequest, limits: RateLimiting): Promise<ScimSettingRow> {
  try {
    return await authenticateRequest(store, request);
  } catch (e) {
    if (!(e instanceof ScimError) || e.status !== 401) throw e;
    const now = limits.now().getTime();
    const wait = limits.failedAuth.blockedFor(request.ip, now);
    if (wait > 0) {
      limits.metrics.rateLimited('address');
      throw new ScimError(429, undefined, `Too many requests with a missing or invalid token from this address; retry in ${Math.ceil(wait)} s`, wait);
    }
    limits.failedAuth.failed(request.ip, now);
    throw e;
  }
}

/** Throws a 429 when the setting's token is over its rate limit. */
export function enforceTokenLimit(setting: ScimSettingRow, limits: RateLimiting): void {
  const wait = limits.tokens.admit(setting);
  if (wait === 0) return;
  limits.metrics.rateLimited('token');
  const limit = limits.tokens.limitOf(setting);
  const source = setting.rateLimit === null ? "the server's default, SCIM_RATE_LIMIT" : 'its SCIM setting\'s rate limit';
  throw new ScimError(429, undefined, `Too many requests: this token may send ${limit} requests per second (${source}); retry in ${Math.ceil(wait)} s`, wait);
}
