// `roster job-log`, `roster audit-log` and `roster job show` as operators script them, as real processes on
// a store seeded through the library: the filters, paging with --after until the log is exhausted, and the
// exit codes of README "The roster CLI" (2 invalid arguments, 3 not found).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createCompany } from '../../src/directory/companies.ts';
import { newId } from '../../src/store/ids.ts';
import { updateScimSetting } from '../../src/provisioning/scim-setting-rules.ts';
import { createScimSetting } from '../../src/provisioning/scim-settings.ts';
import { hashToken } from '../../src/provisioning/tokens.ts';
import { foldString } from '../../src/scim/fold.ts';
import { appendJobLog, type JobOutcome } from '../../src/store/job-log.ts';
import { openStore } from '../../src/store/open.ts';
import { roster, type CliResult } from '../support/process.ts';
import { sharedDatabaseKinds, type SharedDatabase } from '../support/process-stores.ts';

const OUTCOMES: JobOutcome[] = ['success', 'warning', 'failure'];
const EMAILS = ['ada@example.com', 'Grace.Hopper@Example.com', 'dupré@example.com'];
const ROWS = 24;

function ok(result: CliResult): any {
  assert.equal(result.code, 0, `exit code; stderr: ${result.stderr}`);
  assert.equal(result.stderr, '');
  assert.notEqual(result.json, undefined, `stdout is one JSON document:\n${result.stdout}`);
  return result.json;
}

function failed(result: CliResult, code: number, message: RegExp): void {
  assert.equal(result.code, code, `exit code; stdout: ${result.stdout} stderr: ${result.stderr}`);
  assert.match(result.json?.error?.message ?? '', message);
}

interface Seeded {
  companyId: string;
  settings: [string, string];
  jobId: string;
  /** Every job-log row, oldest first. */
  rows: { id: string; settingId: string; outcome: JobOutcome; email: string; at: string }[];
}

async function seed(url: string): Promise<Seeded> {
  const store = await openStore(url);
  try {
    const company = await createCompany(store, { name: 'Acme' }, CLI_ACTOR);
    await createCompany(store, { name: 'Elsewhere' }, CLI_ACTOR);
    const entra = (await createScimSetting(store, { companyId: company.id, name: 'Entra ID' }, CLI_ACTOR)).setting;
    const okta = (await createScimSetting(store, { companyId: company.id, name: 'Okta' }, CLI_ACTOR)).setting;
    const { jobId } = await updateScimSetting(store, entra.id, { groupName: 'All staff' }, CLI_ACTOR);
    // A millisecond apart from now on, so that each id carries its row's moment (newId never goes back in
    // time) and the audit rows the CLI writes later are newer still.
    const start = Date.now() + 1;
    const rows: Seeded['rows'] = [];
    for (let i = 0; i < ROWS; i++) {
      const ms = start + i;
      const row = { id: newId(ms), settingId: i % 2 ? okta.id : entra.id, outcome: OUTCOMES[i % 3]!, email: EMAILS[i % 4] ?? 'nobody', at: new Date(ms).toISOString() };
      await appendJobLog(store, {
        id: row.id,
        companyId: company.id,
        settingId: row.settingId,
        at: row.at,
        idp: i % 2 ? 'Okta' : 'Entra ID',
        operation: 'patch',
        resourceType: 'User',
        resourceId: `scim-${i}`,
        // Every fourth row is about no target user at all (a request that failed before one was known).
        userName: row.email === 'nobody' ? null : row.email,
        userEmailCi: row.email === 'nobody' ? null : foldString(row.email),
        targetUserId: null,
        outcome: row.outcome,
        status: row.outcome === 'failure' ? 400 : 200,
        detail: `row ${i}`,
      });
      rows.push(row);
    }
    return { companyId: company.id, settings: [entra.id, okta.id], jobId: jobId!, rows };
  } finally {
    await store.close();
  }
}

for (const kind of sharedDatabaseKinds()) {
  describe(`roster job-log, audit-log and job show on ${kind.name}`, () => {
    let db: SharedDatabase;
    let s: Seeded;
    const cli = (...args: string[]) => roster(args, { DATABASE_URL: db.url }, db.cwd);
    const newestFirst = (rows: Seeded['rows']) => rows.map((r) => r.id).reverse();

    before(async () => {
      db = await kind.create();
      s = await seed(db.url);
    });
    after(() => db.remove());

    it('job-log --json lists every row newest first, with the fields an admin acts on', async () => {
      const rows = ok(await cli('job-log', '--company', s.companyId, '--json'));
      assert.deepEqual(rows.map((r: any) => r.id), newestFirst(s.rows));
      assert.deepEqual(Object.keys(rows[0]).sort(), ['at', 'detail', 'id', 'idp', 'operation', 'outcome', 'resourceId', 'resourceType', 'settingId', 'status', 'targetUserId', 'userName'].sort());
      assert.deepEqual(rows.at(-1), {
        id: s.rows[0]!.id, at: s.rows[0]!.at, settingId: s.settings[0], idp: 'Entra ID', operation: 'patch', resourceType: 'User', resourceId: 'scim-0',
        userName: 'ada@example.com', targetUserId: null, outcome: 'success', status: 200, detail: 'row 0',
      });
    });

    it('job-log narrows to one setting, one outcome, and both together', async () => {
      const [entra, okta] = s.settings;
      const ids = async (...flags: string[]) => ok(await cli('job-log', '--company', s.companyId, ...flags, '--json')).map((r: any) => r.id);
      assert.deepEqual(await ids('--setting', okta), newestFirst(s.rows.filter((r) => r.settingId === okta)));
      assert.deepEqual(await ids('--outcome', 'failure'), newestFirst(s.rows.filter((r) => r.outcome === 'failure')));
      assert.deepEqual(await ids('--setting', entra, '--outcome', 'WARNING'), newestFirst(s.rows.filter((r) => r.settingId === entra && r.outcome === 'warning')));
    });

    it('job-log --user matches the email ignoring case, accents included', async () => {
      const ids = async (email: string) => ok(await cli('job-log', '--company', s.companyId, '--user', email, '--json')).map((r: any) => r.id);
      assert.deepEqual(await ids('grace.hopper@example.COM'), newestFirst(s.rows.filter((r) => r.email === 'Grace.Hopper@Example.com')));
      assert.deepEqual(await ids('DUPRÉ@example.com'), newestFirst(s.rows.filter((r) => r.email === 'dupré@example.com')));
      assert.deepEqual(await ids('nobody@example.com'), []);
    });

    it('job-log --since keeps the rows at or after that moment', async () => {
      const from = s.rows[ROWS - 5]!;
      const rows = ok(await cli('job-log', '--company', s.companyId, '--since', from.at, '--json'));
      assert.deepEqual(rows.map((r: any) => r.id), newestFirst(s.rows.slice(ROWS - 5)));
      assert.deepEqual(ok(await cli('job-log', '--company', s.companyId, '--since', '2000-01-01', '--json')).length, ROWS);
    });

    it('job-log --until keeps the rows before that moment, and with --since a window that pages with --after', async () => {
      const ids = async (...flags: string[]) => ok(await cli('job-log', '--company', s.companyId, ...flags, '--json')).map((r: any) => r.id);
      assert.deepEqual(await ids('--until', s.rows[5]!.at), newestFirst(s.rows.slice(0, 5)));
      assert.deepEqual(await ids('--until', '2000-01-01'), []);
      const window = newestFirst(s.rows.slice(3, 12));
      assert.deepEqual(await ids('--since', s.rows[3]!.at, '--until', s.rows[12]!.at), window);
      // The cursor and --until both bound the page from above: the tighter one wins, in either order.
      assert.deepEqual(await ids('--since', s.rows[3]!.at, '--until', s.rows[12]!.at, '--after', window[2]!), window.slice(3));
      assert.deepEqual(await ids('--until', s.rows[12]!.at, '--after', s.rows[15]!.id), newestFirst(s.rows.slice(0, 12)));
    });

    it('job-log pages with --limit and --after until the log is exhausted, never showing a row twice', async () => {
      const seen: string[] = [];
      let after: string | undefined;
      for (let page = 0; page < 10; page++) {
        const rows = ok(await cli('job-log', '--company', s.companyId, '--limit', '7', ...(after ? ['--after', after] : []), '--json'));
        if (!rows.length) break;
        assert.ok(rows.length <= 7);
        seen.push(...rows.map((r: any) => r.id));
        after = rows.at(-1).id;
      }
      assert.deepEqual(seen, newestFirst(s.rows));
      // Paging combines with a filter: the cursor is a position in the log, whatever the filter.
      const failures = newestFirst(s.rows.filter((r) => r.outcome === 'failure'));
      const second = ok(await cli('job-log', '--company', s.companyId, '--outcome', 'failure', '--limit', '3', '--after', failures[2]!, '--json'));
      assert.deepEqual(second.map((r: any) => r.id), failures.slice(3, 6));
    });

    it('job-log prints one readable line per row without --json, and the cursor of the next page', async () => {
      const result = await cli('job-log', '--company', s.companyId, '--limit', '3');
      assert.equal(result.code, 0, result.stderr);
      const lines = result.stdout.trim().split('\n');
      assert.equal(lines.length, 4);
      // Row 23: Okta, a failure about the fourth email (none).
      assert.equal(lines[0], `${s.rows[ROWS - 1]!.at}  failure  patch  User  scim-23  400  — row 23`);
      assert.equal(lines[3], `(more: --after ${s.rows[ROWS - 3]!.id})`);
    });

    it('job-log refuses a bad --outcome, --since, --limit or --after with exit code 2 and says what it expects', async () => {
      const c = s.companyId;
      failed(await cli('job-log', '--company', c, '--outcome', 'error', '--json'), 2, /--outcome must be one of success, warning, failure, got "error"/);
      failed(await cli('job-log', '--company', c, '--since', 'yesterday', '--json'), 2, /--since expects an ISO 8601 date or time .*"yesterday"/);
      failed(await cli('job-log', '--company', c, '--since', '2026-13-45', '--json'), 2, /--since expects an ISO 8601/);
      failed(await cli('job-log', '--company', c, '--until', 'tomorrow', '--json'), 2, /--until expects an ISO 8601 date or time .*"tomorrow"/);
      failed(await cli('job-log', '--company', c, '--limit', '0', '--json'), 2, /--limit must be from 1 to 1000, got 0/);
      failed(await cli('job-log', '--company', c, '--limit', '1001', '--json'), 2, /--limit must be from 1 to 1000, got 1001/);
      failed(await cli('job-log', '--company', c, '--limit', 'ten', '--json'), 2, /--limit/);
      failed(await cli('job-log', '--company', c, '--after', 'page-2', '--json'), 2, /--after expects the id of the last row/);
    });

    it('job-log of an unknown company, or of a setting of another company, exits 3', async () => {
      failed(await cli('job-log', '--company', '00000000-0000-4000-8000-000000000000', '--json'), 3, /No company with id/);
      const elsewhere = ok(await cli('company', 'list', '--json')).find((c: any) => c.name === 'Elsewhere').id;
      failed(await cli('job-log', '--company', elsewhere, '--setting', s.settings[0], '--json'), 3, /no SCIM setting with id/);
    });

    it("audit-log lists the company's admin actions newest first, settings' token changes included, never a token or its hash", async () => {
      const [entra, okta] = s.settings;
      const rotated = ok(await cli('scim-setting', 'rotate', okta, '--json'));
      ok(await cli('scim-setting', 'update', okta, '--rate-limit', '5', '--json'));
      ok(await cli('scim-setting', 'revoke', okta, '--json'));
      const result = await cli('audit-log', '--company', s.companyId, '--json');
      const rows = ok(result);
      assert.deepEqual(
        rows.map((r: any) => `${r.entity} ${r.operation}`),
        ['scim-setting revoke', 'scim-setting update', 'scim-setting rotate', 'scim-setting update', 'scim-setting create', 'scim-setting create', 'company create'],
      );
      assert.deepEqual(Object.keys(rows[0]).sort(), ['actor', 'at', 'entity', 'entityId', 'id', 'ip', 'newValue', 'oldValue', 'operation', 'userAgent']);
      const [revoke, rate, rotate, rules, oktaCreated] = rows;
      assert.equal(revoke.actor, 'cli');
      assert.deepEqual(revoke.oldValue, { revokedAt: null });
      assert.deepEqual(revoke.newValue, { revokedAt: revoke.at });
      assert.deepEqual([rate.oldValue, rate.newValue], [{ rateLimit: null }, { rateLimit: 5 }]);
      assert.equal(rotate.entityId, okta);
      assert.equal(rotate.newValue.tokenPrefix, rotated.tokenPrefix);
      assert.equal(rotate.oldValue.tokenPrefix, oktaCreated.newValue.tokenPrefix);
      assert.equal(rules.entityId, entra);
      assert.deepEqual([rules.oldValue.groupName, rules.newValue.groupName, rules.newValue.rederiveJobId], [null, 'All staff', s.jobId]);
      assert.equal(oktaCreated.newValue.name, 'Okta');
      assert.ok(!result.stdout.includes(rotated.token), 'the rotated token');
      assert.ok(!result.stdout.includes(hashToken(rotated.token)), "the rotated token's hash");
      assert.ok(!/rst_[A-Za-z0-9_-]{20,}/.test(result.stdout), 'any whole token');
    });

    it('audit-log pages with --limit and --after, and refuses an unknown company with exit code 3', async () => {
      const all = ok(await cli('audit-log', '--company', s.companyId, '--json')).map((r: any) => r.id);
      const first = ok(await cli('audit-log', '--company', s.companyId, '--limit', '4', '--json')).map((r: any) => r.id);
      const rest = ok(await cli('audit-log', '--company', s.companyId, '--limit', '4', '--after', first.at(-1), '--json')).map((r: any) => r.id);
      assert.deepEqual([...first, ...rest], all);
      failed(await cli('audit-log', '--company', 'nope', '--json'), 3, /No company with id nope/);
      failed(await cli('audit-log', '--company', s.companyId, '--limit', '5000', '--json'), 2, /--limit must be from 1 to 1000/);
    });

    it('audit-log --system lists the changes of no company, such as an operator created; it needs --company or --system, not both', async () => {
      ok(await cli('system-user', 'create', '--email', 'ops@roster.test', '--role', 'operator', '--json'));
      const rows = ok(await cli('audit-log', '--system', '--json'));
      assert.deepEqual(rows.map((r: any) => `${r.entity} ${r.operation} ${r.newValue?.email}`), ['system-user create ops@roster.test']);
      const companies = new Set(ok(await cli('audit-log', '--company', s.companyId, '--json')).map((r: any) => r.id));
      assert.ok(!companies.has(rows[0].id));
      failed(await cli('audit-log', '--json'), 2, /either --company <id> or --system/);
      failed(await cli('audit-log', '--system', '--company', s.companyId, '--json'), 2, /either --company <id> or --system/);
    });

    it("job show --json reports a job's kind, status and progress; an unknown id exits 3", async () => {
      const job = ok(await cli('job', 'show', s.jobId, '--json'));
      assert.deepEqual(Object.keys(job).sort(), ['companyId', 'createdAt', 'done', 'error', 'finishedAt', 'id', 'kind', 'settingId', 'status', 'total', 'updatedAt'].sort());
      assert.equal(job.id, s.jobId);
      assert.equal(job.companyId, s.companyId);
      assert.equal(job.kind, 'rederive');
      assert.equal(job.settingId, s.settings[0]);
      assert.ok(['queued', 'running', 'done'].includes(job.status), job.status);
      assert.equal(typeof job.done, 'number');
      assert.equal(job.total, 0);
      const text = await cli('job', 'show', s.jobId);
      assert.match(text.stdout, new RegExp(`^Job ${s.jobId} \\(rederive\\): \\w+, \\d+ of 0 done`));
      failed(await cli('job', 'show', 'no-such-job', '--json'), 3, /No job with id no-such-job/);
    });
  });
}
