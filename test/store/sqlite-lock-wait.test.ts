// Another process holding the SQLite file's write lock (here: a second connection, as the CLI or a second
// server would hold it): a write waits for it asynchronously — the process keeps running meanwhile — and
// after LockWait.totalMs gives up with nothing written; the SCIM surface then answers 503 with Retry-After.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { createCompany } from '../../src/directory/companies.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { openStore } from '../../src/store/open.ts';
import { StoreBusyError } from '../../src/store/sqlite-writer.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { USER_URN, assertScimError, counts } from '../support/scim.ts';

const LOCK_WAIT = { blockMs: 10, totalMs: 400 };

describe('A SQLite write while another process holds the write lock', () => {
  let dir: string;
  let url: string;
  let other: BetterSqlite3.Database;
  let s: TestServer;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'roster-lock-'));
    url = `sqlite:${join(dir, 'roster.db')}`;
    s = await startServer({ name: 'sqlite', open: () => openStore(url, { lockWait: LOCK_WAIT }) });
    other = new BetterSqlite3(join(dir, 'roster.db'));
  });
  after(async () => {
    other.close();
    await s.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Holds the write lock from the other connection for `ms`. */
  const holdLock = (ms: number) => {
    other.exec('BEGIN IMMEDIATE');
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        other.exec('COMMIT');
        resolve();
      }, ms),
    );
  };

  /** The longest the event loop went without running a 2 ms timer while `work` ran. */
  const longestStall = async (work: Promise<unknown>) => {
    let last = Date.now();
    let longest = 0;
    const timer = setInterval(() => {
      longest = Math.max(longest, Date.now() - last);
      last = Date.now();
    }, 2);
    try {
      await work.catch(() => undefined);
    } finally {
      clearInterval(timer);
    }
    return longest;
  };

  it('waits until the lock is released and then writes, without stalling the process for more than a moment', async () => {
    const released = holdLock(150);
    const waitsBefore = { ...s.store.stats.busyWaits! };
    const started = Date.now();
    const write = createCompany(s.store, { name: 'Waited' }, CLI_ACTOR);
    const stall = await longestStall(write);
    await released;
    const company = await write;
    assert.ok(Date.now() - started >= 140, 'the write waited for the lock');
    assert.ok(stall < 100, `the event loop stalled for ${stall} ms`);
    assert.equal(company.name, 'Waited');
    // What /metrics reports as roster_sqlite_busy_waits_total and _seconds_total.
    assert.ok(s.store.stats.busyWaits!.count > waitsBefore.count, 'the wait was counted');
    assert.ok(s.store.stats.busyWaits!.seconds - waitsBefore.seconds >= 0.05, `counted ${s.store.stats.busyWaits!.seconds - waitsBefore.seconds} s of waiting`);
  });

  it('gives up with StoreBusyError after totalMs, having written nothing', async () => {
    const released = holdLock(LOCK_WAIT.totalMs + 300);
    const started = Date.now();
    await assert.rejects(createCompany(s.store, { name: 'Never' }, CLI_ACTOR), StoreBusyError);
    const waited = Date.now() - started;
    await released;
    assert.ok(waited >= LOCK_WAIT.totalMs - 60 && waited < LOCK_WAIT.totalMs + 200, `gave up after ${waited} ms`);
    const row = await s.store.db.selectFrom('companies').select('id').where('name', '=', 'Never').executeTakeFirst();
    assert.equal(row, undefined);
  });

  it('answers a SCIM create 503 with Retry-After while the lock stays taken, and writes nothing', async () => {
    const before = await counts(s.store);
    // Held until the answer arrives, however slowly a loaded machine gets the request to its write.
    other.exec('BEGIN IMMEDIATE');
    let res;
    try {
      res = await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: 'busy@contoso.example' });
    } finally {
      other.exec('COMMIT');
    }
    assertScimError(res, 503);
    assert.equal(res.headers['retry-after'], '1');
    assert.deepEqual(await counts(s.store), before);
  });
});

