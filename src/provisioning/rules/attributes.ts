// The SCIM attributes identity providers really send for a user (../shared/reference/idp-requests.md and
// each IdP's default attribute mappings), offered by the SCIM setting wizard's Map Fields picker.
const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
type Idp = 'entra' | 'okta' | 'onelogin' | 'jumpcloud';
const ALL: Idp[] = ['entra', 'okta', 'onelogin', 'jumpcloud'];

export interface AttributeChoice {
  expression: string;
  label: string;
  idps: Idp[];
}

export const SENT_ATTRIBUTES: readonly AttributeChoice[] = [
  { expression: 'userName', label: 'User name (usually the sign-in email)', idps: ALL },
  { expression: 'externalId', label: 'External id (the IdP object id)', idps: ['entra', 'okta', 'onelogin', 'jumpcloud'] },
  { expression: 'name.givenName', label: 'First name', idps: ALL },
  { expression: 'name.familyName', label: 'Last name', idps: ALL },
  { expression: 'displayName', label: 'Display name', idps: ALL },
  { expression: 'title', label: 'Job title', idps: ALL },
  { expression: 'emails[type eq "work"].value', label: 'Work email', idps: ALL },
  { expression: 'phoneNumbers[type eq "work"].value', label: 'Work phone', idps: ALL },
  { expression: 'phoneNumbers[type eq "mobile"].value', label: 'Mobile phone', idps: ['entra', 'okta', 'onelogin', 'jumpcloud'] },
  { expression: 'addresses[type eq "work"].country', label: 'Country (work address)', idps: ALL },
  { expression: 'addresses[type eq "work"].locality', label: 'City (work address)', idps: ALL },
  { expression: 'addresses[type eq "work"].region', label: 'State or region (work address)', idps: ALL },
  { expression: 'addresses[type eq "work"].postalCode', label: 'Postal code (work address)', idps: ALL },
  { expression: 'addresses[type eq "work"].streetAddress', label: 'Street (work address)', idps: ALL },
  { expression: 'preferredLanguage', label: 'Preferred language', idps: ['entra', 'okta', 'onelogin'] },
  { expression: 'locale', label: 'Locale', idps: ['okta', 'onelogin'] },
  { expression: 'timezone', label: 'Time zone', idps: ['okta', 'onelogin'] },
  { expression: 'userType', label: 'User type', idps: ['entra', 'okta'] },
  { expression: `${ENTERPRISE}:department`, label: 'Department (enterprise)', idps: ALL },
  { expression: `${ENTERPRISE}:employeeNumber`, label: 'Employee number (enterprise)', idps: ALL },
  { expression: `${ENTERPRISE}:costCenter`, label: 'Cost centre (enterprise)', idps: ['entra', 'okta', 'jumpcloud'] },
  { expression: `${ENTERPRISE}:organization`, label: 'Organisation (enterprise)', idps: ['entra', 'okta', 'jumpcloud'] },
  { expression: `${ENTERPRISE}:division`, label: 'Division (enterprise)', idps: ['entra', 'okta', 'jumpcloud'] },
  { expression: `${ENTERPRISE}:manager`, label: 'Manager (enterprise, the manager’s id)', idps: ['entra', 'okta', 'jumpcloud'] },
];
