// CSV import and export (README "CSV import and export", docs/provisioning.md): the file as spreadsheets write
// it, the same rules as manual and SCIM users, a preview that writes nothing, the job worked to its end and
// resumed after an interruption, and an export that imports back unchanged; on both stores.
import assert from 'node:assert/strict';
import { escapeCell, unescapeCell } from '../../src/directory/csv-cells.ts';
import { after, before, beforeEach, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createCompany, updateCompanySettings } from '../../src/directory/companies.ts';
import { createCustomField } from '../../src/directory/custom-fields.ts';
import { AdminError } from '../../src/directory/errors.ts';
import { exportTargetUsers } from '../../src/directory/target-user-export.ts';
import { listTargetUsers } from '../../src/directory/target-users.ts';
import { previewImport, queueImport } from '../../src/provisioning/csv-import.ts';
import { workJob } from '../../src/provisioning/rederive.ts';
import { createScimSetting } from '../../src/provisioning/scim-settings.ts';
import { newId } from '../../src/store/ids.ts';
import { findJob } from '../../src/store/job-queue.ts';
import type { Store } from '../../src/store/open.ts';
import { insertTargetUser } from '../../src/store/target-users.ts';
import { storeKinds } from '../support/stores.ts';

async function* from(...chunks: (string | Uint8Array)[]) {
  for (const c of chunks) yield c;
}

const HEADER = 'email,firstName,lastName';

interface Case {
  name: string;
  input: (string | Uint8Array)[];
  expect: { create?: number; update?: number; unchanged?: number; skipped?: number; failed?: number; problems?: [number, string, RegExp][] };
}

const utf8 = (s: string) => new TextEncoder().encode(s);

const CASES: Case[] = [
  { name: 'a BOM before the header', input: [utf8('\uFEFFemail;firstName\r\nann@acme.com;Ann\r\n')], expect: { create: 1 } },
  { name: '";" as the delimiter', input: ['Email;First Name;Last Name\nann@acme.com;Ann;Lee\nbob@acme.com;Bob;"Smith; Jr"\n'], expect: { create: 2 } },
  { name: 'quoted fields with delimiters, quotes and a line break', input: [`${HEADER},department\nann@acme.com,"Ann, ""Nan""",Lee,"Sales\nEMEA"\n`], expect: { create: 1 } },
  { name: 'header names in any case and spaced forms', input: ['EMAIL ADDRESS, first name ,SURNAME,Time Zone,Preferred Language\nann@acme.com,Ann,Lee,DE,de-de\n'], expect: { create: 1 } },
  { name: 'an unknown column, ignored', input: [`${HEADER},Priority\nann@acme.com,Ann,Lee,High\n`], expect: { create: 1 } },
  { name: 'empty lines and lines of delimiters', input: [`${HEADER}\n\nann@acme.com,Ann,Lee\n,,\n\nbob@acme.com,Bob,Ray\n`], expect: { create: 2 } },
  { name: 'a multibyte character split between chunks', input: [utf8(`${HEADER}\nann@acme.com,Ren`).slice(0), Uint8Array.of(0xc3), Uint8Array.of(0xa9, 0x0a)], expect: { create: 1 } },
  {
    name: 'a bad row among good ones',
    input: [`${HEADER},timezone\nann@acme.com,Ann,Lee,Europe/Berlin\nnot-an-address,Bob,Ray,\ncy@acme.com,Cy,Do,Mars/Olympus\ndee@acme.com,Dee,,\n`],
    expect: { create: 2, failed: 2, problems: [[2, 'email', /not a usable email address/], [3, 'timezone', /not a country code, Windows or IANA time zone/]] },
  },
  { name: 'a row without an address', input: [`${HEADER}\n,Ann,Lee\n`], expect: { failed: 1, problems: [[1, 'email', /no email address/]] } },
  { name: 'a duplicate address, in another case', input: [`${HEADER}\nann@acme.com,Ann,Lee\nbob@acme.com,Bob,Ray\nANN@acme.com,Ann,Again\n`], expect: { create: 2, failed: 1, problems: [[3, 'email', /email ANN@acme.com appears already on row 1/]] } },
  { name: 'too many fields in a row', input: [`${HEADER}\nann@acme.com,Ann,Lee,extra\n`], expect: { failed: 1, problems: [[1, '', /3 columns/]] } },
  { name: 'a bad active value', input: [`${HEADER},active\nann@acme.com,Ann,Lee,maybe\n`], expect: { failed: 1, problems: [[1, 'active', /not a boolean/]] } },
  { name: 'a language that is no tag', input: [`${HEADER},preferredLanguage\nann@acme.com,Ann,Lee,not a language\n`], expect: { failed: 1, problems: [[1, 'preferredLanguage', /BCP 47/]] } },
];

const BAD_FILES: [string, (string | Uint8Array)[], RegExp][] = [
  ['no email column', ['firstName,lastName\nAnn,Lee\n'], /no email column: its header line names "firstName", "lastName"/],
  ['an empty file', [''], /empty/],
  ['not UTF-8', [utf8(`${HEADER}\nann@acme.com,Ann,Lee\n`), Uint8Array.of(0x62, 0x6f, 0x62, 0xe9, 0x2c, 0x0a)], /not UTF-8 text \(line 3/],
  ['an unterminated quote', [`${HEADER}\nann@acme.com,Ann,Lee\nbob@acme.com,"Bob,Ray\ncy@acme.com,Cy,Do\n`], /quote that is never closed: data row 2 opens a quoted field that runs to the end of the file \(line 4\)/],
  ['two columns for one field', ['email,First Name,firstName\n'], /Columns 2 \("First Name"\) and 3 \("firstName"\) both fill firstName/],
];

for (const kind of storeKinds()) {
  describe(`CSV import and export on ${kind.name}`, () => {
    let store: Store;
    let companyId: string;
    const all = async () => listTargetUsers(store, { companyId, limit: 1000 });
    const work = async (jobId: string) => {
      assert.equal(await workJob(store, jobId), true);
      return findJob(store, jobId);
    };

    before(async () => {
      store = await kind.open();
    });
    after(() => store.close());
    beforeEach(async () => {
      companyId = (await createCompany(store, { name: `Acme ${newId()}` }, CLI_ACTOR)).id;
    });

    for (const c of CASES) {
      it(`preview: ${c.name}`, async () => {
        const p = await previewImport(store, companyId, from(...c.input));
        const { create = 0, update = 0, unchanged = 0, skipped = 0, failed = 0 } = c.expect;
        assert.deepEqual([p.create, p.update, p.unchanged, p.skipped, p.failed], [create, update, unchanged, skipped, failed], JSON.stringify(p.problems));
        assert.equal(p.rows, create + update + unchanged + skipped + failed);
        for (const [i, [row, field, message]] of (c.expect.problems ?? []).entries()) {
          assert.equal(p.problems[i]?.row, row);
          assert.equal(p.problems[i]?.field ?? '', field);
          assert.match(p.problems[i]?.message ?? '', message);
        }
      });
    }

    for (const [name, input, message] of BAD_FILES) {
      it(`refuses a file with ${name} as a whole, preview and import alike`, async () => {
        await assert.rejects(previewImport(store, companyId, from(...input)), (e) => e instanceof AdminError && e.kind === 'invalid' && message.test(e.message));
        await assert.rejects(queueImport(store, companyId, from(...input), CLI_ACTOR), (e) => e instanceof AdminError && message.test(e.message));
        assert.equal((await store.db.selectFrom('job_inputs').select('job_id').execute()).length, 0, 'no chunk is left behind');
      });
    }

    it('the preview reports columns and writes nothing', async () => {
      const p = await previewImport(store, companyId, from(`${HEADER},Priority\nann@acme.com,Ann,Lee,High\n`));
      assert.deepEqual(p.columns, [{ header: 'email', field: 'email' }, { header: 'firstName', field: 'firstName' }, { header: 'lastName', field: 'lastName' }, { header: 'Priority', field: null }]);
      assert.equal(p.create, 1);
      assert.deepEqual(await all(), []);
      assert.equal((await store.db.selectFrom('jobs').select('id').execute()).length, 0);
    });

    it('an import creates, then upserts by email ignoring case: normalised timezone and language, updated and unchanged rows', async () => {
      const first = await queueImport(store, companyId, from(`${HEADER},timezone,preferredLanguage,department\nAnn@acme.com,Ann,Lee,W. Europe Standard Time,EN-gb,Sales\nbob@acme.com,Bob,Ray,,,\n`), CLI_ACTOR);
      const job = await work(first.jobId);
      assert.deepEqual([job?.status, job?.done, job?.total], ['done', 2, 2]);
      const [ann] = (await all()).filter((u) => u.firstName === 'Ann');
      assert.deepEqual([ann?.timezone, ann?.preferredLanguage, ann?.department, ann?.source.kind], ['Europe/Berlin', 'en-GB', 'Sales', 'csv']);
      const second = await queueImport(store, companyId, from(`email,department\nann@ACME.com,Marketing\nbob@acme.com,\n`), CLI_ACTOR);
      await work(second.jobId);
      const users = await all();
      assert.equal(users.length, 2);
      assert.equal(users.find((u) => u.firstName === 'Ann')?.department, 'Marketing');
      const log = await store.db.selectFrom('job_log').select(['detail', 'target_user_id', 'outcome']).where('resource_id', '=', second.jobId).orderBy('id').execute();
      assert.match(log.at(-1)!.detail!, /Imported 2 rows from a CSV file: 0 created, 1 updated, 1 unchanged, 0 skipped, 0 failed/);
      assert.equal(log.length, 2, 'one row for the updated user, one summary; none for the unchanged one');
      assert.equal(log[0]!.target_user_id, ann!.id);
      const audit = await store.db.selectFrom('audit_log').select(['actor', 'operation', 'entity']).where('company_id', '=', companyId).where('operation', '=', 'import').execute();
      assert.deepEqual(audit, [{ actor: 'cli', operation: 'import', entity: 'target-user' }, { actor: 'cli', operation: 'import', entity: 'target-user' }]);
      assert.equal((await store.db.selectFrom('job_inputs').select('job_id').execute()).length, 0, 'the spooled file is gone');
    });

    it('a user a SCIM setting owns is skipped naming the setting, never overwritten', async () => {
      const { setting } = await createScimSetting(store, { companyId, name: 'Entra ID' }, CLI_ACTOR);
      const at = new Date().toISOString();
      await insertTargetUser(store, {
        id: newId(), companyId, sourceKind: 'scim', settingId: setting.id, scimUserId: null, email: 'ann@acme.com', firstName: 'Ann', lastName: 'Lee', department: null, title: null,
        phone: null, timezone: null, preferredLanguage: null, managerValue: null, managerId: null, externalId: null, active: true, deletedAt: null, createdAt: at, updatedAt: at,
      });
      const input = `${HEADER}\nANN@acme.com,Annie,Changed\n`;
      const p = await previewImport(store, companyId, from(input));
      assert.equal(p.skipped, 1);
      assert.match(p.problems[0]!.message!, /managed by SCIM setting "Entra ID"/);
      await work((await queueImport(store, companyId, from(input), CLI_ACTOR)).jobId);
      assert.equal((await all())[0]?.firstName, 'Ann');
    });

    it('an address outside the allowed domains is imported, marked not deliverable, with a warning', async () => {
      await updateCompanySettings(store, companyId, { allowedDomains: ['acme.com'] }, CLI_ACTOR);
      const jobId = (await queueImport(store, companyId, from(`${HEADER}\nann@elsewhere.org,Ann,Lee\n`), CLI_ACTOR)).jobId;
      await work(jobId);
      assert.equal((await all())[0]?.deliverable, false);
      const [row] = await store.db.selectFrom('job_log').select(['outcome', 'detail']).where('resource_id', '=', jobId).orderBy('id').execute();
      assert.equal(row?.outcome, 'warning');
      assert.match(row!.detail!, /elsewhere.org is not one of the company's allowed domains/);
    });

    it('an enforced licence fails the rows beyond it, in the preview and the import', async () => {
      await updateCompanySettings(store, companyId, { licenseLimit: 2, licenseEnforce: true }, CLI_ACTOR);
      const input = `${HEADER},active\na@acme.com,A,A,\nb@acme.com,B,B,\nc@acme.com,C,C,\nd@acme.com,D,D,false\n`;
      const p = await previewImport(store, companyId, from(input));
      assert.deepEqual([p.create, p.failed, p.problems[0]?.row], [3, 1, 3]);
      assert.match(p.problems[0]!.message!, /licence limit of 2/);
      await work((await queueImport(store, companyId, from(input), CLI_ACTOR)).jobId);
      assert.deepEqual((await all()).map((u) => [u.email, u.active]), [['a@acme.com', true], ['b@acme.com', true], ['d@acme.com', false]]);
    });

    it('custom fields of each type take canonical values, and refuse what does not fit their type', async () => {
      for (const [name, type] of [['Country / Region', 'text'], ['Seniority', 'number'], ['Buddy', 'email'], ['Start', 'date'], ['Badge at', 'datetime'], ['Remote', 'boolean']] as const) {
        await createCustomField(store, { companyId, name, type }, CLI_ACTOR);
      }
      const header = `${HEADER},country / region,Seniority,Buddy,Start,Badge at,Remote`;
      const p = await previewImport(store, companyId, from(`${header}\nann@acme.com,Ann,Lee,UK,+3,x@ACME.COM,2024-05-01,2024-05-01T10:00:00+02:00,yes\nbob@acme.com,Bob,Ray,,1,500,,,,\n`));
      assert.deepEqual([p.create, p.failed, p.problems[0]?.field], [1, 1, 'Buddy']);
      await work((await queueImport(store, companyId, from(`${header}\nann@acme.com,Ann,Lee,UK,+3,x@ACME.COM,2024-05-01,2024-05-01T10:00:00+02:00,yes\n`), CLI_ACTOR)).jobId);
      assert.deepEqual((await all())[0]?.customFields, { 'Country / Region': 'UK', Seniority: '3', Buddy: 'x@acme.com', Start: '2024-05-01', 'Badge at': '2024-05-01T08:00:00.000Z', Remote: 'true' });
    });

    it('a job interrupted between batches resumes from its cursor, and duplicates of rows before it still fail', async () => {
      const lines = Array.from({ length: 450 }, (_, i) => `u${i}@acme.com,U${i},L`);
      lines.push('u5@acme.com,Dup,L');
      const { jobId } = await queueImport(store, companyId, from(`${HEADER}\n${lines.join('\n')}\n`), CLI_ACTOR);
      assert.equal((await findJob(store, jobId))?.total, 451);
      let batches = 0;
      assert.equal(await workJob(store, jobId, { shouldStop: () => ++batches === 1 }), true);
      const stopped = await findJob(store, jobId);
      assert.deepEqual([stopped?.status, stopped?.done], ['running', 200]);
      // The lease of the stopped worker runs out: another takes the job over.
      const later = () => new Date(Date.now() + 60_000);
      assert.equal(await workJob(store, jobId, { now: later }), true);
      const job = await findJob(store, jobId);
      assert.deepEqual([job?.status, job?.done], ['done', 451]);
      const log = await store.db.selectFrom('job_log').select('detail').where('resource_id', '=', jobId).orderBy('id').execute();
      assert.match(log.at(-1)!.detail!, /450 created, 0 updated, 0 unchanged, 0 skipped, 1 failed/);
      assert.ok(log.some((r) => /Row 451: failed. email: email u5@acme.com appears already on row 6/.test(r.detail!)), JSON.stringify(log.slice(-3)));
      assert.equal((await listTargetUsers(store, { companyId, limit: 1000 })).length, 450);
    });

    it('an export imports back unchanged, and a filtered export holds only what the filter selects', async () => {
      await createCustomField(store, { companyId, name: 'Country / Region' }, CLI_ACTOR);
      const input = `${HEADER},department,title,phone,timezone,preferredLanguage,manager,Country / Region,active\nboss@acme.com,Bo,Ss,Sales,CEO,+1 555,America/New_York,fr,,US,true\nann@acme.com,"Ann, ""Nan""",Lee,"Sales\nEMEA",,,,,boss@acme.com,UK,false\n`;
      await work((await queueImport(store, companyId, from(input), CLI_ACTOR)).jobId);
      let csv = '';
      for await (const piece of exportTargetUsers(store, { companyId })) csv += piece;
      assert.ok(csv.startsWith('\uFEFFemail,firstName,lastName,department,title,phone,timezone,preferredLanguage,manager,Country / Region,active,source\r\n'));
      const p = await previewImport(store, companyId, from(csv));
      assert.deepEqual([p.rows, p.unchanged], [2, 2], JSON.stringify(p));
      let filtered = '';
      for await (const piece of exportTargetUsers(store, { companyId, active: false })) filtered += piece;
      assert.equal(filtered.split('\r\n').filter(Boolean).length, 2);
      assert.match(filtered, /\r\nann@acme.com,/);
      assert.doesNotMatch(filtered, /\r\nboss@acme.com,/);
      const ann = (await all()).find((u) => u.email === 'ann@acme.com');
      assert.equal(typeof ann?.manager === 'object' && ann.manager?.email, 'boss@acme.com');
    });

    it('an export writes cells a spreadsheet would run as formulas as text, and they import back as they were', async () => {
      const names = ['=HYPERLINK("http://evil.example","x")', '+1 555', '-5', '@SUM(A1)', 'plain'];
      const rows = names.map((n, i) => `f${i}@acme.com,"${n.replaceAll('"', '""')}",Lee`).join('\n');
      await work((await queueImport(store, companyId, from(`${HEADER}\n${rows}\n`), CLI_ACTOR)).jobId);
      let csv = '';
      for await (const piece of exportTargetUsers(store, { companyId })) csv += piece;
      for (const line of csv.split('\r\n').filter((l) => l.startsWith('f'))) assert.doesNotMatch(line.split(',')[1]!, /^"?[=+\-@]/, line);
      const stored = new Map((await all()).map((u) => [u.email, u.firstName]));
      names.forEach((n, i) => assert.equal(stored.get(`f${i}@acme.com`), n));
      const p = await previewImport(store, companyId, from(csv));
      assert.equal(p.unchanged, names.length, JSON.stringify(p.problems));
    });

    it('escapes exactly the cells a spreadsheet would run, and takes exactly one apostrophe off them', () => {
      // [stored value, as exported]
      const cases: [string, string][] = [
        ['=1+2', "'=1+2"],
        ['+44 20', "'+44 20"],
        ['-5', "'-5"],
        ['@cmd', "'@cmd"],
        ['\t=x', "'\t=x"],
        ["'=x", "''=x"],
        ["'plain", "'plain"],
        ['a=b', 'a=b'],
        ['', ''],
      ];
      for (const [value, exported] of cases) {
        assert.equal(escapeCell(value), exported, JSON.stringify(value));
        assert.equal(unescapeCell(exported), value, JSON.stringify(exported));
      }
    });
  });
}
