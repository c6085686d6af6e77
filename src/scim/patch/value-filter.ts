// Value filters inside PATCH paths (emails[type eq "work"], members[value eq "x"]), RFC 7644 §3.5.2.
// Checking and matching are the filter module's, so a PATCH path and a GET filter agree on what matches
// (including Entra's roles[primary eq "True"], whose string literal becomes a boolean).
import type { Result } from '../errors.ts';
import type { AttrPath, Filter, Literal } from '../filter/ast.ts';
import { matchesElement } from '../filter/evaluate.ts';
import { validateValueFilter } from '../filter/validate.ts';
import { findAttr, resolveAttribute } from '../schemas/index.ts';
import type { AttributeDef, ResolvedAttr } from '../schemas/types.ts';
import type { ResourceTypeName } from '../schemas/urns.ts';
import type { AttrTarget } from './types.ts';

const outerOf = (r: Pick<ResolvedAttr, 'schema' | 'extension' | 'attr'>): AttrPath =>
  r.extension ? { uri: r.schema.id, attr: r.attr.name } : { attr: r.attr.name };

const resolverFor = (type: ResourceTypeName) => (p: AttrPath) => resolveAttribute(type, p);

/** The filter checked against the schema (400 invalidFilter for unknown sub-attributes or operators that do
 *  not suit them), with literals coerced to the sub-attribute types. */
export function checkValueFilter(type: ResourceTypeName, r: ResolvedAttr, filter: Filter): Result<Filter> {
  return validateValueFilter(outerOf(r), filter, resolverFor(type));
}

/** A predicate over elements of the target's multi-valued attribute. */
export function elementMatcher(type: ResourceTypeName, target: AttrTarget): (element: unknown) => boolean {
  const { filter } = target;
  if (filter === undefined) return () => true;
  const outer = outerOf(target);
  const resolve = resolverFor(type);
  return (element) =>
    typeof element === 'object' && element !== null && !Array.isArray(element) &&
    matchesElement(filter, element as Record<string, unknown>, outer, resolve);
}

/**
 * The sub-attribute values a filter pins down when it is a conjunction of `eq` comparisons
 * (type eq "work" and primary eq true); undefined for anything else. Used to create the element that an
 * add (or, for Entra, a replace) through a filter that matched nothing refers to.
 */
export function eqPairs(filter: Filter, attr: AttributeDef): Array<[AttributeDef, Literal]> | undefined {
  if (filter.kind === 'and') {
    const left = eqPairs(filter.left, attr);
    const right = eqPairs(filter.right, attr);
    return left && right ? [...left, ...right] : undefined;
  }
  if (filter.kind !== 'compare' || filter.op !== 'eq' || filter.value === null || filter.path.sub !== undefined) {
    return undefined;
  }
  const sub = findAttr(attr.subAttributes, filter.path.attr);
  return sub ? [[sub, filter.value]] : undefined;
}

/** Ids named by members[value eq "a"] or members[value eq "a" or value eq "b"]; undefined otherwise. */
export function memberIds(filter: Filter): string[] | undefined {
  if (filter.kind === 'or') {
    const left = memberIds(filter.left);
    const right = memberIds(filter.right);
    return left && right ? [...left, ...right] : undefined;
  }
  const named =
    filter.kind === 'compare' &&
    filter.op === 'eq' &&
    filter.path.uri === undefined &&
    filter.path.sub === undefined &&
    filter.path.attr.toLowerCase() === 'value';
  return named && typeof filter.value === 'string' ? [filter.value] : undefined;
}
