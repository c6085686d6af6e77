// What every `roster` command shares: the --json switch, opening the store, printing the result, argument parsers.
import { InvalidArgumentError } from 'commander';
import { loadConfig, redactUrl, type Config } from '../config.ts';
import { describeError } from '../describe-error.ts';
import { openStore, type Store } from '../store/open.ts';
import { CLI_LOCK_WAIT } from '../store/sqlite-writer.ts';
import { CliFailure, printResult, type Result } from './output.ts';

// Known before parsing, so that even an argument error is reported as a JSON document.
export const json = process.argv.includes('--json');

/** Runs one command against a freshly opened store and prints its result. Failures propagate to the one
 *  handler at the bottom of roster.ts. */
export async function run(work: (store: Store, config: Config) => Promise<Result>): Promise<void> {
  const config = loadConfig();
  let store: Store;
  try {
    // Nothing else runs in the CLI: it may block while the server holds SQLite's write lock.
    store = await openStore(config.databaseUrl, { lockWait: CLI_LOCK_WAIT });
  } catch (e) {
    throw new CliFailure('unavailable', `cannot open DATABASE_URL ${redactUrl(config.databaseUrl)}: ${describeError(e)}`);
  }
  try {
    printResult(json, await work(store, config));
  } finally {
    await store.close();
  }
}

export function wholeNumber(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

/** A repeatable option; without a default it stays undefined until given, so "not given" differs from "none". */
export const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];
export const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);
