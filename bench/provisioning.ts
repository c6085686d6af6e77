// What the provisioning rules cost (issue 7 §6), in one process on a real store:
//   1. creates and PATCHes through a setting with three mappings, grouping, a target group and the job log,
//      against a setting with no rules, in the same run, at each company size — server CPU per request;
//   2. a rules change re-deriving N users: its rate, and SCIM GET latency while it runs;
//   3. `target-user list` by group and by a custom field's value: the first page and one deep in the set.
//   4. The admin API's target-users page (what the UI's table loads): unfiltered, in email order, searched.
// `node --import tsx bench/provisioning.ts --store sqlite|postgres --sizes 1000,1000000 [--requests 2000] [--rederive 100000]`
// Requests go through Fastify's inject (no sockets), so the CPU per request is the server's own work without
// HTTP parsing: the ratio of the two settings is, if anything, overstated. Results: bench/RESULTS.md.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import { createApiKey } from '../src/auth/api-keys.ts';
import { DEFAULT_BODY_LIMIT } from '../src/config.ts';
import { CLI_ACTOR } from '../src/directory/audit.ts';
import { createCompany } from '../src/directory/companies.ts';
import { createCustomField } from '../src/directory/custom-fields.ts';
import { listTargetUsers } from '../src/directory/target-users.ts';
import { buildApp } from '../src/http/app.ts';
import { workJob } from '../src/provisioning/rederive.ts';
import { updateScimSetting } from '../src/provisioning/scim-setting-rules.ts';
import { createScimSetting } from '../src/provisioning/scim-settings.ts';
import { ENTERPRISE_USER_URN, USER_URN } from '../src/scim/schemas/urns.ts';
import { openStore, type Store } from '../src/store/open.ts';

const { values: opt } = parseArgs({
  options: {
    store: { type: 'string', default: 'sqlite' },
    sizes: { type: 'string', default: '1000,1000000' },
    requests: { type: 'string', default: '2000' },
    rederive: { type: 'string', default: '100000' },
  },
});
const sizes = opt.sizes.split(',').map(Number);
const REQUESTS = Number(opt.requests);
const REDERIVE = Number(opt.rederive);
const CONCURRENCY = 10;

async function openBenchStore(): Promise<{ store: Store; url: string; drop(): Promise<void> }> {
  if (opt.store === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'roster-bench-'));
    const url = `sqlite:${join(dir, 'roster.db')}`;
    return { store: await openStore(url), url, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = new pg.Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  const name = `roster_bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  const url = `postgres://postgres@127.0.0.1:5432/${name}`;
  return {
    store: await openStore(url),
    url,
    drop: async () => {
      // After store.close() its connections are still ending for a moment; FORCE would kill one mid-end, which
      // its pool then throws as an unhandled error. So wait for them instead.
      for (let attempt = 1; ; attempt++) {
        try {
          await admin.query(`DROP DATABASE IF EXISTS ${name}`);
          break;
        } catch (e) {
          if (attempt === 50) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await admin.end();
    },
  };
}

const COUNTRIES = ['UK', 'France', 'Germany', 'Spain', 'Italy', 'Japan', 'Brazil', 'India', 'Canada', 'Kenya'];
const DEPARTMENTS = ['Sales', 'Legal', 'Finance', 'Engineering', 'Support', 'Marketing', 'HR', 'Operations'];

function body(tag: string, i: number) {
  return {
    schemas: [USER_URN, ENTERPRISE_USER_URN],
    userName: `${tag}.${i}@bench.example`,
    emails: [{ primary: true, type: 'work', value: `${tag}.${i}@bench.example` }],
    name: { givenName: 'Bench', familyName: `User ${i}` },
    title: 'Analyst',
    phoneNumbers: [{ type: 'work', value: `+44 20 7946 ${String(i % 10000).padStart(4, '0')}` }],
    addresses: [{ type: 'work', country: COUNTRIES[i % COUNTRIES.length] }],
    [ENTERPRISE_USER_URN]: { department: DEPARTMENTS[i % DEPARTMENTS.length], division: `Division ${i % 5}` },
    active: true,
  };
}

/**
 * `count` target users (with their SCIM resources' ids, a custom value and a group membership each), written in
 * SQL so a million take seconds, not the hours of a million POSTs. Rows look as the projection writes them.
 */
async function seedDirectory(store: Store, companyId: string, settingId: string, fieldId: string, groupIds: string[], from: number, count: number): Promise<void> {
  const pgStyle = store.dialect.name !== 'sqlite';
  const series = pgStyle ? sql`SELECT generate_series(${from}::int, ${from + count - 1}::int) AS n` : sql`WITH RECURSIVE s(n) AS (SELECT ${from} UNION ALL SELECT n + 1 FROM s WHERE n < ${from + count - 1}) SELECT n FROM s`;
  const pad = pgStyle ? sql`lpad(n::text, 10, '0')` : sql`printf('%010d', n)`;
  const t = pgStyle ? sql`true` : sql`1`;
  const now = new Date().toISOString();
  await store.runWrite(async () => {
    await sql`INSERT INTO target_users (id, company_id, source_kind, scim_setting_id, scim_user_id, external_id, email, email_ci, email_domain,
        first_name, first_name_ci, last_name, last_name_ci, department, title, phone, timezone, preferred_language, manager_value, manager_value_ci, manager_id, active, deleted_at, created_at, updated_at)
      SELECT '00000000-seed-' || ${pad}, ${companyId}, 'scim', ${settingId}, NULL, NULL, 'seed.' || n || '@bench.example', 'seed.' || n || '@bench.example', 'bench.example',
        'Seed', 'seed', 'User ' || n, 'user ' || n, 'Sales', NULL, NULL, NULL, NULL, NULL, NULL, NULL, ${t}, NULL, ${now}, ${now}
      FROM (${series}) AS seq`.execute(store.db);
    await sql`INSERT INTO target_user_fields (company_id, target_user_id, field_id, value, value_ci)
      SELECT ${companyId}, '00000000-seed-' || ${pad}, ${fieldId}, v, lower(v) FROM (SELECT n, CASE WHEN n % 10 = 0 THEN 'UK' ELSE 'France' END AS v FROM (${series}) AS seq) AS x`.execute(store.db);
    for (const [k, groupId] of groupIds.entries()) {
      await sql`INSERT INTO target_group_members (company_id, group_id, target_user_id, origin, scim_setting_id)
        SELECT ${companyId}, ${groupId}, '00000000-seed-' || ${pad}, 'rule', ${settingId} FROM (${series}) AS seq WHERE n % ${groupIds.length} = ${k}`.execute(store.db);
    }
    await sql`UPDATE companies SET active_users = active_users + ${count} WHERE id = ${companyId}`.execute(store.db);
  });
  // What autovacuum does within a minute of a bulk load; without it PostgreSQL plans for the empty tables.
  if (pgStyle) await sql`ANALYZE target_users, target_user_fields, target_group_members, target_groups`.execute(store.db);
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Runs `n` requests, `CONCURRENCY` at a time; CPU ms of this process per request and requests per second. */
async function drive(n: number, send: (i: number) => Promise<number>): Promise<{ perRequestMs: number; rate: number }> {
  let next = 0;
  const cpu0 = cpuMs();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = next++; i < n; i = next++) {
        const status = await send(i);
        if (status >= 300) throw new Error(`request ${i} answered ${status}`);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  return { perRequestMs: (cpuMs() - cpu0) / n, rate: n / seconds };
}

async function time<T>(work: () => Promise<T>, repeat = 20): Promise<number> {
  await work();
  const t0 = performance.now();
  for (let i = 0; i < repeat; i++) await work();
  return (performance.now() - t0) / repeat;
}

async function main(): Promise<void> {
  const { store, drop } = await openBenchStore();
  const results: Record<string, unknown>[] = [];
  try {
    const app = await buildApp({
      store,
      config: { trustProxy: false, publicUrl: undefined, bodyLimit: DEFAULT_BODY_LIMIT, logLevel: 'silent', scimRateLimit: 0, metrics: {} },
      logger: false,
    });
    const company = await createCompany(store, { name: 'Bench Provisioning' }, CLI_ACTOR);
    const field = await createCustomField(store, { companyId: company.id, name: 'Country / Region', type: 'text' }, CLI_ACTOR);
    const bare = await createScimSetting(store, { companyId: company.id, name: 'Bare' }, CLI_ACTOR);
    const full = await createScimSetting(
      store,
      {
        companyId: company.id,
        name: 'Full',
        mappings: ['Country / Region=addresses[type eq "work"].country', `title=${ENTERPRISE_USER_URN}:division`, 'phone=phoneNumbers[type eq "work"].value'],
        groupName: 'All staff',
        groupBy: 'department',
      },
      CLI_ACTOR,
    );
    const send = (token: string, method: string, url: string, payload?: unknown) =>
      app
        .inject({ method: method as 'GET', url, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' }, ...(payload ? { payload: JSON.stringify(payload) } : {}) })
        .then((r) => ({ status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined }));
    const groups = await Promise.all(
      COUNTRIES.slice(0, 4).map(async (name) => (await store.db.insertInto('target_groups').values({ id: `00000000-grp-${name}`, company_id: company.id, name: `Seed ${name}`, name_ci: `seed ${name.toLowerCase()}`, source: 'rule', scim_setting_id: full.setting.id, scim_group_id: null, deleted_at: null, created_at: new Date().toISOString(), updated_at: new Date().toISOString() }).execute(), `00000000-grp-${name}`)),
    );

    const { key: apiKey } = await createApiKey(store, { companyId: company.id, role: 'viewer', name: 'bench' }, CLI_ACTOR);
    let seeded = 0;
    for (const size of sizes) {
      if (size > seeded) {
        const t0 = performance.now();
        await seedDirectory(store, company.id, full.setting.id, field.id, groups, seeded, size - seeded);
        console.error(`seeded ${size - seeded} target users in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        seeded = size;
      }
      // 1. Rules cost: the same creates and PATCHes through both settings, interleaved per phase.
      const row: Record<string, unknown> = { size };
      for (const [name, s] of [['bare', bare], ['full', full]] as const) {
        const tag = `${name}${size}`;
        const ids: string[] = [];
        const created = await drive(REQUESTS, async (i) => {
          const r = await send(s.token, 'POST', '/scim/v2/Users', body(tag, i));
          ids[i] = r.body?.id;
          return r.status;
        });
        const patched = await drive(REQUESTS, async (i) =>
          (await send(s.token, 'PATCH', `/scim/v2/Users/${ids[i]}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'addresses[type eq "work"].country', value: COUNTRIES[(i + 1) % COUNTRIES.length] }, { op: 'Replace', path: `${ENTERPRISE_USER_URN}:department`, value: DEPARTMENTS[(i + 3) % DEPARTMENTS.length] }] })).status,
        );
        row[`${name}Create`] = created;
        row[`${name}Patch`] = patched;
      }
      // 3. Listing by group and by a custom value: the first page, and a page after the last seeded user but one hundred.
      const deep = `00000000-seed-${String(Math.max(0, size - 100)).padStart(10, '0')}`;
      row.listGroupFirstMs = await time(() => listTargetUsers(store, { companyId: company.id, group: 'Seed UK', limit: 100 }));
      row.listGroupDeepMs = await time(() => listTargetUsers(store, { companyId: company.id, group: 'Seed UK', limit: 100, after: deep }));
      row.listFieldFirstMs = await time(() => listTargetUsers(store, { companyId: company.id, field: 'Country / Region=UK', limit: 100 }));
      row.listFieldDeepMs = await time(() => listTargetUsers(store, { companyId: company.id, field: 'Country / Region=UK', limit: 100, after: deep }));
      // 4. The admin UI's target-users screen: a page through the admin API (HTTP, an API key, JSON), first and deep.
      const page = (query: string) =>
        time(async () => {
          const r = await app.inject({ method: 'GET', url: `/api/v1/companies/${company.id}/target-users?limit=100&${query}`, headers: { authorization: `Bearer ${apiKey}` } });
          if (r.statusCode !== 200) throw new Error(`${query}: ${r.statusCode} ${r.body}`);
        });
      row.apiFirstMs = await page('');
      row.apiDeepMs = await page(`cursor=${deep}`);
      row.apiEmailFirstMs = await page('sort=email');
      row.apiEmailDeepMs = await page(`sort=email&cursor=${deep}`);
      row.apiSearchMs = await page('q=seed.99');
      row.apiNameSearchMs = await page(`q=${encodeURIComponent(`Seed User ${Math.floor(size / 2)}`)}`);
      results.push(row);
      console.error(JSON.stringify(row));
    }

    // 2. A rules change re-deriving REDERIVE users of one setting, with SCIM reads timed while it runs.
    const rd = await createScimSetting(store, { companyId: company.id, name: 'Rederive' }, CLI_ACTOR);
    const t0 = performance.now();
    await drive(REDERIVE, async (i) => (await send(rd.token, 'POST', '/scim/v2/Users', body('rd', i))).status);
    console.error(`created ${REDERIVE} users to re-derive in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    const { jobId } = await updateScimSetting(store, rd.setting.id, { groupBy: 'department', mappings: ['Country / Region=addresses[type eq "work"].country'] }, CLI_ACTOR);
    const reads: number[] = [];
    let running = true;
    const reader = (async () => {
      for (let i = 0; running; i++) {
        const r0 = performance.now();
        await send(rd.token, 'GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "rd.${(i * 7919) % REDERIVE}@bench.example"`)}`);
        reads.push(performance.now() - r0);
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const w0 = performance.now();
    await workJob(store, jobId!);
    const seconds = (performance.now() - w0) / 1000;
    running = false;
    await reader;
    reads.sort((a, b) => a - b);
    const rederive = { users: REDERIVE, seconds, perSecond: REDERIVE / seconds, readsDuring: reads.length, readP50Ms: reads[Math.floor(reads.length / 2)], readP99Ms: reads[Math.floor(reads.length * 0.99)] };
    console.error(JSON.stringify(rederive));
    console.log(JSON.stringify({ store: opt.store, requests: REQUESTS, results, rederive }, null, 2));
    await app.close();
  } finally {
    await store.close();
    await drop();
  }
}

await main();
