// CSV import in bounded memory: a file of --rows rows (generated as it is read, never held whole) previewed,
// then spooled and worked as a job, on a fresh SQLite file or PostgreSQL schema; prints JSON with the time of
// each step and the largest heap and RSS seen, sampled every 50 ms.
//   node --import tsx --expose-gc bench/csv-import.ts [--rows 100000] [--store sqlite|postgres]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CLI_ACTOR } from '../src/directory/audit.ts';
import { createCompany } from '../src/directory/companies.ts';
import { createCustomField } from '../src/directory/custom-fields.ts';
import { previewImport, queueImport } from '../src/provisioning/csv-import.ts';
import { workJob } from '../src/provisioning/rederive.ts';
import { findJob } from '../src/store/job-queue.ts';
import { openStore } from '../src/store/open.ts';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, store: { type: 'string', default: 'sqlite' }, 'pg-url': { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' } } });
const rows = Number(values.rows);

/** The file in pieces of 1,000 rows, made as they are read. */
async function* file(): AsyncGenerator<Uint8Array> {
  const encoder = new TextEncoder();
  yield encoder.encode('\uFEFFemail;First Name;Last Name;department;Time Zone;Preferred Language;Country / Region\r\n');
  for (let i = 0; i < rows; i += 1000) {
    let piece = '';
    for (let j = i; j < Math.min(rows, i + 1000); j++) piece += `user${j}@bench.example;"First ${j}";Last;"Sales; EMEA";DE;de;Germany\r\n`;
    yield encoder.encode(piece);
  }
}

const peak = { heapMB: 0, rssMB: 0 };
const sampler = setInterval(() => {
  const m = process.memoryUsage();
  peak.heapMB = Math.max(peak.heapMB, Math.round(m.heapUsed / 2 ** 20));
  peak.rssMB = Math.max(peak.rssMB, Math.round(m.rss / 2 ** 20));
}, 50);

const dir = mkdtempSync(join(tmpdir(), 'roster-csv-bench-'));
const schema = `csv_bench_${Date.now()}`;
let store;
if (values.store === 'postgres') {
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: values['pg-url'] });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  store = await openStore(values['pg-url']!, { schema });
} else {
  store = await openStore(`sqlite:${join(dir, 'bench.db')}`);
}
const companyId = (await createCompany(store, { name: 'Bench' }, CLI_ACTOR)).id;
await createCustomField(store, { companyId, name: 'Country / Region' }, CLI_ACTOR);
const result: Record<string, unknown> = { store: values.store, rows };
const time = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
  const start = performance.now();
  const out = await work();
  result[`${name}Seconds`] = Math.round(performance.now() - start) / 1000;
  return out;
};
const preview = await time('preview', () => previewImport(store, companyId, file()));
result.preview = { create: preview.create, failed: preview.failed };
const { jobId } = await time('spool', () => queueImport(store, companyId, file(), CLI_ACTOR));
await time('job', () => workJob(store, jobId));
const job = await findJob(store, jobId);
result.job = { status: job?.status, done: job?.done, total: job?.total };
clearInterval(sampler);
result.peak = peak;
await store.close();
if (values.store === 'postgres') {
  const pg = (await import('pg')).default;
  const admin = new pg.Client({ connectionString: values['pg-url'] });
  await admin.connect();
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
rmSync(dir, { recursive: true, force: true });
console.log(JSON.stringify(result));
