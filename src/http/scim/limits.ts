// Paging limits, advertised in /ServiceProviderConfig and enforced by the query parser: one source.
import type { Capabilities } from '../../scim/discovery.ts';

export const LIMITS = { defaultCount: 100, maxResults: 1000 } as const;

export function capabilities(bodyLimit: number): Capabilities {
  return {
    ...LIMITS,
    bulkMaxOperations: 1000,
    bulkMaxPayloadSize: bodyLimit,
  };
}
