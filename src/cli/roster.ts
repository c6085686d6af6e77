// The `roster` command: companies and SCIM settings on the store named by DATABASE_URL (safe while the
// server runs: SQLite waits for the server's write lock, PostgreSQL is shared anyway).
import { Command, InvalidArgumentError } from 'commander';
import { loadConfig, publicUrlOf } from '../config.ts';
import { createCompany } from '../directory/companies.ts';
import { AdminError } from '../directory/errors.ts';
import {
  createScimSetting,
  listCompanyScimSettings,
  revokeScimToken,
  rotateScimToken,
  type ScimSettingRow,
} from '../provisioning/scim-settings.ts';
import { openStore, type Store } from '../store/open.ts';

const EXIT = { invalid: 2, notFound: 3, conflict: 4 } as const;

interface Output {
  json?: boolean;
}

function scimUrl(): string {
  const config = loadConfig();
  const origin = publicUrlOf(process.env.PUBLIC_URL) ?? `http://localhost:${config.port}`;
  return `${origin}/scim/v2`;
}

function settingJson(s: ScimSettingRow) {
  return {
    id: s.id,
    companyId: s.companyId,
    name: s.name,
    tokenPrefix: s.tokenPrefix,
    scimUrl: scimUrl(),
    mappings: s.mappings,
    groupName: s.groupName,
    groupBy: s.groupBy,
    syncGroups: s.syncGroups,
    createdAt: s.createdAt,
    rotatedAt: s.rotatedAt,
    revokedAt: s.revokedAt,
  };
}

/** Runs one command against a freshly opened store and prints its result, as JSON or as text. */
async function run(opts: Output, work: (store: Store) => Promise<{ json: unknown; text: string }>): Promise<void> {
  const store = await openStore(loadConfig().databaseUrl);
  try {
    const out = await work(store);
    process.stdout.write(opts.json ? `${JSON.stringify(out.json, null, 2)}\n` : `${out.text}\n`);
  } catch (e) {
    if (!(e instanceof AdminError)) throw e;
    if (opts.json) process.stdout.write(`${JSON.stringify({ error: { kind: e.kind, message: e.message } })}\n`);
    process.stderr.write(`roster: ${e.message}\n`);
    process.exitCode = EXIT[e.kind];
  } finally {
    await store.close();
  }
}

function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number ≥ 0');
  return Number(value);
}

const collect = (value: string, previous: string[]) => [...previous, value];
const list = (value: string) => value.split(',').map((s) => s.trim()).filter(Boolean);

const program = new Command('roster').description('Manage Roster companies and SCIM settings').showHelpAfterError();

const company = program.command('company').description('Companies (tenants)');
company
  .command('create')
  .description('Create a company')
  .requiredOption('--name <name>', 'company name')
  .option('--license-limit <n>', 'how many target users the licence covers', wholeNumber)
  .option('--license-enforce', 'refuse users beyond the licence limit')
  .option('--allowed-domains <domains>', 'comma-separated email domains, e.g. a.com,b.com', list)
  .option('--json', 'print one JSON document')
  .action((o: { name: string; licenseLimit?: number; licenseEnforce?: boolean; allowedDomains?: string[]; json?: boolean }) =>
    run(o, async (store) => {
      const c = await createCompany(store, {
        name: o.name,
        ...(o.licenseLimit !== undefined ? { licenseLimit: o.licenseLimit } : {}),
        licenseEnforce: Boolean(o.licenseEnforce),
        allowedDomains: o.allowedDomains ?? [],
      });
      return { json: c, text: `Created company ${c.name}: ${c.id}` };
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
  .option('--json', 'print one JSON document')
  .action(
    (o: { company: string; name: string; map: string[]; groupName?: string; groupBy?: string; syncGroups?: boolean; json?: boolean }) =>
      run(o, async (store) => {
        const { setting: s, token } = await createScimSetting(store, {
          companyId: o.company,
          name: o.name,
          mappings: o.map,
          ...(o.groupName !== undefined ? { groupName: o.groupName } : {}),
          ...(o.groupBy !== undefined ? { groupBy: o.groupBy } : {}),
          syncGroups: Boolean(o.syncGroups),
        });
        const json = { ...settingJson(s), token };
        return {
          json,
          text: `Created SCIM setting ${s.name}: ${s.id}\nSCIM URL: ${json.scimUrl}\nToken (shown once, store it now): ${token}`,
        };
      }),
  );
setting
  .command('list')
  .description("List a company's SCIM settings (tokens are never shown again)")
  .requiredOption('--company <id>', 'company id')
  .option('--json', 'print one JSON document')
  .action((o: { company: string; json?: boolean }) =>
    run(o, async (store) => {
      const settings = (await listCompanyScimSettings(store, o.company)).map(settingJson);
      const text = settings.length
        ? settings.map((s) => `${s.id}  ${s.name}  ${s.tokenPrefix}…  ${s.revokedAt ? `revoked ${s.revokedAt}` : 'active'}`).join('\n')
        : 'No SCIM settings';
      return { json: settings, text };
    }),
  );
setting
  .command('rotate <id>')
  .description('Issue a new token; the old one stops working at once')
  .option('--json', 'print one JSON document')
  .action((id: string, o: Output) =>
    run(o, async (store) => {
      const { setting: s, token } = await rotateScimToken(store, id);
      return { json: { ...settingJson(s), token }, text: `New token for ${s.name} (shown once, store it now): ${token}` };
    }),
  );
setting
  .command('revoke <id>')
  .description('Revoke the setting: its token stops working at once')
  .option('--json', 'print one JSON document')
  .action((id: string, o: Output) =>
    run(o, async (store) => {
      const s = await revokeScimToken(store, id);
      return { json: settingJson(s), text: `Revoked SCIM setting ${s.name} (${s.id})` };
    }),
  );

await program.parseAsync(process.argv);
