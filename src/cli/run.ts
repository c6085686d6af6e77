// What every `roster` command shares: the --json switch, opening the store, printing the result, argument parsers.
import { InvalidArgumentError } from 'commander';
import { loadConfig, redactUrl, type Config } from '../config.ts';
import { describeError } from '../describe-error.ts';
import { SchemaMismatch } from '../store/errors.ts';
import { openStore, type Store } from '../store/open.ts';
import { CLI_LOCK_WAIT } from '../store/sqlite-writer.ts';
import { CliFailure, printResult, type Result } from './output.ts';

// Known before parsing, so that even an argument error is reported as a JSON document.
export const json = process.argv.includes('--json');

/** Runs one command against a freshly opened store and prints its result (null: the command wrote its own
 *  output, e.g. a CSV export). Failures propagate to the one handler at the bottom of roster.ts. */
export async function run(work: (store: Store, config: Config) => Promise<Result | null>): Promise<void> {
  const config = loadConfig();
  let store: Store;
  const shown = redactUrl(config.databaseUrl);
  try {
    // Nothing else runs in the CLI: it may block while the server holds SQLite's write lock. Only the server
    // creates and migrates a database: a typo in DATABASE_URL must not leave a new empty one behind.
    store = await openStore(config.databaseUrl, { lockWait: CLI_LOCK_WAIT, migrate: false });
  } catch (e) {
    if (e instanceof SchemaMismatch) throw new CliFailure('unavailable', schemaMessage(e, shown));
    throw new CliFailure('unavailable', `cannot open DATABASE_URL ${shown}: ${describeError(e)}`);
  }
  try {
    const result = await work(store, config);
    if (result) printResult(json, result);
  } finally {
    await store.close();
  }
}

function schemaMessage(e: SchemaMismatch, shown: string): string {
  const start = `start the server on it first (DATABASE_URL=${shown} npm start)`;
  if (e.state === 'none') return `DATABASE_URL ${shown} holds no Roster database (is it the right path or database?); ${start}, which creates it`;
  if (e.state === 'older') return `DATABASE_URL ${shown} holds a Roster database of an older version (missing migrations ${e.missing.join(', ')}); ${start}, which migrates it`;
  return `DATABASE_URL ${shown} holds a Roster database of a newer version (migrations ${e.unknown.join(', ')}); use the roster CLI of that version`;
}

export function wholeNumber(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

/** A repeatable option; without a default it stays undefined until given, so "not given" differs from "none". */
export const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
export const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);
