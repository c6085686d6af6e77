import type { Store } from './open.ts';

export interface CompanyRow {
  id: string;
  name: string;
  licenseLimit: number | null;
  licenseEnforce: boolean;
  allowedDomains: string[];
  createdAt: string;
}

export async function insertCompany({ db, dialect }: Store, c: CompanyRow): Promise<void> {
  await db
    .insertInto('companies')
    .values({
      id: c.id,
      name: c.name,
      license_limit: c.licenseLimit,
      license_enforce: dialect.toBool(c.licenseEnforce),
      allowed_domains: dialect.toJson(c.allowedDomains),
      created_at: c.createdAt,
    })
    .execute();
}

export async function findCompany({ db, dialect }: Store, id: string): Promise<CompanyRow | undefined> {
  const row = await db.selectFrom('companies').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    licenseLimit: row.license_limit,
    licenseEnforce: Boolean(row.license_enforce),
    allowedDomains: dialect.fromJson<string[]>(row.allowed_domains),
    createdAt: row.created_at,
  };
}
