// Paging limits, advertised in /ServiceProviderConfig and enforced by the query parser: one source.
import type { Capabilities } from '../../scim/discovery.ts';
import { SCIM_LIMITS } from '../../scim/limits.ts';

export const LIMITS = { defaultCount: 100, maxResults: 1000 } as const;

export function capabilities(bodyLimit: number): Capabilities {
  return {
    ...LIMITS,
    bulkMaxOperations: SCIM_LIMITS.bulkOperations,
    bulkMaxPayloadSize: bodyLimit,
  };
}
