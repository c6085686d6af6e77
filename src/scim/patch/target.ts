// Turns a PATCH `path`, or a key of a path-less value, into the attribute it designates (RFC 7644 §3.5.2).
import { err, ok, type Result } from '../errors.ts';
import type { AttrPath, Filter } from '../filter/ast.ts';
import { parsePath } from '../filter/parser.ts';
import { problem } from '../problems.ts';
import { findAttr, resolveAttribute, resolveKey, type KeyRef } from '../schemas/index.ts';
import type { ResolvedAttr } from '../schemas/types.ts';
import type { ResourceTypeName } from '../schemas/urns.ts';
import type { Target } from './types.ts';
import { checkValueFilter } from './value-filter.ts';

/** A custom extension attribute is one value kept as sent: nothing inside it can be addressed for writing. */
function fromCustom(r: ResolvedAttr, part: boolean, text: string): Result<Target> {
  if (!part) return ok({ kind: 'custom', urn: r.schema.id, name: r.attr.name, text });
  return err(problem.invalidPath(text, `names a part of '${r.attr.name}', an attribute of an extension this server does not define; replace '${r.schema.id}:${r.attr.name}' as a whole`));
}

function fromResolved(type: ResourceTypeName, r: ResolvedAttr, filter: Filter | undefined, text: string): Result<Target> {
  if (r.custom) return fromCustom(r, r.sub !== undefined || filter !== undefined, text);
  const { attr, sub } = r;
  if (type === 'Group' && !r.extension && attr.name === 'members') return ok({ kind: 'members', filter, sub, text });
  if (attr.mutability === 'readOnly' || sub?.mutability === 'readOnly') return ok({ kind: 'readOnly', text });
  // password: accepted (Okta syncs it by PATCH, idp-requests §2.4), never stored.
  if (attr.mutability === 'writeOnly' || sub?.mutability === 'writeOnly') return ok({ kind: 'ignore' });
  if (filter === undefined) return ok({ kind: 'attr', schema: r.schema, extension: r.extension, attr, sub, text });
  if (!(attr.multiValued && attr.type === 'complex')) {
    return err(problem.invalidPath(text, `has a value filter, but '${attr.name}' is not a multi-valued complex attribute`));
  }
  const checked = checkValueFilter(type, r, filter);
  if (!checked.ok) return checked;
  return ok({ kind: 'attr', schema: r.schema, extension: r.extension, attr, sub, filter: checked.value, text });
}

function fromPath(
  type: ResourceTypeName,
  base: AttrPath,
  subName: string | undefined,
  filter: Filter | undefined,
  text: string,
): Result<Target> {
  const resolved = resolveAttribute(type, base);
  // Unknown attributes (a typo, a name the enterprise extension lacks) are ignored, as POST ignores them.
  if (resolved === undefined) return ok({ kind: 'ignore' });
  if (resolved.custom) return fromCustom(resolved, subName !== undefined || filter !== undefined, text);
  if (subName === undefined) return fromResolved(type, resolved, filter, text);
  if (resolved.attr.type !== 'complex') {
    return err(problem.invalidPath(text, `names a sub-attribute, but '${resolved.attr.name}' has none`));
  }
  const sub = findAttr(resolved.attr.subAttributes, subName);
  return sub === undefined ? ok({ kind: 'ignore' }) : fromResolved(type, { ...resolved, sub }, filter, text);
}

function schemaTarget(ref: Extract<KeyRef, { kind: 'schema' }>, text: string): Target {
  return { kind: 'schema', schema: ref.schema, extension: ref.extension, ...(ref.custom ? { custom: true } : {}), text };
}

/** The target of an operation's `path`. */
export function targetOfPath(type: ResourceTypeName, text: string): Result<Target> {
  // A bare schema URN: the parser would read "…:2.0:User" as URN "…:2.0" plus attribute "User".
  const whole = resolveKey(type, text.trim());
  if (whole?.kind === 'schema') return ok(schemaTarget(whole, text));
  const parsed = parsePath(text);
  if (!parsed.ok) return parsed;
  const { path, valueFilter, subAfterFilter } = parsed.value;
  const base: AttrPath = path.uri === undefined ? { attr: path.attr } : { uri: path.uri, attr: path.attr };
  return fromPath(type, base, subAfterFilter ?? path.sub, valueFilter, text);
}

/**
 * The target of a key inside a path-less add/replace value: plain ("displayName"), dotted
 * ("name.givenName") or URN-qualified ("urn:…:enterprise:2.0:User:employeeNumber") as Entra's
 * aadOptscim062020 job sends them (idp-requests §1.8), or a whole extension URN (§1.11 item 3).
 */
export function targetOfKey(type: ResourceTypeName, key: string): Result<Target> {
  if (key.includes('[')) return targetOfPath(type, key);
  const ref = resolveKey(type, key);
  if (ref === undefined) return ok({ kind: 'ignore' });
  if (ref.kind === 'schema') return ok(schemaTarget(ref, key));
  return fromResolved(type, ref.resolved, undefined, key);
}
