// Extensions Roster does not define but keeps: Entra, Okta and OneLogin let admins send custom attributes
// under a schema URN of their own ("urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User",
// KnowBe4's "urn:ietf:params:scim:schemas:extension:knowbe4:kmsat:2.0:User"; idp-requests §1.5). The SCIM
// setting's mappings read them, so they are stored as pushed and returned as pushed.
//
// Which URNs count, precisely (anything else stays ignored, idp-requests §6 rule 13):
//   - it starts with "urn:" and holds only URN characters (no spaces, quotes, brackets, backslashes);
//   - its last segment is the resource type ("…:User" in a User, "…:Group" in a Group): that is how every
//     IdP names an extension, and it makes "urn:…:User:country" split unambiguously at its last colon;
//   - no segment is "core": "urn:scim:schemas:core:1.0:User" is a misspelt core URN, not an extension;
//   - no segment is a prototype name ("__proto__", "constructor", "prototype");
//   - it is no schema Roster defines (those resolve to their definitions, or are ignored on the wrong type).
// A custom attribute is read as a singular, case-insensitive string (numbers and booleans by their JSON
// text); its name and URN keep the case they were sent in and are matched ignoring case.
import type { AttrPath } from '../filter/ast.ts';
import { isForbiddenKey } from '../text.ts';
import { attr } from './define.ts';
import { ENTERPRISE_USER_SCHEMA } from './enterprise-user.ts';
import { GROUP_SCHEMA } from './group.ts';
import type { AttributeDef, ResolvedAttr, SchemaDef } from './types.ts';
import { USER_SCHEMA } from './user.ts';
import type { ResourceTypeName } from './urns.ts';

const KNOWN = new Set([USER_SCHEMA, GROUP_SCHEMA, ENTERPRISE_USER_SCHEMA].map((s) => s.id.toLowerCase()));
/** RFC 8141 URN characters, without those that would need quoting in a JSON path or a filter. */
const URN = /^urn:[A-Za-z0-9][A-Za-z0-9-]*(?::[A-Za-z0-9._~%!$&'*+,;=@/-]+)+$/i;
/** ATTRNAME of RFC 7643 §2.1 (the filter parser's rule): what a custom attribute name must be to be addressable. */
const ATTRNAME = /^[A-Za-z][A-Za-z0-9_-]*$/;
const MAX_URN_LENGTH = 256;

export function isCustomExtensionUrn(type: ResourceTypeName, urn: string): boolean {
  if (urn.length > MAX_URN_LENGTH || !URN.test(urn) || KNOWN.has(urn.toLowerCase())) return false;
  const segments = urn.toLowerCase().split(':');
  return segments[segments.length - 1] === type.toLowerCase() && !segments.includes('core') && !segments.some(isForbiddenKey);
}

/** A custom extension as a schema without attribute definitions; `id` is the URN as the client wrote it. */
export function customSchema(urn: string): SchemaDef {
  return { id: urn, name: '', description: 'An extension this server does not define, kept as pushed', attributes: [] };
}

function customAttr(name: string): AttributeDef {
  return attr(name, 'string', 'An attribute of an extension this server does not define, kept as pushed');
}

/** `urn:…:User:country` (or `…:address.city`) of a custom extension, resolved; undefined for anything else.
 *  The sub-attribute reads into an object value. */
export function resolveCustom(type: ResourceTypeName, path: AttrPath): ResolvedAttr | undefined {
  if (path.uri === undefined || !isCustomExtensionUrn(type, path.uri) || !ATTRNAME.test(path.attr)) return undefined;
  if (path.sub !== undefined && !ATTRNAME.test(path.sub)) return undefined;
  const resolved: ResolvedAttr = { schema: customSchema(path.uri), extension: true, custom: true, attr: customAttr(path.attr) };
  return path.sub === undefined ? resolved : { ...resolved, sub: customAttr(path.sub) };
}

/** A top-level key naming a custom attribute, "urn:…:CompanyName:2.0:User:country", split at its last colon. */
export function splitCustomKey(type: ResourceTypeName, key: string): { urn: string; name: string } | undefined {
  const colon = key.lastIndexOf(':');
  if (colon < 0) return undefined;
  const urn = key.slice(0, colon);
  const name = key.slice(colon + 1);
  return name !== '' && isCustomExtensionUrn(type, urn) ? { urn, name } : undefined;
}
