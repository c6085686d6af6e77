// The size limits of SCIM_LIMITS on a resource as it would be stored. Checked once, on the canonical form
// that POST and PUT bodies and PATCH results all pass through (parseResource), so the three cannot differ.
// PostgreSQL refuses a btree index row over 2,704 bytes (a 500) where SQLite stores megabytes; a resource
// of thousands of emails is one SQL variable per email (SQLite's limit, PostgreSQL's bind message size).
import { isObject } from './coerce.ts';
import { err, ok, type Result } from './errors.ts';
import { foldString } from './fold.ts';
import { SCIM_LIMITS } from './limits.ts';
import { problem } from './problems.ts';
import type { ScimResource } from './resource.ts';
import type { ResourceTypeName } from './schemas/urns.ts';

/** The indexed strings, by label (attribute path without array positions). */
const IDENTIFIERS: Record<ResourceTypeName, ReadonlySet<string>> = {
  User: new Set(['userName', 'externalId', 'emails.value']),
  Group: new Set(['displayName', 'externalId']),
};

function checkString(type: ResourceTypeName, label: string, s: string): Result<void> {
  if (!IDENTIFIERS[type].has(label)) {
    return s.length > SCIM_LIMITS.stringLength ? err(problem.tooLong(label, s.length, SCIM_LIMITS.stringLength)) : ok(undefined);
  }
  if (s.length > SCIM_LIMITS.identifierLength) return err(problem.tooLong(label, s.length, SCIM_LIMITS.identifierLength));
  // Folding (NFC + lower case) can grow a string; the folded copy is what the index holds.
  const folded = Buffer.byteLength(foldString(s));
  return folded > SCIM_LIMITS.identifierFoldedBytes
    ? err(problem.tooLong(label, folded, SCIM_LIMITS.identifierFoldedBytes, 'UTF-8 bytes once case-folded'))
    : ok(undefined);
}

/** Every string, multi-valued attribute and the resource's JSON size against SCIM_LIMITS. The resource
 *  is canonical (schema attributes only), so the walk is as deep as the schema: a few levels. */
export function checkResourceLimits(type: ResourceTypeName, resource: ScimResource): Result<void> {
  const pending: Array<[unknown, string]> = [];
  for (const [key, value] of Object.entries(resource)) {
    // An extension's attributes are labelled as a client writes them: urn:…:enterprise:2.0:User:department.
    if (key.startsWith('urn:') && isObject(value)) for (const [name, inner] of Object.entries(value)) pending.push([inner, `${key}:${name}`]);
    else pending.push([value, key]);
  }
  while (pending.length > 0) {
    const [value, label] = pending.pop()!;
    if (typeof value === 'string') {
      const checked = checkString(type, label, value);
      if (!checked.ok) return checked;
    } else if (Array.isArray(value)) {
      if (value.length > SCIM_LIMITS.multiValuedElements) return err(problem.tooManyValues(label, value.length, SCIM_LIMITS.multiValuedElements));
      for (const item of value) pending.push([item, label]);
    } else if (isObject(value)) {
      for (const [key, inner] of Object.entries(value)) pending.push([inner, `${label}.${key}`]);
    }
  }
  const bytes = Buffer.byteLength(JSON.stringify(resource));
  return bytes > SCIM_LIMITS.resourceBytes ? err(problem.resourceTooLarge(bytes, SCIM_LIMITS.resourceBytes)) : ok(undefined);
}
