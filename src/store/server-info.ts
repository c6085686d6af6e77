// What a running server says about itself, for the CLI, which runs without the server's environment: the SCIM
// base URL an identity provider is given. Several instances on one database record the same PUBLIC_URL; without
// one, the instance that started last is the one named.
import type { Store } from './open.ts';

export interface ServerInfo {
  /** e.g. https://roster.example.com/scim/v2 */
  scimUrl: string;
  updatedAt: string;
}

const SCIM_URL = 'scim_url';

/** Runs inside a write transaction (inTransaction). */
export async function recordServerInfo({ db }: Store, scimUrl: string, now = new Date()): Promise<void> {
  const updatedAt = now.toISOString();
  await db
    .insertInto('server_info')
    .values({ key: SCIM_URL, value: scimUrl, updated_at: updatedAt })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value: scimUrl, updated_at: updatedAt }))
    .execute();
}

export async function readServerInfo({ db }: Store): Promise<ServerInfo | undefined> {
  const row = await db.selectFrom('server_info').select(['value', 'updated_at']).where('key', '=', SCIM_URL).executeTakeFirst();
  return row && { scimUrl: row.value, updatedAt: row.updated_at };
}
