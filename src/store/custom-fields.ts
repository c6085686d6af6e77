// A company's custom fields: typed, names unique ignoring case (name_ci), kept exactly as typed.
import { foldString } from '../scim/fold.ts';
import type { CustomFieldDef, CustomFieldType } from '../provisioning/rules/types.ts';
import type { Store } from './open.ts';
import { prepared } from './prepared.ts';

export interface CustomFieldRow extends CustomFieldDef {
  companyId: string;
  createdAt: string;
}

export async function insertCustomField(store: Store, f: CustomFieldRow): Promise<void> {
  await store.db
    .insertInto('custom_fields')
    .values({ id: f.id, company_id: f.companyId, name: f.name, name_ci: foldString(f.name), type: f.type, created_at: f.createdAt })
    .execute();
}

/** The company's custom fields in creation order (ids are time-ordered); one indexed range. */
export async function customFieldsOf(store: Store, companyId: string): Promise<CustomFieldRow[]> {
  const { rows } = await fieldsOfCompany.run(store, { companyId });
  return rows.map((r) => ({ id: r.id, companyId: r.company_id, name: r.name, type: r.type as CustomFieldType, createdAt: r.created_at }));
}

// Every SCIM user write projects through them.
const fieldsOfCompany = prepared((db, a: { companyId: string }) => db.selectFrom('custom_fields').selectAll().where('company_id', '=', a.companyId).orderBy('id'));

export async function customFieldNamed(store: Store, companyId: string, name: string): Promise<CustomFieldRow | undefined> {
  const r = await store.db.selectFrom('custom_fields').selectAll().where('company_id', '=', companyId).where('name_ci', '=', foldString(name)).executeTakeFirst();
  return r && { id: r.id, companyId: r.company_id, name: r.name, type: r.type as CustomFieldType, createdAt: r.created_at };
}
