// Fast seeding for the load benchmark: writes users, their email rows, groups and member rows straight into
// the store, in big transactions, with exactly the columns src/store/scim-users.ts insertUser and
// src/store/scim-groups.ts insertGroup write for a resource the server parsed itself.
//
// The resource and its folded copy come from the server's own code (parseResource, foldResource, foldString)
// applied once to a template whose per-user parts are sentinels; each row then substitutes its index into
// the template's JSON text. Parsing every one of 1M bodies would cost ~36 µs a row; substituting costs ~1.
// `checkTemplate` re-derives sample rows through the full path and fails the run if any differs.
import { randomUUID } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { foldString } from '../src/scim/fold.ts';
import { foldResource, parseResource, type ScimResource } from '../src/scim/resource.ts';
import { ENTERPRISE_USER_URN, GROUP_URN, USER_URN } from '../src/scim/schemas/urns.ts';

/** Seeded users are created 1 ms apart from this instant, so (created_at, id) order is seeding order. */
const EPOCH = Date.parse('2020-01-01T00:00:00.000Z');
export const createdAtOf = (i: number): string => new Date(EPOCH + i).toISOString();
export const userNameOf = (i: number): string => `bench.user.${i}@example.com`;

/** The body an IdP would POST for user `i` (Entra-like: name, emails, enterprise extension). */
export function userBody(i: number | string, userName = userNameOf(Number(i))): Record<string, unknown> {
  return {
    schemas: [USER_URN, ENTERPRISE_USER_URN],
    userName,
    externalId: `ext-${i}`,
    active: true,
    displayName: `Bench User ${i}`,
    name: { givenName: 'Bench', familyName: `User ${i}` },
    emails: [{ value: userName, type: 'work', primary: true }],
    [ENTERPRISE_USER_URN]: { department: 'Security Awareness', employeeNumber: String(i) },
  };
}

function parsed(type: 'User' | 'Group', body: unknown): ScimResource {
  const r = parseResource(type, body);
  if (!r.ok) throw new Error(`seed template does not parse: ${r.error.detail}`);
  return r.value.resource;
}

/** Everything insertUser derives from one parsed resource (scim-users.ts columns() and emailRows()). */
export interface UserRow {
  userName: string;
  userNameCi: string;
  externalId: string | null;
  active: boolean;
  resource: string;
  resourceCi: string;
  emails: { valueCi: string; typeCi: string | null; isPrimary: boolean }[];
}

/** The slow, exact path: what the server computes for a POST of userBody(i). */
export function deriveUser(resource: ScimResource): UserRow {
  const emails = Array.isArray(resource.emails) ? (resource.emails as Record<string, unknown>[]) : [];
  return {
    userName: resource.userName as string,
    userNameCi: foldString(resource.userName as string),
    externalId: typeof resource.externalId === 'string' ? resource.externalId : null,
    active: resource.active !== false,
    resource: JSON.stringify(resource),
    resourceCi: JSON.stringify(foldResource('User', resource)),
    emails: emails
      .filter((e) => typeof e.value === 'string')
      .map((e) => ({
        valueCi: foldString(e.value as string),
        typeCi: typeof e.type === 'string' ? foldString(e.type) : null,
        isPrimary: e.primary === true,
      })),
  };
}

// A sentinel that folding (NFC + toLowerCase) leaves alone and JSON does not escape.
const MARK = '#~#';

function templated(): (i: number) => UserRow {
  const t = deriveUser(parsed('User', userBody(MARK, userNameOf(0).replace('0', MARK))));
  const sub = (s: string) => {
    const parts = s.split(MARK);
    return (i: number) => parts.join(String(i));
  };
  const userName = sub(t.userName);
  const userNameCi = sub(t.userNameCi);
  const externalId = t.externalId === null ? () => null : sub(t.externalId);
  const resource = sub(t.resource);
  const resourceCi = sub(t.resourceCi);
  const emails = t.emails.map((e) => ({ valueCi: sub(e.valueCi), typeCi: e.typeCi, isPrimary: e.isPrimary }));
  return (i) => ({
    userName: userName(i),
    userNameCi: userNameCi(i),
    externalId: externalId(i),
    active: t.active,
    resource: resource(i),
    resourceCi: resourceCi(i),
    emails: emails.map((e) => ({ valueCi: e.valueCi(i), typeCi: e.typeCi, isPrimary: e.isPrimary })),
  });
}

export const fastUser = templated();

/** Fails if the template path and the server's own parse → fold path disagree on any sampled index. */
export function checkTemplate(indices: readonly number[]): void {
  for (const i of indices) {
    const slow = deriveUser(parsed('User', userBody(i)));
    const fast = fastUser(i);
    if (JSON.stringify(slow) !== JSON.stringify(fast)) {
      throw new Error(`seed template differs from the server's derivation for user ${i}:\n${JSON.stringify(slow)}\n${JSON.stringify(fast)}`);
    }
  }
}

export interface Tenant {
  companyId: string;
  settingId: string;
}

export interface SeededGroup {
  id: string;
  displayName: string;
  members: number;
}

/** A seeding connection of its own next to the server's (SQLite WAL allows one writer and many readers). */
export interface Seeder {
  /** Seeds users firstIndex … firstIndex+count-1 in transactions of `batch` rows; returns their ids in order. */
  users(firstIndex: number, count: number, batch?: number): Promise<string[]>;
  /** A group whose members are `memberIds`, as insertGroup writes it. */
  group(displayName: string, memberIds: readonly string[]): Promise<SeededGroup>;
  /** Raw stored user row and email rows, for checking seeded rows against server-written ones. */
  rawUser(id: string): Promise<{ user: Record<string, unknown>; emails: Record<string, unknown>[] }>;
  countUsers(): Promise<number>;
  /** After a bulk load: SQLite checkpoints the WAL; PostgreSQL analyses (what autovacuum would do). */
  settle(): Promise<void>;
  close(): Promise<void>;
}

function groupRow(displayName: string) {
  const resource = parsed('Group', { schemas: [GROUP_URN], displayName });
  return {
    display_name: displayName,
    display_name_ci: foldString(displayName),
    external_id: null,
    resource: JSON.stringify(resource),
    resource_ci: JSON.stringify(foldResource('Group', resource)),
  };
}

export function sqliteSeeder(path: string, tenant: Tenant): Seeder {
  const db = new BetterSqlite3(path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
  // The seeding connection only: a bulk load keeps the users' six B-trees in a 512 MiB page cache (the
  // 2 MiB default makes 1M random-UUID inserts crawl) and does not sync (a crash loses bench data only).
  db.pragma('cache_size = -524288');
  db.pragma('synchronous = OFF');
  const insertUser = db.prepare(
    `INSERT INTO scim_users (company_id, id, scim_setting_id, user_name, user_name_ci, external_id, active, resource, resource_ci, version, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
  );
  const insertEmail = db.prepare('INSERT INTO scim_user_emails (company_id, user_id, value_ci, type_ci, is_primary) VALUES (?, ?, ?, ?, ?)');
  const insertMember = db.prepare('INSERT INTO scim_group_members (company_id, group_id, user_id) VALUES (?, ?, ?)');
  const insertGroup = db.prepare(
    `INSERT INTO scim_groups (company_id, id, scim_setting_id, display_name, display_name_ci, external_id, resource, resource_ci, version, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
  );
  const { companyId, settingId } = tenant;

  const userBatch = db.transaction((first: number, n: number, ids: string[]) => {
    for (let i = first; i < first + n; i++) {
      const id = randomUUID();
      const u = fastUser(i);
      const at = createdAtOf(i);
      insertUser.run(companyId, id, settingId, u.userName, u.userNameCi, u.externalId, u.active ? 1 : 0, u.resource, u.resourceCi, at, at);
      for (const e of u.emails) insertEmail.run(companyId, id, e.valueCi, e.typeCi, e.isPrimary ? 1 : 0);
      ids.push(id);
    }
  });
  const memberBatch = db.transaction((groupId: string, ids: readonly string[]) => {
    for (const id of ids) insertMember.run(companyId, groupId, id);
  });

  return {
    async users(first, count, batch = 10_000) {
      const ids: string[] = [];
      for (let done = 0; done < count; done += batch) userBatch(first + done, Math.min(batch, count - done), ids);
      return ids;
    },
    async group(displayName, memberIds) {
      const id = randomUUID();
      const g = groupRow(displayName);
      const at = new Date().toISOString();
      db.transaction(() => insertGroup.run(companyId, id, settingId, g.display_name, g.display_name_ci, g.external_id, g.resource, g.resource_ci, at, at))();
      for (let i = 0; i < memberIds.length; i += 10_000) memberBatch(id, memberIds.slice(i, i + 10_000));
      return { id, displayName, members: memberIds.length };
    },
    async rawUser(id) {
      const user = db.prepare('SELECT * FROM scim_users WHERE id = ?').get(id) as Record<string, unknown>;
      const emails = db.prepare('SELECT * FROM scim_user_emails WHERE user_id = ? ORDER BY value_ci').all(id) as Record<string, unknown>[];
      return { user, emails };
    },
    async countUsers() {
      return (db.prepare('SELECT count(*) AS n FROM scim_users WHERE company_id = ?').get(companyId) as { n: number }).n;
    },
    async settle() {
      db.pragma('wal_checkpoint(TRUNCATE)');
    },
    async close() {
      db.close();
    },
  };
}

export async function postgresSeeder(url: string, tenant: Tenant): Promise<Seeder> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { companyId, settingId } = tenant;

  async function userBatch(first: number, n: number, ids: string[]) {
    const cols = { id: [] as string[], un: [] as string[], unci: [] as string[], ext: [] as (string | null)[], active: [] as boolean[], r: [] as string[], rci: [] as string[], at: [] as string[] };
    const em = { uid: [] as string[], v: [] as string[], t: [] as (string | null)[], p: [] as boolean[] };
    for (let i = first; i < first + n; i++) {
      const id = randomUUID();
      const u = fastUser(i);
      cols.id.push(id);
      cols.un.push(u.userName);
      cols.unci.push(u.userNameCi);
      cols.ext.push(u.externalId);
      cols.active.push(u.active);
      cols.r.push(u.resource);
      cols.rci.push(u.resourceCi);
      cols.at.push(createdAtOf(i));
      for (const e of u.emails) {
        em.uid.push(id);
        em.v.push(e.valueCi);
        em.t.push(e.typeCi);
        em.p.push(e.isPrimary);
      }
      ids.push(id);
    }
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO scim_users (company_id, id, scim_setting_id, user_name, user_name_ci, external_id, active, resource, resource_ci, version, created_at, updated_at)
       SELECT $1, t.id, $2, t.un, t.unci, t.ext, t.active, t.r::jsonb, t.rci::jsonb, 1, t.at, t.at
       FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::text[], $9::text[], $10::text[]) AS t(id, un, unci, ext, active, r, rci, at)`,
      [companyId, settingId, cols.id, cols.un, cols.unci, cols.ext, cols.active, cols.r, cols.rci, cols.at],
    );
    await client.query(
      `INSERT INTO scim_user_emails (company_id, user_id, value_ci, type_ci, is_primary)
       SELECT $1, t.uid, t.v, t.t, t.p FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[]) AS t(uid, v, t, p)`,
      [companyId, em.uid, em.v, em.t, em.p],
    );
    await client.query('COMMIT');
  }

  return {
    async users(first, count, batch = 5_000) {
      const ids: string[] = [];
      for (let done = 0; done < count; done += batch) await userBatch(first + done, Math.min(batch, count - done), ids);
      return ids;
    },
    async group(displayName, memberIds) {
      const id = randomUUID();
      const g = groupRow(displayName);
      const at = new Date().toISOString();
      await client.query(
        `INSERT INTO scim_groups (company_id, id, scim_setting_id, display_name, display_name_ci, external_id, resource, resource_ci, version, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, 1, $9, $9)`,
        [companyId, id, settingId, g.display_name, g.display_name_ci, g.external_id, g.resource, g.resource_ci, at],
      );
      for (let i = 0; i < memberIds.length; i += 10_000) {
        await client.query(
          'INSERT INTO scim_group_members (company_id, group_id, user_id) SELECT $1, $2, u FROM unnest($3::text[]) AS u',
          [companyId, id, memberIds.slice(i, i + 10_000)],
        );
      }
      return { id, displayName, members: memberIds.length };
    },
    async rawUser(id) {
      const user = (await client.query('SELECT * FROM scim_users WHERE id = $1', [id])).rows[0] as Record<string, unknown>;
      const emails = (await client.query('SELECT * FROM scim_user_emails WHERE user_id = $1 ORDER BY value_ci', [id])).rows as Record<string, unknown>[];
      return { user, emails };
    },
    async countUsers() {
      return Number((await client.query('SELECT count(*) AS n FROM scim_users WHERE company_id = $1', [companyId])).rows[0].n);
    },
    async settle() {
      await client.query('ANALYZE');
    },
    async close() {
      await client.end();
    },
  };
}
