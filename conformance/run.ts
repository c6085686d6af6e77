// The public conformance suites against the real server, on each store (issue 3, "Proof"):
//   node --import tsx conformance/run.ts --shared ../shared/reference/conformance [--store sqlite|postgres]
// For each store it starts `node bin/server.mjs` on a fresh database, creates a company and SCIM setting,
// seeds one user, runs Microsoft's Postman "SCIM Tests" collection with newman (every folder but "Get Token")
// and Okta's SCIM 2.0 SPEC test (Runscope export) through conformance/runscope.ts, prints every assertion,
// and compares the failures with the table in docs/conformance.md: exit 1 on any failure not listed there and
// on any listed one that passes. PostgreSQL runs when ROSTER_TEST_POSTGRES_URL (or --postgres URL) names a
// server; a database is created for the run and dropped after it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import newman from 'newman';
import pg from 'pg';
import { createCompany } from '../src/directory/companies.ts';
import { CLI_ACTOR } from '../src/directory/audit.ts';
import { createScimSetting } from '../src/provisioning/scim-settings.ts';
import { openStore } from '../src/store/open.ts';
import { runRunscope, type RunscopeTest } from './runscope.ts';
import { ROOT, startServer } from '../test/support/process.ts';

const EXPECTED_FILE = join(ROOT, 'docs/conformance.md');

export type Suite = 'microsoft' | 'okta';

export interface Outcome {
  suite: Suite;
  /** Microsoft: "Folder / Request" (a repeated name gets " (2)"); Okta: the step's note. */
  request: string;
  assertion: string;
  passed: boolean;
  detail?: string;
}

// ---------------------------------------------------------------------------------------------------------
// docs/conformance.md: the rows of the table between <!-- expected-failures:begin --> and …:end -->, as
// | suite | request | assertion | reason |, cells with `code` quoting stripped.

export const key = (o: Pick<Outcome, 'suite' | 'request' | 'assertion'>) => `${o.suite} | ${o.request} | ${o.assertion}`;

export function parseExpectedFailures(markdown: string): Map<string, string> {
  const begin = markdown.indexOf('<!-- expected-failures:begin -->');
  const end = markdown.indexOf('<!-- expected-failures:end -->');
  if (begin < 0 || end < begin) throw new Error('docs/conformance.md has no <!-- expected-failures:begin/end --> table');
  const rows = new Map<string, string>();
  for (const line of markdown.slice(begin, end).split('\n')) {
    if (!line.trim().startsWith('|')) continue;
    const cells = line
      .trim()
      .replace(/^\||\|$/g, '')
      .split(/(?<!\\)\|/)
      .map((c) => c.trim().replace(/\\\|/g, '|').replace(/^`(.*)`$/, '$1'));
    if (cells.length < 4) throw new Error(`docs/conformance.md: table row needs 4 cells: ${line}`);
    const [suite, request, assertion, reason] = cells as [string, string, string, string];
    if (suite.toLowerCase() === 'suite' || /^-+$/.test(suite.replace(/:/g, ''))) continue;
    if (suite !== 'microsoft' && suite !== 'okta') throw new Error(`docs/conformance.md: unknown suite "${suite}"`);
    rows.set(key({ suite, request, assertion }), reason);
  }
  return rows;
}

// ---------------------------------------------------------------------------------------------------------
// The tenant

async function seedTenant(databaseUrl: string): Promise<string> {
  const store = await openStore(databaseUrl);
  try {
    const company = await createCompany(store, { name: 'Conformance' }, CLI_ACTOR);
    const { token } = await createScimSetting(store, { companyId: company.id, name: 'Conformance suites', syncGroups: true }, CLI_ACTOR);
    return token;
  } finally {
    await store.close();
  }
}

/** Okta's first step lists one user and expects name, emails and active on it. */
async function seedUser(base: string, token: string): Promise<void> {
  const res = await fetch(`${base}/Users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
    body: JSON.stringify({
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'seed.user@example.com',
      name: { givenName: 'Seed', familyName: 'User' },
      emails: [{ value: 'seed.user@example.com', type: 'work', primary: true }],
      active: true,
    }),
  });
  if (res.status !== 201) throw new Error(`seeding a user answered ${res.status}: ${await res.text()}`);
}

// ---------------------------------------------------------------------------------------------------------
// The suites

interface PostmanItem {
  id?: string;
  name: string;
  item?: PostmanItem[];
  [k: string]: unknown;
}

async function runMicrosoft(file: string, base: URL, token: string): Promise<Outcome[]> {
  const collection = JSON.parse(readFileSync(file, 'utf8')) as { item: PostmanItem[] };
  collection.item = collection.item.filter((i) => i.name !== 'Get Token');
  // A name per request: "Folder / Request", with " (n)" on the n-th repeat of a name in its folder.
  const names = new Map<string, string>();
  let counter = 0;
  const walk = (items: PostmanItem[], folder: string) => {
    const seen = new Map<string, number>();
    for (const item of items) {
      if (item.item) {
        walk(item.item, item.name);
        continue;
      }
      const n = (seen.get(item.name) ?? 0) + 1;
      seen.set(item.name, n);
      item.id = `conformance-${++counter}`;
      names.set(item.id, `${folder ? `${folder} / ` : ''}${item.name}${n > 1 ? ` (${n})` : ''}`);
    }
  };
  walk(collection.item, '');

  const outcomes: Outcome[] = [];
  const nameOf = (item: { id: string; name: string }) => names.get(item.id) ?? item.name;
  await new Promise<void>((resolvePromise, reject) => {
    newman
      .run({
        collection,
        environment: {
          values: [
            { key: 'Protocol', value: base.protocol.replace(':', ''), enabled: true },
            { key: 'Server', value: base.hostname, enabled: true },
            { key: 'Port', value: `:${base.port}`, enabled: true },
            { key: 'Api', value: base.pathname.replace(/^\/|\/$/g, ''), enabled: true },
            { key: 'token', value: token, enabled: true },
          ],
        },
        reporters: [],
        timeoutRequest: 10_000,
      })
      .on('request', (err: Error | null, args: { item: { id: string; name: string } }) => {
        if (err) outcomes.push({ suite: 'microsoft', request: nameOf(args.item), assertion: 'request', passed: false, detail: err.message });
        else if (process.env.CONFORMANCE_TRACE) {
          const a = args as unknown as { request: { method: string; url: { toString(): string } }; response: { code: number; text(): string } };
          console.log(`${a.request.method} ${a.request.url.toString()} -> ${a.response.code} ${a.response.text().slice(0, 400)}`);
        }
      })
      .on('script', (err: Error | null, args: { item: { id: string; name: string }; event: { listen: string } }) => {
        if (err) outcomes.push({ suite: 'microsoft', request: nameOf(args.item), assertion: `${args.event.listen} script`, passed: false, detail: err.message });
      })
      .on('assertion', (err: Error | null, args: { item: { id: string; name: string }; assertion: string }) => {
        outcomes.push({ suite: 'microsoft', request: nameOf(args.item), assertion: args.assertion, passed: !err, ...(err ? { detail: err.message } : {}) });
      })
      .on('done', (err: Error | null) => (err ? reject(err) : resolvePromise()));
  });
  return outcomes;
}

async function runOkta(dir: string, base: URL, token: string): Promise<Outcome[]> {
  const test = JSON.parse(readFileSync(join(dir, 'okta-scim-20-spec-test.json'), 'utf8')) as RunscopeTest;
  const initialScript = readFileSync(join(dir, 'okta-scim-20-spec-initial-script.js'), 'utf8');
  const results = await runRunscope(test, {
    initialScript,
    variables: { SCIMBaseURL: base.href.replace(/\/$/, ''), auth: `Bearer ${token}` },
  });
  return results.map((r) => ({
    suite: 'okta',
    request: r.step,
    assertion: r.assertion,
    passed: r.passed,
    ...(r.passed ? {} : { detail: `expected ${r.expected ?? '—'}, got ${JSON.stringify(r.actual) ?? 'nothing'}` }),
  }));
}

// ---------------------------------------------------------------------------------------------------------
// Stores

interface StoreRun {
  name: string;
  databaseUrl: string;
  cleanup(): Promise<void>;
}

function sqliteStore(): StoreRun {
  const dir = mkdtempSync(join(tmpdir(), 'roster-conformance-'));
  return { name: 'sqlite', databaseUrl: `sqlite:${join(dir, 'roster.db')}`, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function postgresStore(serverUrl: string): Promise<StoreRun> {
  const admin = new URL(serverUrl);
  admin.pathname = '/postgres';
  const db = `roster_conformance_${Date.now()}_${process.pid}`;
  const client = new pg.Client({ connectionString: admin.href });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${db}`);
  } finally {
    await client.end();
  }
  const target = new URL(serverUrl);
  target.pathname = `/${db}`;
  return {
    name: 'postgres',
    databaseUrl: target.href,
    async cleanup() {
      const c = new pg.Client({ connectionString: admin.href });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

async function runStore(store: StoreRun, shared: string): Promise<Outcome[]> {
  const token = await seedTenant(store.databaseUrl);
  // The server as `npm start` runs it, on 127.0.0.1 and a free port, LOG_LEVEL warn.
  const server = await startServer({ env: { DATABASE_URL: store.databaseUrl }, cwd: ROOT });
  try {
    const base = new URL(`${server.origin}/scim/v2/`);
    // Microsoft's collection starts from an empty directory and counts users; Okta's needs one to list.
    const microsoft = await runMicrosoft(join(shared, 'microsoft-scim-postman-collection.json'), base, token);
    await seedUser(base.href.replace(/\/$/, ''), token);
    const okta = await runOkta(shared, base, token);
    return [...microsoft, ...okta];
  } catch (e) {
    process.stderr.write(`server output:\n${server.stderr()}${server.stdout()}\n`);
    throw e;
  } finally {
    await server.stop();
  }
}

// ---------------------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      shared: { type: 'string' },
      store: { type: 'string', multiple: true },
      postgres: { type: 'string' },
      verbose: { type: 'boolean', short: 'v' },
    },
  });
  if (!values.shared) throw new Error('usage: conformance/run.ts --shared DIR [--store sqlite|postgres] [--postgres URL] [--verbose]');
  const shared = resolve(values.shared);
  const expected = parseExpectedFailures(readFileSync(EXPECTED_FILE, 'utf8'));
  const postgresUrl = values.postgres ?? process.env.ROSTER_TEST_POSTGRES_URL;
  const wanted = values.store ?? ['sqlite', ...(postgresUrl ? ['postgres'] : [])];

  let problems = 0;
  for (const name of wanted) {
    const started = performance.now();
    let store: StoreRun;
    if (name === 'sqlite') store = sqliteStore();
    else if (name === 'postgres') {
      if (!postgresUrl) throw new Error('--store postgres needs ROSTER_TEST_POSTGRES_URL or --postgres URL');
      store = await postgresStore(postgresUrl);
    } else throw new Error(`unknown store "${name}"`);
    let outcomes: Outcome[];
    try {
      outcomes = await runStore(store, shared);
    } finally {
      await store.cleanup();
    }
    const seconds = ((performance.now() - started) / 1000).toFixed(1);

    console.log(`\n=== conformance on ${name} (${seconds} s) ===`);
    let current = '';
    const counts = { passed: 0, expectedFailures: 0, unexpectedFailures: 0, unexpectedPasses: 0 };
    const seenKeys = new Set<string>();
    for (const o of outcomes) {
      const k = key(o);
      seenKeys.add(k);
      const listed = expected.has(k);
      let mark: string;
      if (o.passed && !listed) {
        counts.passed++;
        mark = 'ok  ';
      } else if (!o.passed && listed) {
        counts.expectedFailures++;
        mark = 'xfail';
      } else if (o.passed) {
        counts.unexpectedPasses++;
        mark = 'XPASS';
      } else {
        counts.unexpectedFailures++;
        mark = 'FAIL ';
      }
      const interesting = mark !== 'ok  ';
      if (!interesting && !values.verbose) continue;
      const heading = `${o.suite}: ${o.request}`;
      if (heading !== current) console.log(`  ${heading}`);
      current = heading;
      console.log(`    ${mark} ${o.assertion}${o.detail && mark !== 'XPASS' ? `  — ${o.detail}` : ''}${mark === 'XPASS' ? '  — listed in docs/conformance.md but passed: remove the row' : ''}`);
    }
    const missing = [...expected.keys()].filter((k) => !seenKeys.has(k));
    for (const k of missing) console.log(`  MISSING  ${k}  — listed in docs/conformance.md but never ran`);
    console.log(
      `  ${outcomes.length} assertions: ${counts.passed} passed, ${counts.expectedFailures} expected failures (docs/conformance.md), ` +
        `${counts.unexpectedFailures} unexpected failures, ${counts.unexpectedPasses} unexpected passes`,
    );
    problems += counts.unexpectedFailures + counts.unexpectedPasses + missing.length;
  }
  if (problems) console.log(`\nconformance: ${problems} problem(s); see above`);
  else console.log('\nconformance: every assertion as expected');
  return problems ? 1 : 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().then(
    (code) => process.exit(code),
    (e: unknown) => {
      process.stderr.write(`conformance: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
      process.exit(2);
    },
  );
}
