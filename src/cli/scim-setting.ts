// `roster scim-setting …`: the token and rules one identity provider uses.
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../config.ts';
import { CLI_ACTOR } from '../directory/audit.ts';
import {
  createScimSetting,
  listCompanyScimSettings,
  MAX_RATE_LIMIT,
  revokeScimToken,
  rotateScimToken,
  setScimRateLimit,
  settingJson,
  type ScimSettingRow,
} from '../provisioning/scim-settings.ts';
import { scimSettingStatus, type ScimSettingStatus } from '../provisioning/scim-request-stats.ts';
import { deleteScimSetting, updateScimSetting, type SettingChange } from '../provisioning/scim-setting-rules.ts';
import { CliFailure } from './output.ts';
import { publicBaseUrl, scimUrlOf } from './public-url.ts';
import type { Store } from '../store/open.ts';
import { collect, run } from './run.ts';

/** The URL an IdP is given (cli/public-url.ts). */
async function scimUrl(store: Store, config: Config): Promise<string> {
  return scimUrlOf(await publicBaseUrl(store, config));
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

interface UpdateFlags {
  name?: string;
  map?: string[];
  clearMaps?: boolean;
  /** Commander: a string for --group-name N, false for --no-group-name, undefined when neither is given. */
  groupName?: string | boolean;
  groupBy?: string | boolean;
  syncGroups?: boolean;
  testMode?: boolean;
  rateLimit?: number | 'default';
}

/** Only what the admin named changes. */
function settingChange(o: UpdateFlags): SettingChange {
  if (o.map && o.clearMaps) throw new CliFailure('invalid', '--map and --clear-maps contradict each other: --map alone replaces every mapping');
  const optional = (v: string | boolean | undefined) => (typeof v === 'string' ? v : v === false ? null : undefined);
  const groupName = optional(o.groupName);
  const groupBy = optional(o.groupBy);
  return {
    ...(o.name !== undefined ? { name: o.name } : {}),
    ...(o.map ? { mappings: o.map } : o.clearMaps ? { mappings: [] } : {}),
    ...(groupName !== undefined ? { groupName } : {}),
    ...(groupBy !== undefined ? { groupBy } : {}),
    ...(o.syncGroups !== undefined ? { syncGroups: o.syncGroups } : {}),
    ...(o.testMode !== undefined ? { testMode: o.testMode } : {}),
  };
}

export function registerScimSettingCommands(program: Command): void {
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
    .option('--test-mode', 'answer the IdP as usual but change no target user; the job log says what would change')
    .option('--rate-limit <n>', RATE_LIMIT_HELP, rateLimit)
    .action((o: { company: string; name: string; map: string[]; groupName?: string; groupBy?: string; syncGroups?: boolean; testMode?: boolean; rateLimit?: number | 'default' }) =>
      run(async (store, config) => {
        const { setting: s, token } = await createScimSetting(
          store,
          {
            companyId: o.company,
            name: o.name,
            mappings: o.map,
            ...(o.groupName !== undefined ? { groupName: o.groupName } : {}),
            ...(o.groupBy !== undefined ? { groupBy: o.groupBy } : {}),
            syncGroups: Boolean(o.syncGroups),
            testMode: Boolean(o.testMode),
            rateLimit: limitOf(o.rateLimit),
          },
          CLI_ACTOR,
        );
        const shown = { ...settingJson(await scimUrl(store, config), s), token };
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
        const url = await scimUrl(store, config);
        const settings = (await listCompanyScimSettings(store, o.company)).map((s) => settingJson(url, s));
        const text = settings.length
          ? settings.map((s) => `${s.id}  ${s.name}  ${s.tokenPrefix}…  ${s.revokedAt ? `revoked ${s.revokedAt}` : 'active'}`).join('\n')
          : 'No SCIM settings';
        return { json: settings, text };
      }),
    );
  setting
    .command('update <id>')
    .description("Change a setting's name, rules or rate limit. A change of rules re-derives its target users as a job (roster job show)")
    .option('--name <name>', 'new name (1–30 characters, unique in the company)')
    .option('--map <FIELD=EXPR>', 'replace the mappings with these (repeatable)', collect)
    .option('--clear-maps', 'remove every mapping')
    .option('--group-name <name>', 'platform group that provisioned users join')
    .option('--no-group-name', 'no target group')
    .option('--group-by <field>', 'group users by the value of this field')
    .option('--no-group-by', 'no grouping by value')
    .option('--sync-groups', 'synchronise groups with the identity provider')
    .option('--no-sync-groups', 'stop synchronising groups')
    .option('--test-mode', 'change no target user from now on; the job log says what would change')
    .option('--no-test-mode', 'leave test mode: the current state of every resource is applied')
    .option('--rate-limit <n>', RATE_LIMIT_HELP, rateLimit)
    .action((id: string, o: UpdateFlags) =>
      run(async (store, config) => {
        const change = settingChange(o);
        if (!Object.keys(change).length && o.rateLimit === undefined) throw new CliFailure('invalid', 'Nothing to change: give at least one option (roster scim-setting update --help)');
        let s: ScimSettingRow | undefined;
        let jobId: string | null = null;
        if (Object.keys(change).length) ({ setting: s, jobId } = await updateScimSetting(store, id, change, CLI_ACTOR));
        if (o.rateLimit !== undefined) s = await setScimRateLimit(store, id, limitOf(o.rateLimit), CLI_ACTOR);
        const lines = [`Updated SCIM setting ${s!.name} (${s!.id}); rate limit: ${rateLimitText(s!)}`];
        if (jobId) lines.push(`Re-deriving its target users as job ${jobId} (roster job show ${jobId})`);
        return { json: { ...settingJson(await scimUrl(store, config), s!), jobId }, text: lines.join('\n') };
      }),
    );
  setting
    .command('delete <id>')
    .description('Delete the setting: its token stops working; its target users and groups are kept and become manually managed')
    .action((id: string) =>
      run(async (store, config) => {
        const s = await deleteScimSetting(store, id, CLI_ACTOR);
        return { json: settingJson(await scimUrl(store, config), s), text: `Deleted SCIM setting ${s.name} (${s.id}); its target users are now managed by hand` };
      }),
    );
  setting
    .command('rotate <id>')
    .description('Issue a new token; the old one stops working at once')
    .action((id: string) =>
      run(async (store, config) => {
        const { setting: s, token } = await rotateScimToken(store, id, CLI_ACTOR);
        return { json: { ...settingJson(await scimUrl(store, config), s), token }, text: `New token for ${s.name} (shown once, store it now): ${token}` };
      }),
    );
  setting
    .command('revoke <id>')
    .description('Revoke the setting: its token stops working at once')
    .action((id: string) =>
      run(async (store, config) => {
        const s = await revokeScimToken(store, id, CLI_ACTOR);
        return { json: settingJson(await scimUrl(store, config), s), text: `Revoked SCIM setting ${s.name} (${s.id})` };
      }),
    );
  
  function statusText(s: ScimSettingStatus): string {
    const e = s.lastError;
    return [
      `${s.name} (${s.id})${s.revokedAt ? `, revoked ${s.revokedAt}` : ''}`,
      `Last request: ${s.lastRequestAt ?? 'never'}${s.identityProvider ? ` from ${s.identityProvider}` : ''}`,
      `Last 24 hours (since ${s.last24Hours.since}): ${s.last24Hours.succeeded} succeeded${s.last24Hours.warned ? ` (${s.last24Hours.warned} with a warning)` : ''}, ${s.last24Hours.failed} failed`,
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
}
