// `roster company …`: companies (tenants).
import type { Command } from 'commander';
import { createCompany, requireCompany } from '../directory/companies.ts';
import { list, run, wholeNumber } from './run.ts';

export function registerCompanyCommands(program: Command): void {
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
}
