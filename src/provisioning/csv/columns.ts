// Which target-user field each column of an import fills, from its header: the field's own name
// (`firstName`), the same with spaces (`First Name`), the headers of the product's CSV template
// (`Email Address`, `Phone Number`, `Time Zone`, `Surname`), or a custom field's name, all ignoring case.
// docs/provisioning.md, "CSV import and export".
import { AdminError } from '../../directory/errors.ts';
import { foldString } from '../../scim/fold.ts';
import type { CustomFieldRow } from '../../store/custom-fields.ts';
import { PLATFORM_FIELDS, type PlatformField } from '../rules/types.ts';

/** A column an import reads: a platform field, a custom field, or whether the user is active. */
export type Column = { kind: 'platform'; field: PlatformField } | { kind: 'custom'; def: CustomFieldRow } | { kind: 'active' };

/** Headers of the product's template and its older versions, by their folded, space-free form. */
const TEMPLATE_HEADERS: Record<string, PlatformField> = {
  emailaddress: 'email',
  'e-mail': 'email',
  phonenumber: 'phone',
  surname: 'lastName',
  jobtitle: 'title',
  language: 'preferredLanguage',
};

const compact = (header: string) => foldString(header).replace(/[\s_]+/g, '');

/** The column a header names, or null for one the import does not know (reported, not an error). */
export function columnOf(header: string, customFields: readonly CustomFieldRow[]): Column | null {
  const name = foldString(header.trim());
  const platform = PLATFORM_FIELDS.find((f) => f.toLowerCase() === name);
  if (platform) return { kind: 'platform', field: platform };
  if (name === 'active') return { kind: 'active' };
  const custom = customFields.find((f) => foldString(f.name) === name);
  if (custom) return { kind: 'custom', def: custom };
  const spaced = compact(header);
  const field = PLATFORM_FIELDS.find((f) => f.toLowerCase() === spaced) ?? TEMPLATE_HEADERS[spaced];
  return field ? { kind: 'platform', field } : null;
}

export const columnName = (c: Column): string => (c.kind === 'platform' ? c.field : c.kind === 'custom' ? c.def.name : 'active');

/** Every header's column; AdminError('invalid') without an email column or with two columns for one field. */
export function columnsOf(header: readonly string[], customFields: readonly CustomFieldRow[]): (Column | null)[] {
  const columns = header.map((h) => columnOf(h, customFields));
  const seen = new Map<string, number>();
  columns.forEach((c, i) => {
    if (!c) return;
    const name = columnName(c);
    const earlier = seen.get(name);
    if (earlier !== undefined) throw new AdminError('invalid', `Columns ${earlier + 1} ("${header[earlier]}") and ${i + 1} ("${header[i]}") both fill ${name}; keep one of them`);
    seen.set(name, i);
  });
  if (!seen.has('email')) {
    throw new AdminError('invalid', `The file has no email column: its header line names ${header.map((h) => `"${h}"`).join(', ') || 'nothing'}; the first line must name the columns (email, firstName, lastName, …)`);
  }
  return columns;
}
