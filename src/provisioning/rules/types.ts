// What the provisioning rules read and produce. The rules are pure: a SCIM resource and a setting's rules in,
// the target user the platform derives from it out (docs/provisioning.md).
import type { ScimResource } from '../../scim/resource.ts';

/** The target user's own fields a mapping can fill, besides custom fields. */
export const PLATFORM_FIELDS = ['email', 'firstName', 'lastName', 'department', 'title', 'phone', 'timezone', 'preferredLanguage', 'manager'] as const;
export type PlatformField = (typeof PLATFORM_FIELDS)[number];

export const CUSTOM_FIELD_TYPES = ['text', 'number', 'email', 'date', 'datetime', 'boolean'] as const;
export type CustomFieldType = (typeof CUSTOM_FIELD_TYPES)[number];

export interface CustomFieldDef {
  id: string;
  name: string;
  type: CustomFieldType;
}

export interface FieldMapping {
  /** A platform field, or a custom field's name (matched ignoring case). */
  field: string;
  /** A SCIM attribute expression: `addresses[type eq "work"].country`, `urn:…:enterprise:2.0:User:division`. */
  expression: string;
}

export interface Rules {
  mappings: readonly FieldMapping[];
  /** The group every user of the setting joins (with groupBy: the users without a value). */
  groupName: string | null;
  /** `department` or a text custom field's name: one group per distinct value. */
  groupBy: string | null;
  /** The company's custom fields (those the mappings and groupBy name, at least). */
  customFields: readonly CustomFieldDef[];
}

export type GroupOrigin = 'setting' | 'rule';

export interface ProjectedUser {
  /** Null when no syntactically valid address could be resolved: the request must fail (`missingEmail`). */
  email: string | null;
  /** Why there is no email, naming the attribute read and how to map it in the IdP. */
  missingEmail?: string;
  firstName: string | null;
  lastName: string | null;
  department: string | null;
  title: string | null;
  phone: string | null;
  /** An IANA zone name, or null. */
  timezone: string | null;
  /** The user's own canonical BCP 47 tag, or null (the company's language then applies). */
  preferredLanguage: string | null;
  /** The raw manager reference (an id, externalId or email of another user), or null. */
  manager: string | null;
  active: boolean;
  externalId: string | null;
  /** Values that fit their field's type, as canonical text. */
  customFields: { fieldId: string; value: string }[];
  groups: { name: string; origin: GroupOrigin }[];
  /** Things an admin should know that did not fail the request (a timezone or a custom value dropped). */
  warnings: string[];
}

export type ProjectUser = (resource: ScimResource, rules: Rules) => ProjectedUser;
