// What the process tests share: a database server processes can share (a SQLite file, or a fresh
// PostgreSQL database when ROSTER_TEST_POSTGRES_URL is set) and SCIM calls to a running server.
import { join } from 'node:path';
import { freshPostgresDatabase, request, tempDir, type HttpResponse, type RosterServer } from './process.ts';

export interface SharedDatabase {
  name: 'sqlite' | 'postgres';
  /** DATABASE_URL for every process; `cwd` is a scratch folder for them to run in. */
  url: string;
  cwd: string;
  remove(): Promise<void>;
}

export type SharedDatabaseKind = { name: SharedDatabase['name']; create(): Promise<SharedDatabase> };

export function sharedDatabaseKinds(): SharedDatabaseKind[] {
  const sqlite: SharedDatabaseKind = {
    name: 'sqlite',
    async create() {
      const dir = tempDir();
      return { name: 'sqlite', url: `sqlite:${join(dir.path, 'roster.db')}`, cwd: dir.path, remove: async () => dir.remove() };
    },
  };
  const postgres: SharedDatabaseKind = {
    name: 'postgres',
    async create() {
      const db = (await freshPostgresDatabase())!;
      const dir = tempDir();
      return { name: 'postgres', url: db.url, cwd: dir.path, remove: async () => { dir.remove(); await db.drop(); } };
    },
  };
  return process.env.ROSTER_TEST_POSTGRES_URL ? [sqlite, postgres] : [sqlite];
}

/** A SCIM request with the bearer token to `server` (path below the origin, e.g. /scim/v2/Users). */
export function scim(server: RosterServer, token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResponse> {
  return request(`${server.origin}${path}`, { method, token, headers, ...(body !== undefined ? { body } : {}) });
}

/** How many responses had each status, e.g. { 201: 1, 409: 39 }. */
export function tally(responses: readonly { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const r of responses) counts[r.status] = (counts[r.status] ?? 0) + 1;
  return counts;
}
