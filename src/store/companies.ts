// Companies (tenants): names unique ignoring case, the licence, allowed domains, the company's language.
import type { Selectable } from 'kysely';
import { foldString } from '../scim/fold.ts';
import { UniqueViolation } from './errors.ts';
import type { Store } from './open.ts';
import { prepared } from './prepared.ts';
import type { CompaniesTable } from './schema.ts';

export interface CompanyRow {
  id: string;
  name: string;
  licenseLimit: number | null;
  licenseEnforce: boolean;
  allowedDomains: string[];
  /** BCP 47; null: English. */
  language: string | null;
  createdAt: string;
}

export interface CompanyWithUsage extends CompanyRow {
  activeUsers: number;
  /** When active users first went over the licence limit; null while within it. */
  licenseExceededAt: string | null;
}

function toRow({ dialect }: Store, row: Selectable<CompaniesTable>): CompanyWithUsage {
  return {
    id: row.id,
    name: row.name,
    licenseLimit: row.license_limit,
    licenseEnforce: Boolean(row.license_enforce),
    allowedDomains: dialect.fromJson<string[]>(row.allowed_domains),
    language: row.language,
    createdAt: row.created_at,
    activeUsers: Number(row.active_users),
    licenseExceededAt: row.license_exceeded_at,
  };
}

// (name_ci) is the one unique index a company write can hit besides its random id.
async function uniqueName(store: Store, name: string, write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (e) {
    if (store.dialect.isUniqueViolation(e)) throw new UniqueViolation('company', 'name', name);
    throw e;
  }
}

/** UniqueViolation when another company has the name, ignoring case. */
export async function insertCompany(store: Store, c: CompanyRow): Promise<void> {
  const { db, dialect } = store;
  await uniqueName(store, c.name, () =>
    db
      .insertInto('companies')
      .values({
        id: c.id,
        name: c.name,
        name_ci: foldString(c.name),
        license_limit: c.licenseLimit,
        license_enforce: dialect.toBool(c.licenseEnforce),
        allowed_domains: dialect.toJson(c.allowedDomains),
        language: c.language,
        created_at: c.createdAt,
      })
      .execute(),
  );
}

export async function findCompany(store: Store, id: string): Promise<CompanyWithUsage | undefined> {
  const [row] = (await companyById.run(store, { id })).rows;
  return row && toRow(store, row);
}

// Every SCIM user write reads its company.
const companyById = prepared((db, a: { id: string }) => db.selectFrom('companies').selectAll().where('id', '=', a.id));

export async function findCompanyByName(store: Store, name: string): Promise<CompanyWithUsage | undefined> {
  const row = await store.db.selectFrom('companies').selectAll().where('name_ci', '=', foldString(name)).executeTakeFirst();
  return row && toRow(store, row);
}

/** Every company, by name. An installation has companies in the thousands at most. */
export async function listCompanies(store: Store): Promise<CompanyWithUsage[]> {
  const rows = await store.db.selectFrom('companies').selectAll().orderBy('name_ci').orderBy('id').execute();
  return rows.map((r) => toRow(store, r));
}

/** UniqueViolation when another company has the new name, ignoring case. */
export async function updateCompany(store: Store, c: CompanyRow): Promise<void> {
  await uniqueName(store, c.name, () =>
    store.db
      .updateTable('companies')
      .set({
        name: c.name,
        name_ci: foldString(c.name),
        license_limit: c.licenseLimit,
        license_enforce: store.dialect.toBool(c.licenseEnforce),
        allowed_domains: store.dialect.toJson(c.allowedDomains),
        language: c.language,
      })
      .where('id', '=', c.id)
      .execute(),
  );
}
