// How every `roster` command reports: a result as text, or with --json as exactly one JSON document on
// stdout; a failure as one line on stderr, plus with --json one `{"error": {"kind", "message"}}` document
// on stdout, and an exit code that says which kind of failure it was.
import { CommanderError } from 'commander';
import { ConfigError } from '../config.ts';
import { describeError } from '../describe-error.ts';
import { AdminError, type AdminErrorKind } from '../directory/errors.ts';
import { StoreBusyError } from '../store/sqlite-writer.ts';

export type FailureKind = AdminErrorKind | 'config' | 'unavailable' | 'internal';

/** Exit codes, listed in `roster --help`. */
const EXIT_CODES: Record<FailureKind, number> = { internal: 1, config: 1, unavailable: 1, invalid: 2, notFound: 3, conflict: 4 };

export const EXIT_CODES_HELP = `
Exit codes:
  0  success
  1  could not run: bad configuration, database unreachable, no Roster database at DATABASE_URL
     (the CLI never creates one: start the server there first), unexpected error
  2  invalid arguments
  3  not found (unknown company, SCIM setting, target user, group, custom field, job, system user or API key id)
  4  conflict (duplicate name or email, setting or API key already revoked, a user or group a SCIM setting manages,
     licence limit, deleting the last operator)

With --json, stdout holds exactly one JSON document: the result, or {"error": {"kind", "message"}}.`;

export class CliFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'CliFailure';
  }
}

export interface Result {
  json: unknown;
  text: string;
}

export function printResult(json: boolean, result: Result): void {
  process.stdout.write(json ? `${JSON.stringify(result.json, null, 2)}\n` : `${result.text}\n`);
}

/** The failure an error stands for; anything unforeseen is `internal`. */
function failureOf(e: unknown): CliFailure {
  if (e instanceof CliFailure) return e;
  if (e instanceof AdminError) return new CliFailure(e.kind, e.message);
  if (e instanceof ConfigError) return new CliFailure('config', e.message);
  if (e instanceof StoreBusyError) return new CliFailure('unavailable', `${e.message}; nothing was changed, try again`);
  // Commander has already written its own message ("error: option '--license-limit <n>' argument …").
  if (e instanceof CommanderError) return new CliFailure('invalid', e.message.replace(/^error: /, ''));
  return new CliFailure('internal', describeError(e));
}

export function printFailure(json: boolean, e: unknown): void {
  const failure = failureOf(e);
  if (!(e instanceof CommanderError)) process.stderr.write(`roster: ${failure.message}\n`);
  if (json) process.stdout.write(`${JSON.stringify({ error: { kind: failure.kind, message: failure.message } })}\n`);
  process.exitCode = EXIT_CODES[failure.kind];
}
