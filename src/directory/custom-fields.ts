// Custom fields: per company, typed, names unique ignoring case and kept exactly as typed ("Country / Region").
import { CUSTOM_FIELD_TYPES, PLATFORM_FIELDS, type CustomFieldType } from '../provisioning/rules/types.ts';
import { appendAudit } from '../store/audit-log.ts';
import { customFieldNamed, customFieldsOf, insertCustomField, type CustomFieldRow } from '../store/custom-fields.ts';
import { inTransaction, type Store } from '../store/open.ts';
import { foldString } from '../scim/fold.ts';
import type { Actor } from './audit.ts';
import { requireCompany } from './companies.ts';
import { AdminError } from './errors.ts';
import { newId } from '../store/ids.ts';

/** A field name an admin can read in a column header; the product's own limit for names. */
export const MAX_FIELD_NAME = 64;

/** A company's custom fields in creation order; an unknown company is an error, not an empty list. */
export async function listCustomFields(store: Store, companyId: string): Promise<CustomFieldRow[]> {
  await requireCompany(store, companyId);
  return customFieldsOf(store, companyId);
}

export async function createCustomField(
  store: Store,
  input: { companyId: string; name: string; type?: string },
  actor: Actor,
  now = new Date(),
): Promise<CustomFieldRow> {
  const name = input.name.trim();
  if (!name) throw new AdminError('invalid', 'Custom field name must not be empty');
  if ([...name].length > MAX_FIELD_NAME) throw new AdminError('invalid', `Custom field name must be at most ${MAX_FIELD_NAME} characters, got ${[...name].length}`);
  // A custom field named like a platform field could never be mapped: the platform field wins (rules/fields.ts).
  const platform = PLATFORM_FIELDS.find((f) => f.toLowerCase() === foldString(name));
  if (platform) throw new AdminError('invalid', `"${name}" is a platform field of every target user (${platform}); choose another name for the custom field`);
  const type = (input.type ?? 'text').trim().toLowerCase();
  if (!(CUSTOM_FIELD_TYPES as readonly string[]).includes(type)) {
    throw new AdminError('invalid', `Custom field type must be one of ${CUSTOM_FIELD_TYPES.join(', ')}, got "${input.type}"`);
  }
  return inTransaction(store, async (tx) => {
    await requireCompany(tx, input.companyId);
    const taken = await customFieldNamed(tx, input.companyId, name);
    if (taken) throw new AdminError('conflict', `The company already has a custom field named "${taken.name}"`);
    const field: CustomFieldRow = { id: newId(now.getTime()), companyId: input.companyId, name, type: type as CustomFieldType, createdAt: now.toISOString() };
    await insertCustomField(tx, field);
    await appendAudit(tx, {
      id: newId(now.getTime()),
      companyId: input.companyId,
      at: field.createdAt,
      ...actor,
      entity: 'custom-field',
      entityId: field.id,
      operation: 'create',
      oldValue: null,
      newValue: { name, type },
    });
    return field;
  });
}
