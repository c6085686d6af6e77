// The `roster` command: companies, SCIM settings and their logs on the store named by DATABASE_URL (safe while the
// server runs: each write is a transaction that waits for the server's SQLite write lock, PostgreSQL is shared anyway).
// Each command family registers itself from its own module.
import { Command, CommanderError } from 'commander';
import { registerApiKeyCommands } from './api-key.ts';
import { registerCompanyCommands } from './company.ts';
import { registerDirectoryCommands } from './directory.ts';
import { registerLogCommands } from './logs.ts';
import { CliFailure, EXIT_CODES_HELP, printFailure } from './output.ts';
import { json } from './run.ts';
import { registerScimSettingCommands } from './scim-setting.ts';
import { registerSystemUserCommands } from './system-user.ts';

const program = new Command('roster')
  .description('Manage Roster companies and SCIM settings on the database named by DATABASE_URL')
  // Recognised before or after the subcommand; read from argv above.
  .option('--json', 'print exactly one JSON document on stdout: the result, or the error')
  .configureHelp({ showGlobalOptions: true })
  .exitOverride()
  .configureOutput({ outputError: (message, write) => write(`roster: ${message}`) })
  .showHelpAfterError('(add --help for usage)')
  .addHelpText('after', EXIT_CODES_HELP);

registerCompanyCommands(program);
registerScimSettingCommands(program);
registerDirectoryCommands(program);
registerLogCommands(program);
registerSystemUserCommands(program);
registerApiKeyCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // --help and --version end parsing with exit code 0; `roster company` without a subcommand prints the
  // help on stderr and is an argument error.
  if (e instanceof CommanderError && e.exitCode === 0) process.exitCode = 0;
  else if (e instanceof CommanderError && e.code === 'commander.help') printFailure(json, new CliFailure('invalid', 'a command is required; see roster --help'));
  else printFailure(json, e);
}
