// SQLite plans queries from sqlite_stat1. Without it (no ANALYZE has run, which is every Roster database) it
// assumes an equality on an index's first column leaves ~10 rows — so `company_id = ?` looks as selective as
// `external_id = ?`, and `externalId eq "x"` walks the company's (company_id, created_at) index to skip a sort,
// and `emails[…]` probes every user of the company: O(users) per IdP lookup. These statistics describe a large
// tenant instead, so each lookup takes its own index whatever the data (sqlite.org/optoverview.html §8, manual
// control of query plans through sqlite_stat1). A real ANALYZE replaces them. PostgreSQL keeps real statistics
// (autovacuum) and needs none. test/http/query-plans.test.ts holds both stores to the expected indexes.
import { sql, type Kysely } from 'kysely';

/** [table, index, "rows rows-per-first-column rows-per-first-two …"]: a company of a million users, ten
 *  thousand groups, a handful of custom values per user, ten million job-log rows. */
const HINTS: [string, string, string][] = [
  ['scim_users', 'sqlite_autoindex_scim_users_1', '1000000 1'],
  ['scim_users', 'scim_users_user_name', '1000000 100000 1'],
  ['scim_users', 'scim_users_external_id', '1000000 100000 2'],
  ['scim_users', 'scim_users_created', '1000000 100000 2 1'],
  ['scim_users', 'scim_users_updated', '1000000 100000 2 1'],
  ['scim_user_emails', 'scim_user_emails_value', '1500000 150000 2'],
  ['scim_user_emails', 'scim_user_emails_user', '1500000 2'],
  ['scim_groups', 'sqlite_autoindex_scim_groups_1', '10000 1'],
  ['scim_groups', 'scim_groups_display_name', '10000 1000 1'],
  ['scim_groups', 'scim_groups_external_id', '10000 1000 2'],
  ['scim_groups', 'scim_groups_created', '10000 1000 2 1'],
  ['scim_group_members', 'sqlite_autoindex_scim_group_members_1', '10000000 1000 1'],
  ['scim_group_members', 'scim_group_members_user', '10000000 10'],
  ['target_users', 'sqlite_autoindex_target_users_1', '1000000 1'],
  ['target_users', 'sqlite_autoindex_target_users_2', '1000000 1'],
  ['target_users', 'target_users_company', '1000000 1000000 1'],
  ['target_users', 'target_users_email', '1000000 1000000 2 1'],
  ['target_users', 'target_users_active', '1000000 1000000 500000 1'],
  ['target_users', 'target_users_source', '1000000 1000000 300000 1'],
  ['target_users', 'target_users_external_id', '1000000 1000000 1'],
  ['target_users', 'target_users_manager', '1000000 1000000 10'],
  ['target_users', 'target_users_deleted', '10000 1'],
  ['target_users', 'target_users_first_name', '1000000 1000000 100 1'],
  ['target_users', 'target_users_last_name', '1000000 1000000 50 1'],
  ['target_user_fields', 'sqlite_autoindex_target_user_fields_1', '5000000 5 1'],
  ['target_user_fields', 'target_user_fields_value', '5000000 1000000 1000 1'],
  ['target_groups', 'sqlite_autoindex_target_groups_1', '10000 1'],
  ['target_groups', 'sqlite_autoindex_target_groups_2', '10000 1'],
  ['target_groups', 'target_groups_name', '10000 10000 1'],
  ['target_group_members', 'sqlite_autoindex_target_group_members_1', '10000000 1000 1'],
  ['target_group_members', 'target_group_members_user', '10000000 10'],
  ['job_log', 'sqlite_autoindex_job_log_1', '10000000 1'],
  ['job_log', 'job_log_company', '10000000 10000000 1'],
  ['job_log', 'job_log_setting', '10000000 10000000 3000000 1'],
  ['job_log', 'job_log_outcome', '10000000 10000000 3000000 1'],
  ['job_log', 'job_log_user', '10000000 10000000 10 1'],
  ['job_log', 'job_log_target_user', '10000000 10 1'],
];

/** Writes the hints of every table that has no statistics yet (a real ANALYZE's stay); idempotent. */
export async function seedSqlitePlannerStats(db: Kysely<any>): Promise<void> {
  // Creates sqlite_stat1 (only ANALYZE may) without scanning any user table.
  await sql`ANALYZE sqlite_schema`.execute(db);
  const tables = [...new Set(HINTS.map(([t]) => t))];
  const known = await sql<{ tbl: string }>`SELECT DISTINCT tbl FROM sqlite_stat1 WHERE tbl IN (${sql.join(tables)})`.execute(db);
  const described = new Set(known.rows.map((r) => r.tbl));
  const missing = HINTS.filter(([tbl]) => !described.has(tbl));
  if (!missing.length) return;
  for (const [tbl, idx, stat] of missing) {
    await sql`INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (${tbl}, ${idx}, ${stat})`.execute(db);
  }
  // Makes this connection reload the statistics it read at open.
  await sql`ANALYZE sqlite_schema`.execute(db);
}
