// The base URL people and identity providers are given: PUBLIC_URL when set here, else the one the server
// recorded when it started, else this machine as a server with this environment would listen on it.
import type { Config } from '../config.ts';
import type { Store } from '../store/open.ts';
import { readServerInfo } from '../store/server-info.ts';

const SCIM_PATH = '/scim/v2';

export async function publicBaseUrl(store: Store, config: Config): Promise<string> {
  if (config.publicUrl) return config.publicUrl;
  const recorded = (await readServerInfo(store))?.scimUrl;
  if (recorded?.endsWith(SCIM_PATH)) return recorded.slice(0, -SCIM_PATH.length);
  return `${config.tls ? 'https' : 'http'}://localhost:${config.port}`;
}

export const scimUrlOf = (base: string) => `${base}${SCIM_PATH}`;
