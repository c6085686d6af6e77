// Reading a value out of a stored resource by a SCIM attribute expression, for the SCIM setting's mappings
// (product-spec.md: Map Fields). An expression is what a PATCH path may be (RFC 7644 §3.5.2): an attribute,
// a sub-attribute, a value filter with an optional sub-attribute after it, URN-qualified or not:
//   title, name.givenName, emails[type eq "work"].value, addresses[type eq "work"].country,
//   urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department,
//   urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User:country (a custom extension, schemas/custom.ts).
// Parse and check it once (validateReadablePath), then read it from any number of resources (readPath).
import { isObject } from './coerce.ts';
import { err, ok, type Result } from './errors.ts';
import type { AttrPath, Filter } from './filter/ast.ts';
import { elementMatcher, getAttribute } from './filter/evaluate.ts';
import { parsePath } from './filter/parser.ts';
import { validateValueFilter, type Resolve } from './filter/validate.ts';
import { problem } from './problems.ts';
import type { ScimResource } from './resource.ts';
import { findAttr, findSchema, isCustomExtensionUrn, resolveAttribute } from './schemas/index.ts';
import type { ResolvedAttr } from './schemas/types.ts';
import type { ResourceTypeName } from './schemas/urns.ts';

/** A checked expression; `text` is the expression as given. */
export interface ReadablePath {
  type: ResourceTypeName;
  text: string;
  resolved: ResolvedAttr;
  /** The bracketed filter, literals coerced to the sub-attributes' types. */
  filter?: Filter;
}

const invalid = (text: string, pos: number, why: string) => err(problem.unreadable(text, pos, why));

/**
 * Names as a value filter resolves them. Inside the brackets of a custom extension attribute
 * (`urn:…:User:sites[type eq "main"].value`) the attribute counts as multi-valued complex and its
 * sub-attributes as text: only the identity provider knows its shape, so `[primary eq true]` works only on
 * attributes this server defines.
 */
function filterResolver(type: ResourceTypeName): Resolve {
  // Resolved once per name, not once per element: a user may have a thousand emails to match.
  const known = new Map<string, ReturnType<Resolve>>();
  return (p) => {
    const key = `${p.uri ?? ''}|${p.attr}|${p.sub ?? ''}`;
    if (known.has(key)) return known.get(key);
    const r = resolveAttribute(type, p);
    const resolved = r?.custom && r.sub === undefined ? { ...r, attr: { ...r.attr, type: 'complex' as const, multiValued: true } } : r;
    known.set(key, resolved);
    return resolved;
  };
}

/** The attribute a value filter's names are sub-attributes of. */
const outerOf = (r: ResolvedAttr): AttrPath => (r.extension ? { uri: r.schema.id, attr: r.attr.name } : { attr: r.attr.name });

/** Attributes every resource has that no identity provider sends: not in the stored resource to be read. */
const NOT_PUSHED: Record<string, string> = {
  id: 'is assigned by this server, not sent by the identity provider',
  meta: 'is kept by this server, not sent by the identity provider',
  groups: "is derived from the groups' members, not stored with the user",
  members: 'is stored as rows of the group, not with its resource',
  schemas: 'lists schema URNs and holds no data of the user',
};

/**
 * Whether `expression` names something a resource of `type` (User unless given) can really hold, with a
 * 400 invalidPath (or invalidFilter for the brackets) naming the position and what is wrong otherwise:
 * `adresses.country` → unknown attribute "adresses". Attributes of custom extensions are accepted whatever
 * their name, with or without a value filter, since only the identity provider knows them; a custom
 * extension URN must end in ":User".
 */
export function validateReadablePath(expression: string, type: ResourceTypeName = 'User'): Result<ReadablePath> {
  const text = expression.trim();
  if (text === '') return invalid(text, 0, 'the expression is empty: name an attribute such as title or addresses[type eq "work"].country');
  const parsed = parsePath(text);
  if (!parsed.ok) return parsed;
  const { path, valueFilter, subAfterFilter } = parsed.value;
  const attrPos = path.uri === undefined ? 0 : path.uri.length + 1;
  const subName = subAfterFilter ?? path.sub;
  const subPos = subAfterFilter !== undefined ? text.lastIndexOf('.') + 1 : attrPos + path.attr.length + 1;
  const base = resolveAttribute(type, path.uri === undefined ? { attr: path.attr } : { uri: path.uri, attr: path.attr });
  if (base === undefined) {
    if (path.uri === undefined) {
      return invalid(text, attrPos, `unknown attribute "${path.attr}" of ${type} (an attribute of a custom extension is written with its schema URN, e.g. urn:ietf:params:scim:schemas:extension:CompanyName:2.0:${type}:${path.attr})`);
    }
    const schema = findSchema(type, path.uri);
    if (schema !== undefined) return invalid(text, attrPos, `unknown attribute "${path.attr}" of ${schema.id}`);
    if (isCustomExtensionUrn(type, path.uri)) return invalid(text, attrPos, `"${path.attr}" is not an attribute name (a letter, then letters, digits, "-" or "_")`);
    return invalid(
      text,
      0,
      `"${path.uri}" is no schema of a ${type}: name a core attribute, the enterprise extension, or a custom extension whose URN ends in ":${type}" (urn:ietf:params:scim:schemas:extension:CompanyName:2.0:${type}:${path.attr})`,
    );
  }
  const { attr } = base;
  if (!base.extension && NOT_PUSHED[attr.name] !== undefined) return invalid(text, attrPos, `"${attr.name}" ${NOT_PUSHED[attr.name]}`);
  if (attr.returned === 'never') return invalid(text, attrPos, `"${attr.name}" is never stored`);
  let resolved = base;
  if (base.custom) {
    if (subName !== undefined) resolved = resolveAttribute(type, { ...path, sub: subName })!;
  } else if (subName !== undefined) {
    const sub = findAttr(attr.subAttributes, subName);
    if (sub === undefined) {
      const known = attr.subAttributes?.map((s) => s.name).join(', ');
      return invalid(text, subPos, known ? `unknown sub-attribute "${subName}" of "${attr.name}" (it has ${known})` : `"${attr.name}" has no sub-attributes`);
    }
    if (sub.returned === 'never') return invalid(text, subPos, `"${attr.name}.${sub.name}" is never stored`);
    resolved = { ...base, sub };
  }
  if (valueFilter === undefined) return ok({ type, text, resolved });
  const bracketPos = attrPos + path.attr.length;
  if (!base.custom && !(attr.multiValued && attr.type === 'complex')) {
    return invalid(text, bracketPos, `"${attr.name}" is not a multi-valued complex attribute, so it takes no [filter]`);
  }
  const filter = validateValueFilter(outerOf(base), valueFilter, filterResolver(type));
  if (!filter.ok) return err(problem.unreadableFilter(text, bracketPos, filter.error.detail));
  return ok({ type, text, resolved, filter: filter.value });
}

const list = (v: unknown): unknown[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

/**
 * The elements of the attribute `path` names in `resource` (canonical stored form) that its filter keeps, in
 * document order: one for a singular attribute, each entry of a multi-valued one, none when absent.
 */
export function readElements(resource: ScimResource, path: ReadablePath): unknown[] {
  const { resolved: r, filter } = path;
  const holder = r.extension ? getAttribute(resource, r.schema.id) : resource;
  const elements = list(getAttribute(holder, r.attr.name));
  if (filter === undefined) return elements;
  const outer = outerOf(r);
  const matches = elementMatcher(filter, outer, filterResolver(path.type));
  return elements.filter((e) => isObject(e) && matches(e));
}

/**
 * The values `path` reaches in `resource`, in document order, flattened: one for a singular attribute, one
 * per matching element for emails[type eq "work"].value, none when absent. A custom extension attribute is
 * read as stored (a string, number, boolean or object; an array gives its entries).
 */
export function readPath(resource: ScimResource, path: ReadablePath): unknown[] {
  const sub = path.resolved.sub;
  const elements = readElements(resource, path);
  return sub ? elements.flatMap((e) => list(getAttribute(e, sub.name))) : elements;
}
