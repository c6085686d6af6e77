// Write transactions on a SQLite file that other processes (a second server, the `roster` CLI) write too.
//
// A deferred BEGIN reads first and asks for the write lock later; if another process committed meanwhile,
// SQLite refuses the upgrade at once (SQLITE_BUSY_SNAPSHOT) and no busy_timeout helps. So every transaction
// starts as a writer (BEGIN IMMEDIATE, ImmediateSqliteDialect) and waits for the lock before it reads.
//
// Waiting: better-sqlite3 is synchronous, so its busy handler (busy_timeout) blocks the whole process,
// every request included, while it waits. The server therefore blocks only briefly per attempt
// (LockWait.blockMs) and retries BEGIN asynchronously with backoff, so the event loop keeps serving reads
// meanwhile, for at most LockWait.totalMs; then StoreBusyError (the SCIM surface answers 503 with
// Retry-After). The CLI has nothing else to serve and may block longer.
// One transaction of this process waits at a time (a FIFO queue): the others wait behind it without
// polling the lock themselves. Transactions of one process run one after another on SQLite anyway, since
// Kysely gives them the process's one connection in turn.
import { setTimeout as sleep } from 'node:timers/promises';
import { CompiledQuery, SqliteDialect, SqliteDriver, type DatabaseConnection, type Driver, type SqliteDialectConfig } from 'kysely';

export interface LockWait {
  /** busy_timeout: how long one attempt may block the process waiting for another's write lock. */
  blockMs: number;
  /** How long a transaction may keep retrying (from its first attempt) before StoreBusyError. */
  totalMs: number;
}

/** A server answers requests meanwhile: block ≤ 10 ms at a time, give up after 5 s (the IdP retries a 503). */
export const SERVER_LOCK_WAIT: LockWait = { blockMs: 10, totalMs: 5_000 };
/** The CLI serves nothing else while it waits; the server's longest transactions (a 100,000-member PUT) take seconds. */
export const CLI_LOCK_WAIT: LockWait = { blockMs: 5_000, totalMs: 20_000 };

/** Asynchronous backoff between attempts: doubling from FIRST_BACKOFF_MS up to MAX_BACKOFF_MS, with jitter. */
const FIRST_BACKOFF_MS = 2;
const MAX_BACKOFF_MS = 50;

/** The write lock could not be had within LockWait.totalMs: another process holds it. Nothing was written. */
export class StoreBusyError extends Error {
  constructor(waitedMs: number) {
    super(`the database is busy: another process held its write lock for ${waitedMs} ms`);
    this.name = 'StoreBusyError';
  }
}

/** SQLITE_BUSY and its extended codes (…_SNAPSHOT, …_RECOVERY, …_TIMEOUT): SQLite asks to try again. */
const isBusy = (error: unknown): boolean => String((error as { code?: unknown } | null)?.code ?? '').startsWith('SQLITE_BUSY');

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

/** Kysely's SQLite dialect, except that transactions begin IMMEDIATE (Kysely's says a deferred BEGIN). */
export class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
  }
}

/**
 * Runs write transactions one at a time, each retried while SQLite reports the database busy (a failed
 * transaction was rolled back). A transaction may therefore run more than once: it must have no effect
 * outside the database.
 */
export function sqliteWriter(wait: LockWait, onBusyWait: (ms: number) => void = () => undefined) {
  let queue: Promise<unknown> = Promise.resolve();
  const attempt = async <T>(transaction: () => Promise<T>): Promise<T> => {
    // From the first attempt: waiting behind this process's own writers is not waiting for another process.
    const started = Date.now();
    const deadline = started + wait.totalMs;
    for (let backoff = FIRST_BACKOFF_MS; ; backoff = Math.min(backoff * 2, MAX_BACKOFF_MS)) {
      try {
        return await transaction();
      } catch (e) {
        if (!isBusy(e)) throw e;
        const delay = backoff * (0.5 + Math.random() / 2);
        if (Date.now() + delay > deadline) throw new StoreBusyError(Date.now() - started);
        onBusyWait(delay);
        await sleep(delay);
      }
    }
  };
  return <T>(transaction: () => Promise<T>): Promise<T> => {
    const run = queue.then(() => attempt(transaction));
    queue = run.catch(() => undefined);
    return run;
  };
}
