import { randomUUID } from 'node:crypto';
import { findCompany, insertCompany, type CompanyRow } from '../store/companies.ts';
import { inTransaction, type Store } from '../store/open.ts';
import { AdminError } from './errors.ts';

export interface NewCompany {
  name: string;
  licenseLimit?: number;
  licenseEnforce?: boolean;
  allowedDomains?: string[];
}

// A DNS name: labels of letters, digits and hyphens, at least one dot, no scheme or path.
const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

export async function createCompany(store: Store, input: NewCompany, now = new Date()): Promise<CompanyRow> {
  const name = input.name.trim();
  if (!name) throw new AdminError('invalid', 'Company name must not be empty');
  if (input.licenseLimit !== undefined && (!Number.isSafeInteger(input.licenseLimit) || input.licenseLimit < 0)) {
    throw new AdminError('invalid', `Licence limit must be a whole number ≥ 0, got ${input.licenseLimit}`);
  }
  if (input.licenseEnforce && input.licenseLimit === undefined) {
    throw new AdminError('invalid', 'Enforcing the licence needs a licence limit (--license-limit N)');
  }
  const allowedDomains = [...new Set((input.allowedDomains ?? []).map((d) => d.trim().toLowerCase()).filter(Boolean))];
  const bad = allowedDomains.find((d) => !DOMAIN.test(d));
  if (bad) throw new AdminError('invalid', `"${bad}" is not a domain name (expected something like example.com)`);
  const company: CompanyRow = {
    id: randomUUID(),
    name,
    licenseLimit: input.licenseLimit ?? null,
    licenseEnforce: input.licenseEnforce ?? false,
    allowedDomains,
    createdAt: now.toISOString(),
  };
  await inTransaction(store, (tx) => insertCompany(tx, company));
  return company;
}

export async function requireCompany(store: Store, id: string): Promise<CompanyRow> {
  const company = await findCompany(store, id);
  if (!company) throw new AdminError('notFound', `No company with id ${id}`);
  return company;
}
