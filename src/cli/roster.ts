// The `roster` command: companies and SCIM settings on the store named by DATABASE_URL (safe while the
// server runs: each write is a transaction that waits for the server's SQLite write lock, PostgreSQL is shared anyway).
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { loadConfig, redactUrl, type Config } from '../config.ts';
import { describeError } from '../describe-error.ts';
import { createCompany, requireCompany } from '../directory/companies.ts';
import {
  createScimSetting,
  listCompanyScimSettings,
  MAX_RATE_LIMIT,
  revokeScimToken,
  rotateScimToken,
  setScimRateLimit,
  type ScimSettingRow,
} from '../provisioning/scim-settings.ts';
import { scimSettingStatus, type ScimSettingStatus } from '../provisioning/scim-request-stats.ts';
import { openStore, type Store } from '../store/open.ts';
import { CLI_LOCK_WAIT } from '../store/sqlite-writer.ts';
import { CliFailure, EXIT_CODES_HELP, printFailure, printResult, type Result } from './output.ts';

// Known before parsing, so that even an argument error is reported as a JSON document.
const json = process.argv.includes('--json');

/** The URL an IdP is given: PUBLIC_URL when set, else this machine as the server would listen on it. */
function scimUrl(config: Config): string {
  const origin = config.publicUrl ?? `${config.tls ? 'https' : 'http'}://localhost:${config.port}`;
  return `${origin}/scim/v2`;
}

/** A setting as shown to an admin: never its token or token hash. */
function settingJson(config: Config, s: ScimSettingRow) {
  return {
    id: s.id,
    companyId: s.companyId,
    name: s.name,
    tokenPrefix: s.tokenPrefix,
    scimUrl: scimUrl(config),
    mappings: s.mappings,
    groupName: s.groupName,
    groupBy: s.groupBy,
    syncGroups: s.syncGroups,
    createdAt: s.createdAt,
    rotatedAt: s.rotatedAt,
    revokedAt: s.revokedAt,
    rateLimit: s.rateLimit,
  };
}

/** Runs one command against a freshly opened store and prints its result. Failures propagate to the one
 *  handler at the bottom of this file. */
async function run(work: (store: Store, config: Config) => Promise<Result>): Promise<void> {
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

function wholeNumber(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return n;
}

/** Requests per second, 0 for unlimited, or `default` for the server's SCIM_RATE_LIMIT. (Commander turns a
 *  parsed null into '', hence the word; `limitOf` makes it null.) */
function rateLimit(value: string): number | 'default' {
  if (value.trim().toLowerCase() === 'default') return 'default';
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(n <= MAX_RATE_LIMIT)) throw new InvalidArgumentError(`expected a whole number from 0 (unlimited) to ${MAX_RATE_LIMIT}, or default`);
  return n;
}

const limitOf = (parsed: number | 'default' | undefined) => (parsed === undefined || parsed === 'default' ? null : parsed);
const RATE_LIMIT_HELP = "requests per second for this setting's token: a whole number, 0 for unlimited, or default (SCIM_RATE_LIMIT)";
const rateLimitText = (s: ScimSettingRow) =>
  s.rateLimit === null ? 'the server default (SCIM_RATE_LIMIT)' : s.rateLimit === 0 ? 'unlimited' : `${s.rateLimit} requests per second`;

const collect = (value: string, previous: string[]) => [...previous, value];
const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);

const program = new Command('roster')
  .description('Manage Roster companies and SCIM settings on the database named by DATABASE_URL')
  // Recognised before or after the subcommand; read from argv above.
  .option('--json', 'print exactly one JSON document on stdout: the result, or the error')
  .configureHelp({ showGlobalOptions: true })
  .exitOverride()
  .configureOutput({ outputError: (message, write) => write(`roster: ${message}`) })
  .showHelpAfterError('(add --help for usage)')
  .addHelpText('after', EXIT_CODES_HELP);

const company = program.command('company').description('Companies (tenants)');
company
  .command('create')
  .description('Create a company')
  .requiredOption('--name <name>', 'company name')
  .option('--license-limit <n>', 'how many target users the licence covers', wholeNumber)
  .option('--license-enforce', 'refuse users beyond the licence limit')
  .option('--allowed-domains <domains>', 'comma-separated email domains, e.g. a.com,b.com', list)
  .action((o: { name: string; licenseLimit?: number; licenseEnforce?: boolean; allowedDomains?: string[] }) =>
    run(async (store) => {
      const c = await createCompany(store, {
        name: o.name,
        ...(o.licenseLimit !== undefined ? { licenseLimit: o.licenseLimit } : {}),
        licenseEnforce: Boolean(o.licenseEnforce),
        allowedDomains: o.allowedDomains ?? [],
      });
      return { json: c, text: `Created company ${c.name}: ${c.id}` };
    }),
  );
company
  .command('show <id>')
  .description('Show a company and its licence and domain settings')
  .action((id: string) =>
    run(async (store) => {
      const c = await requireCompany(store, id);
      const licence = c.licenseLimit === null ? 'no limit' : `${c.licenseLimit} users${c.licenseEnforce ? ', enforced' : ''}`;
      const domains = c.allowedDomains.length ? c.allowedDomains.join(', ') : 'any';
      return { json: c, text: `${c.name} (${c.id})\nLicence: ${licence}\nAllowed domains: ${domains}` };
    }),
  );

const setting = program.command('scim-setting').description('SCIM settings: the token and rules one IdP uses');
setting
  .command('create')
  .description('Create a SCIM setting and print its token (shown this once only)')
  .requiredOption('--company <id>', 'company id')
  .requiredOption('--name <name>', 'setting name')
  .option('--map <FIELD=EXPR>', 'fill platform field FIELD from SCIM attribute path EXPR (repeatable)', collect, [])
  .option('--group-name <name>', 'platform group that provisioned users join')
  .option('--group-by <field>', 'group users by the value of this field')
  .option('--sync-groups', 'synchronise groups with the identity provider')
  .option('--rate-limit <n>', RATE_LIMIT_HELP, rateLimit)
  .action((o: { company: string; name: string; map: string[]; groupName?: string; groupBy?: string; syncGroups?: boolean; rateLimit?: number | 'default' }) =>
    run(async (store, config) => {
      const { setting: s, token } = await createScimSetting(store, {
        companyId: o.company,
        name: o.name,
        mappings: o.map,
        ...(o.groupName !== undefined ? { groupName: o.groupName } : {}),
        ...(o.groupBy !== undefined ? { groupBy: o.groupBy } : {}),
        syncGroups: Boolean(o.syncGroups),
        rateLimit: limitOf(o.rateLimit),
      });
      const shown = { ...settingJson(config, s), token };
      return {
        json: shown,
        text: `Created SCIM setting ${s.name}: ${s.id}\nSCIM URL: ${shown.scimUrl}\nToken (shown once, store it now): ${token}`,
      };
    }),
  );
setting
  .command('list')
  .description("List a company's SCIM settings (tokens are never shown again)")
  .requiredOption('--company <id>', 'company id')
  .action((o: { company: string }) =>
    run(async (store, config) => {
      const settings = (await listCompanyScimSettings(store, o.company)).map((s) => settingJson(config, s));
      const text = settings.length
        ? settings.map((s) => `${s.id}  ${s.name}  ${s.tokenPrefix}…  ${s.revokedAt ? `revoked ${s.revokedAt}` : 'active'}`).join('\n')
        : 'No SCIM settings';
      return { json: settings, text };
    }),
  );
setting
  .command('update <id>')
  .description("Change a setting; the token's new rate limit applies from its next request, on every server instance")
  .requiredOption('--rate-limit <n>', RATE_LIMIT_HELP, rateLimit)
  .action((id: string, o: { rateLimit: number | 'default' }) =>
    run(async (store, config) => {
      const s = await setScimRateLimit(store, id, limitOf(o.rateLimit));
      return { json: settingJson(config, s), text: `Rate limit of ${s.name} (${s.id}): ${rateLimitText(s)}` };
    }),
  );
setting
  .command('rotate <id>')
  .description('Issue a new token; the old one stops working at once')
  .action((id: string) =>
    run(async (store, config) => {
      const { setting: s, token } = await rotateScimToken(store, id);
      return { json: { ...settingJson(config, s), token }, text: `New token for ${s.name} (shown once, store it now): ${token}` };
    }),
  );
setting
  .command('revoke <id>')
  .description('Revoke the setting: its token stops working at once')
  .action((id: string) =>
    run(async (store, config) => {
      const s = await revokeScimToken(store, id);
      return { json: settingJson(config, s), text: `Revoked SCIM setting ${s.name} (${s.id})` };
    }),
  );

function statusText(s: ScimSettingStatus): string {
  const e = s.lastError;
  return [
    `${s.name} (${s.id})${s.revokedAt ? `, revoked ${s.revokedAt}` : ''}`,
    `Last request: ${s.lastRequestAt ?? 'never'}${s.identityProvider ? ` from ${s.identityProvider}` : ''}`,
    `Last 24 hours (since ${s.last24Hours.since}): ${s.last24Hours.succeeded} succeeded, ${s.last24Hours.failed} failed`,
    `Last error: ${e ? `${e.at} ${e.method} ${e.path} → ${e.status}${e.scimType ? ` ${e.scimType}` : ''}${e.detail ? `: ${e.detail}` : ''}` : 'none'}`,
  ].join('\n');
}

setting
  .command('status <id>')
  .description('When the identity provider last called, which one, its successes and failures over the last 24 hours, and its last error')
  .action((id: string) =>
    run(async (store) => {
      const s = await scimSettingStatus(store, id);
      return { json: s, text: statusText(s) };
    }),
  );

try {
  await program.parseAsync(process.argv);
} catch (e) {
  // --help and --version end parsing with exit code 0; `roster company` without a subcommand prints the
  // help on stderr and is an argument error.
  if (e instanceof CommanderError && e.exitCode === 0) process.exitCode = 0;
  else if (e instanceof CommanderError && e.code === 'commander.help') printFailure(json, new CliFailure('invalid', 'a command is required; see roster --help'));
  else printFailure(json, e);
}
