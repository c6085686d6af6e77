// What a mapping's `field` names: a platform field or one of the company's custom fields, ignoring case.
import { foldString } from '../../scim/fold.ts';
import { PLATFORM_FIELDS, type CustomFieldDef, type PlatformField } from './types.ts';

export type MappingTarget = { kind: 'platform'; field: PlatformField } | { kind: 'custom'; field: CustomFieldDef };

/** Platform fields win: a custom field named "Title" cannot be mapped apart from the platform's title. */
export function mappingTarget(name: string, customFields: readonly CustomFieldDef[]): MappingTarget | undefined {
  const folded = foldString(name.trim());
  const platform = PLATFORM_FIELDS.find((f) => f.toLowerCase() === folded);
  if (platform !== undefined) return { kind: 'platform', field: platform };
  const custom = customFields.find((f) => foldString(f.name) === folded);
  return custom === undefined ? undefined : { kind: 'custom', field: custom };
}
