// Where each platform field comes from when the setting maps nothing onto it: the attributes Entra, Okta
// and OneLogin fill by default (idp-requests.md), in order of preference; the first that holds a usable
// value wins. docs/provisioning.md, "Defaults".
import type { ReadablePath } from '../../scim/read-path.ts';
import { ENTERPRISE_USER_URN } from '../../scim/schemas/index.ts';
import { compileExpression } from './expression.ts';
import type { PlatformField } from './types.ts';

export const DEFAULT_EXPRESSIONS: Readonly<Record<PlatformField, readonly string[]>> = {
  // Reading emails.value takes the primary one first, then the others in order.
  email: ['emails[primary eq true].value', 'emails[type eq "work"].value', 'emails.value', 'userName'],
  firstName: ['name.givenName'],
  lastName: ['name.familyName'],
  department: [`${ENTERPRISE_USER_URN}:department`],
  title: ['title'],
  phone: ['phoneNumbers[type eq "work"].value', 'phoneNumbers[type eq "mobile"].value', 'phoneNumbers.value'],
  timezone: ['timezone'],
  preferredLanguage: ['preferredLanguage', 'locale'],
  manager: [`${ENTERPRISE_USER_URN}:manager.value`],
};

function compileAll(texts: readonly string[]): ReadablePath[] {
  return texts.map((text) => {
    const compiled = compileExpression(text);
    if (!compiled.ok) throw new Error(`default expression ${text}: ${compiled.detail}`);
    return compiled.value;
  });
}

export const DEFAULTS: Readonly<Record<PlatformField, readonly ReadablePath[]>> = Object.fromEntries(
  Object.entries(DEFAULT_EXPRESSIONS).map(([field, texts]) => [field, compileAll(texts)]),
) as Record<PlatformField, ReadablePath[]>;
