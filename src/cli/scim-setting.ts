// `roster scim-setting …`: the token and rules one identity provider uses.
import { InvalidArgumentError, type Command } from 'commander';
import type { Config } from '../config.ts';
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
import { readServerInfo } from '../store/server-info.ts';
import type { Store } from '../store/open.ts';
import { collect, run } from './run.ts';

/** The URL an IdP is given: PUBLIC_URL when set here, else the one the server recorded when it started, else
 *  this machine as a server with this environment would listen on it. */
async function scimUrl(store: Store, config: Config): Promise<string> {
  if (config.publicUrl) return `${config.publicUrl}/scim/v2`;
  return (await readServerInfo(store))?.scimUrl ?? `${config.tls ? 'https' : 'http'}://localhost:${config.port}/scim/v2`;
}

/** A setting as shown to an admin: never its token or token hash. */
function settingJson(url: string, s: ScimSettingRow) {
  return {
    id: s.id,
    companyId: s.companyId,
    name: s.name,
    tokenPrefix: s.tokenPrefix,
    scimUrl: url,
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
    .description("Change a setting; the token's new rate limit applies from its next request, on every server instance")
    .requiredOption('--rate-limit <n>', RATE_LIMIT_HELP, rateLimit)
    .action((id: string, o: { rateLimit: number | 'default' }) =>
      run(async (store, config) => {
        const s = await setScimRateLimit(store, id, limitOf(o.rateLimit));
        return { json: settingJson(await scimUrl(store, config), s), text: `Rate limit of ${s.name} (${s.id}): ${rateLimitText(s)}` };
      }),
    );
  setting
    .command('rotate <id>')
    .description('Issue a new token; the old one stops working at once')
    .action((id: string) =>
      run(async (store, config) => {
        const { setting: s, token } = await rotateScimToken(store, id);
        return { json: { ...settingJson(await scimUrl(store, config), s), token }, text: `New token for ${s.name} (shown once, store it now): ${token}` };
      }),
    );
  setting
    .command('revoke <id>')
    .description('Revoke the setting: its token stops working at once')
    .action((id: string) =>
      run(async (store, config) => {
        const s = await revokeScimToken(store, id);
        return { json: settingJson(await scimUrl(store, config), s), text: `Revoked SCIM setting ${s.name} (${s.id})` };
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
}
