// A setting's rules as the projection reads them: its mappings and grouping, with the company's custom fields.
import type { Store } from '../../store/open.ts';
import type { ScimSettingRow } from '../../store/scim-settings.ts';
import { customFieldsOf } from '../../store/custom-fields.ts';
import type { Rules } from '../rules/types.ts';

export async function rulesOf(store: Store, setting: ScimSettingRow): Promise<Rules> {
  return {
    mappings: setting.mappings,
    groupName: setting.groupName,
    groupBy: setting.groupBy,
    // A company has tens of custom fields, not thousands: read them whole, one indexed range.
    customFields: await customFieldsOf(store, setting.companyId),
  };
}
