// `roster company …`: companies (tenants).
import { InvalidArgumentError, type Command } from 'commander';
import { CLI_ACTOR } from '../directory/audit.ts';
import { companyJson, createCompany, listCompanies, requireCompany, updateCompanySettings, type CompanyChange } from '../directory/companies.ts';
import type { CompanyWithUsage } from '../store/companies.ts';
import { list, run, wholeNumber } from './run.ts';

function companyText(c: CompanyWithUsage): string {
  const licence = c.licenseLimit === null ? 'no limit' : `${c.licenseLimit} users${c.licenseEnforce ? ', enforced' : ''}`;
  const over = c.licenseExceededAt ? ` — OVER THE LIMIT since ${c.licenseExceededAt}` : '';
  return [
    `${c.name} (${c.id})`,
    `Licence: ${licence}; ${c.activeUsers} active target users${over}`,
    `Allowed domains: ${c.allowedDomains.length ? c.allowedDomains.join(', ') : 'any'}`,
    `Language: ${c.language ?? 'en (default)'}`,
  ].join('\n');
}

const orNone = <T>(parse: (v: string) => T) => (value: string): T | 'none' => (value.trim().toLowerCase() === 'none' ? 'none' : parse(value));
const noneToNull = <T>(v: T | 'none' | undefined): T | null | undefined => (v === 'none' ? null : v);

function domains(value: string): string[] {
  const parsed = list(value);
  if (!parsed.length && value.trim().toLowerCase() !== 'none' && value.trim() !== '') throw new InvalidArgumentError('expected comma-separated domains, or none');
  return value.trim().toLowerCase() === 'none' ? [] : parsed;
}

export function registerCompanyCommands(program: Command): void {
  const company = program.command('company').description('Companies (tenants)');
  company
    .command('create')
    .description('Create a company (names are unique, ignoring case)')
    .requiredOption('--name <name>', 'company name')
    .option('--license-limit <n>', 'how many active target users the licence covers', wholeNumber)
    .option('--license-enforce', 'refuse users beyond the licence limit')
    .option('--allowed-domains <domains>', 'comma-separated email domains, e.g. a.com,b.com', domains)
    .option('--language <tag>', "the company's language for users without their own (BCP 47, default en)")
    .action((o: { name: string; licenseLimit?: number; licenseEnforce?: boolean; allowedDomains?: string[]; language?: string }) =>
      run(async (store) => {
        const c = await createCompany(
          store,
          o,
          CLI_ACTOR,
        );
        return { json: companyJson(c), text: `Created company ${c.name}: ${c.id}` };
      }),
    );
  company
    .command('list')
    .description('List every company')
    .action(() =>
      run(async (store) => {
        const all = await listCompanies(store);
        return { json: all.map(companyJson), text: all.length ? all.map((c) => `${c.id}  ${c.name}`).join('\n') : 'No companies yet (roster company create --name NAME)' };
      }),
    );
  company
    .command('show <id>')
    .description('Show a company: licence usage, allowed domains, language')
    .action((id: string) =>
      run(async (store) => {
        const c = await requireCompany(store, id);
        return { json: companyJson(c), text: companyText(c) };
      }),
    );
  company
    .command('update <id>')
    .description("Change a company's name, licence, allowed domains or language")
    .option('--name <name>', 'new name')
    .option('--license-limit <n>', 'active target users the licence covers, or none', orNone(wholeNumber))
    .option('--license-enforce', 'refuse creates and reactivations beyond the limit (403)')
    .option('--no-license-enforce', 'only warn beyond the limit')
    .option('--allowed-domains <domains>', 'comma-separated email domains, or none for any', domains)
    .option('--language <tag>', "the company's language (BCP 47), or none for English", orNone((v: string) => v))
    .action((id: string, o: { name?: string; licenseLimit?: number | 'none'; licenseEnforce?: boolean; allowedDomains?: string[]; language?: string | 'none' }) =>
      run(async (store) => {
        // An option not given stays undefined: that setting is left as it is.
        const change: CompanyChange = { ...o, licenseLimit: noneToNull(o.licenseLimit), language: noneToNull(o.language) };
        const c = await updateCompanySettings(store, id, change, CLI_ACTOR);
        return { json: companyJson(c), text: companyText(c) };
      }),
    );
}
