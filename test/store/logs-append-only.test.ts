// Issue 7 §4: the audit log is append-only. The database refuses UPDATE and DELETE on it (migration 004's
// triggers), and no code under src/ even tries.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createCompany } from '../../src/directory/companies.ts';
import type { Store } from '../../src/store/open.ts';
import { ROOT } from '../support/process.ts';
import { storeKinds } from '../support/stores.ts';

for (const kind of storeKinds()) {
  describe(`the audit log on ${kind.name}`, () => {
    let store: Store;
    before(async () => {
      store = await kind.open();
      await createCompany(store, { name: 'Acme' }, CLI_ACTOR);
    });
    after(() => store.close());
    const rows = () => store.db.selectFrom('audit_log').selectAll().execute();

    it('refuses to change a row, through the query builder and in raw SQL', async () => {
      const before = await rows();
      assert.equal(before.length, 1);
      await assert.rejects(store.db.updateTable('audit_log').set({ actor: 'mallory' }).execute(), /append-only/);
      await assert.rejects(sql`UPDATE audit_log SET operation = 'nothing'`.execute(store.db), /append-only/);
      assert.deepEqual(await rows(), before);
    });

    it('refuses to remove a row, through the query builder and in raw SQL', async () => {
      const before = await rows();
      await assert.rejects(store.db.deleteFrom('audit_log').execute(), /append-only/);
      await assert.rejects(sql`DELETE FROM audit_log`.execute(store.db), /append-only/);
      assert.deepEqual(await rows(), before);
    });
  });
}

// What a path that changes or removes audit rows would look like in the source: Kysely calls and SQL text.
const WRITES_TO_AUDIT_LOG = [
  /\b(updateTable|deleteFrom|replaceInto|mergeInto)\(\s*['"`]audit_log['"`]/,
  /\bUPDATE\s+(ONLY\s+)?["`]?audit_log\b/i,
  /\bDELETE\s+FROM\s+(ONLY\s+)?["`]?audit_log\b/i,
  /\b(TRUNCATE|DROP\s+TABLE)\s+(TABLE\s+)?(IF\s+EXISTS\s+)?["`]?audit_log\b/i,
  // An upsert: the conflict clause within the same statement as the insert.
  /\binsertInto\(\s*['"`]audit_log['"`]\)[^;]*\bonConflict\b/,
  /\bINSERT\s+INTO\s+["`]?audit_log\b[^;]*\bON\s+CONFLICT\b[^;]*\bDO\s+UPDATE\b/i,
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('the source', () => {
  it('recognises each way of changing or removing audit rows it scans for', () => {
    const samples = [
      "db.updateTable('audit_log').set({ actor: 'x' })",
      'tx.deleteFrom("audit_log").where(…)',
      'sql`UPDATE audit_log SET actor = ${a}`',
      'DELETE FROM "audit_log" WHERE id = $1',
      'TRUNCATE TABLE audit_log',
      "db.insertInto('audit_log').values(row).onConflict((oc) => oc.doUpdateSet(row))",
      'INSERT INTO audit_log (id) VALUES ($1) ON CONFLICT (id) DO UPDATE SET actor = $2',
    ];
    for (const s of samples) assert.ok(WRITES_TO_AUDIT_LOG.some((p) => p.test(s)), s);
    // The triggers that enforce append-only mention UPDATE and DELETE too, and must not count.
    for (const s of ['CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log', 'BEFORE UPDATE OR DELETE ON audit_log', "insertInto('audit_log')"]) {
      assert.ok(!WRITES_TO_AUDIT_LOG.some((p) => p.test(s)), s);
    }
  });

  it('has no code path that updates or deletes audit-log rows', () => {
    const files = sourceFiles(join(ROOT, 'src'));
    assert.ok(files.length > 50, `scanned ${files.length} files`);
    const offenders = files.flatMap((file) => {
      const text = readFileSync(file, 'utf8');
      return WRITES_TO_AUDIT_LOG.filter((p) => p.test(text)).map((p) => `${file.slice(ROOT.length)} matches ${p}`);
    });
    assert.deepEqual(offenders, []);
  });
});
