// Companies (tenants) as admins manage them: names unique ignoring case, the licence, allowed domains and
// the company's language. Every change is audited with its old and new values.
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../store/audit-log.ts';
import { UniqueViolation } from '../store/errors.ts';
import { changeActiveUsers } from '../store/licence.ts';
import { findCompany, findCompanyByName, insertCompany, listCompanies, updateCompany, type CompanyRow, type CompanyWithUsage } from '../store/companies.ts';
import { inTransaction, type Store } from '../store/open.ts';
import type { Actor } from './audit.ts';
import { AdminError } from './errors.ts';
import { newId } from '../store/ids.ts';
import { canonicalLanguage } from '../provisioning/rules/language.ts';

export interface CompanyChange {
  name?: string;
  /** null: no limit. */
  licenseLimit?: number | null;
  licenseEnforce?: boolean;
  allowedDomains?: string[];
  /** null: English. */
  language?: string | null;
}

// A DNS name: labels of letters, digits and hyphens, at least one dot, no scheme or path.
const DOMAIN = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

/** The company's settings as given, checked; `current` supplies what the change leaves alone. */
function checked(change: CompanyChange, current: CompanyRow): CompanyRow {
  const name = (change.name ?? current.name).trim();
  if (!name) throw new AdminError('invalid', 'Company name must not be empty');
  const licenseLimit = change.licenseLimit === undefined ? current.licenseLimit : change.licenseLimit;
  if (licenseLimit !== null && (!Number.isSafeInteger(licenseLimit) || licenseLimit < 0)) {
    throw new AdminError('invalid', `Licence limit must be a whole number ≥ 0, got ${licenseLimit}`);
  }
  const licenseEnforce = change.licenseEnforce ?? current.licenseEnforce;
  if (licenseEnforce && licenseLimit === null) throw new AdminError('invalid', 'Enforcing the licence needs a licence limit (--license-limit N)');
  const allowedDomains = [...new Set((change.allowedDomains ?? current.allowedDomains).map((d) => d.trim().toLowerCase()).filter(Boolean))];
  const bad = allowedDomains.find((d) => !DOMAIN.test(d));
  if (bad) throw new AdminError('invalid', `"${bad}" is not a domain name (expected something like example.com)`);
  let language = change.language === undefined ? current.language : change.language;
  if (language !== null) {
    const canonical = canonicalLanguage(language);
    if (!canonical) throw new AdminError('invalid', `"${language}" is not a language tag (BCP 47 or ISO 639-1, e.g. en, de, pt-BR)`);
    language = canonical;
  }
  return { ...current, name, licenseLimit, licenseEnforce, allowedDomains, language };
}

async function requireFreeName(store: Store, name: string, self?: string): Promise<void> {
  const taken = await findCompanyByName(store, name);
  if (taken && taken.id !== self) throw new AdminError('conflict', `A company named "${taken.name}" already exists (${taken.id})`);
}

/** Runs a company write; a name the unique index found taken (another company took it since requireFreeName
 *  looked, e.g. two creates at once on PostgreSQL) is the same conflict, once the failed transaction has ended. */
async function freeNameOrConflict<T>(store: Store, write: () => Promise<T>, self?: string): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (!(e instanceof UniqueViolation)) throw e;
    await requireFreeName(store, e.value, self);
    throw new AdminError('conflict', `A company named "${e.value}" already exists`);
  }
}

const audited = (c: CompanyRow) => ({
  name: c.name,
  licenseLimit: c.licenseLimit,
  licenseEnforce: c.licenseEnforce,
  allowedDomains: c.allowedDomains,
  language: c.language,
});

/** The new company with its usage (none yet), as requireCompany would read it back. */
export async function createCompany(store: Store, input: CompanyChange & { name: string }, actor: Actor, now = new Date()): Promise<CompanyWithUsage> {
  const blank: CompanyRow = { id: randomUUID(), name: input.name, licenseLimit: null, licenseEnforce: false, allowedDomains: [], language: null, createdAt: now.toISOString() };
  const company = checked(input, blank);
  await freeNameOrConflict(store, () =>
    inTransaction(store, async (tx) => {
      await requireFreeName(tx, company.name);
      await insertCompany(tx, company);
      await appendAudit(tx, { id: newId(now.getTime()), companyId: company.id, at: company.createdAt, ...actor, entity: 'company', entityId: company.id, operation: 'create', oldValue: null, newValue: audited(company) });
    }),
  );
  return { ...company, activeUsers: 0, licenseExceededAt: null };
}

export async function updateCompanySettings(store: Store, id: string, change: CompanyChange, actor: Actor, now = new Date()): Promise<CompanyWithUsage> {
  return freeNameOrConflict(
    store,
    () =>
      inTransaction(store, async (tx) => {
        const before = await requireCompany(tx, id);
        const after = checked(change, before);
        if (after.name !== before.name) await requireFreeName(tx, after.name, id);
        await updateCompany(tx, after);
        // A change of no users: the over-limit flag is set or cleared against the new limit at once.
        await changeActiveUsers(tx, id, 0, now.toISOString(), false);
        await appendAudit(tx, { id: newId(now.getTime()), companyId: id, at: now.toISOString(), ...actor, entity: 'company', entityId: id, operation: 'update', oldValue: audited(before), newValue: audited(after) });
        return requireCompany(tx, id);
      }),
    id,
  );
}

export async function requireCompany(store: Store, id: string): Promise<CompanyWithUsage> {
  const company = await findCompany(store, id);
  if (!company) throw new AdminError('notFound', `No company with id ${id} (roster company list shows them)`);
  return company;
}

export { listCompanies };

/** A company as admins see it (CLI and API): its settings and its licence state. */
export function companyJson(c: CompanyWithUsage) {
  return {
    id: c.id,
    name: c.name,
    licenseLimit: c.licenseLimit,
    licenseEnforce: c.licenseEnforce,
    allowedDomains: c.allowedDomains,
    language: c.language,
    createdAt: c.createdAt,
    activeUsers: c.activeUsers,
    licenseExceeded: c.licenseExceededAt !== null,
    licenseExceededSince: c.licenseExceededAt,
  };
}
