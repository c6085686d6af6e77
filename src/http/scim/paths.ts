// SCIM endpoint names match in any case (/users as /Users): Microsoft's own SCIM test collection sends them
// lower-cased. The router is case-sensitive for the other surfaces, so SCIM URLs are brought to the routes'
// spelling before routing. Resource ids after the endpoint name are case-sensitive (RFC 7643 §3.1) and kept.
const ENDPOINTS = ['Users', 'Groups', 'Bulk', 'ServiceProviderConfig', 'ResourceTypes', 'Schemas', 'Me', '.search'];
const CANONICAL = new Map(ENDPOINTS.map((name) => [name.toLowerCase(), name]));

// `/scim` or `/scim/v2`, in any case, then the endpoint name up to the next `/` or `?`.
const SCIM_PATH = /^\/scim(\/v2)?(?:\/([^/?]*))?(?=[/?]|$)/i;

/** The URL with the SCIM prefix and endpoint name in the routes' spelling; any other URL unchanged. */
export function canonicalScimUrl(url: string): string {
  const match = SCIM_PATH.exec(url);
  if (!match) return url;
  const [whole, version, endpoint] = match;
  const name = endpoint === undefined ? '' : `/${CANONICAL.get(endpoint.toLowerCase()) ?? endpoint}`;
  return `/scim${version ? '/v2' : ''}${name}${url.slice(whole.length)}`;
}

/** Whether a URL is under the SCIM API (whose errors are SCIM errors). */
export const isScimUrl = (url: string): boolean => SCIM_PATH.test(url);
