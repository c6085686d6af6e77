// RFC 7644 §3.4.2 query parameters (GET query string or POST /.search body) → one typed request.
// Pure: the limits come from the caller, the filter is parsed here once.
import type { AttrPath, Filter } from './filter/ast.ts';
import { parseFilter, parsePath } from './filter/parser.ts';
import { ScimError } from './errors.ts';
import { SCIM_LIMITS } from './limits.ts';
import { parseAttributeList } from './project.ts';

export interface ListLimits {
  defaultCount: number;
  maxResults: number;
}

export interface ListQuery {
  filter?: Filter;
  sortBy?: AttrPath;
  sortOrder: 'ascending' | 'descending';
  /** 1-based (RFC 7644 §3.4.2.4). */
  startIndex: number;
  count: number;
  /** RFC 9865: present (possibly "") when the client asked for cursor pagination. */
  cursor?: string;
  attributes: string[];
  excludedAttributes: string[];
}

type Source = Record<string, unknown>;

function text(source: Source, name: string): string | undefined {
  const key = Object.keys(source).find((k) => k.toLowerCase() === name.toLowerCase());
  const value = key === undefined ? undefined : source[key];
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value)) return value.map(String).join(',');
  if (typeof value === 'object') throw ScimError.badRequest('invalidValue', `"${name}" must be a string`);
  return String(value);
}

function integer(source: Source, name: string): number | undefined {
  const raw = text(source, name);
  if (raw === undefined || raw.trim() === '') return undefined;
  // Decimal digits only: Number() would also take "0x10", "1e3" and " 5".
  const n = /^[+-]?[0-9]+$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(n)) throw ScimError.badRequest('invalidValue', `"${name}" must be an integer, got "${raw}"`);
  return n;
}

export interface Projection {
  attributes: string[];
  excludedAttributes: string[];
}

function attributeList(source: Source, name: string): string[] {
  const list = parseAttributeList(text(source, name));
  const limit = SCIM_LIMITS.projectionAttributes;
  if (list.length > limit) throw ScimError.badRequest('invalidValue', `"${name}" names ${list.length} attributes; at most ${limit} are accepted`);
  return list;
}

/** `attributes` / `excludedAttributes` (RFC 7644 §3.9), for single-resource requests as well as lists. */
export function parseProjection(source: Source): Projection {
  return {
    attributes: attributeList(source, 'attributes'),
    excludedAttributes: attributeList(source, 'excludedAttributes'),
  };
}

export function parseListQuery(source: Source, limits: ListLimits): ListQuery {
  const filterText = text(source, 'filter');
  let filter: Filter | undefined;
  if (filterText !== undefined && filterText.trim() !== '') {
    const parsed = parseFilter(filterText);
    if (!parsed.ok) throw parsed.error;
    filter = parsed.value;
  }
  const sortText = text(source, 'sortBy');
  let sortBy: AttrPath | undefined;
  if (sortText !== undefined && sortText.trim() !== '') {
    const parsed = parsePath(sortText.trim());
    if (!parsed.ok || parsed.value.valueFilter) throw ScimError.badRequest('invalidValue', `sortBy "${sortText}" is not an attribute path`);
    sortBy = parsed.value.path;
  }
  const order = (text(source, 'sortOrder') ?? 'ascending').toLowerCase();
  if (order !== 'ascending' && order !== 'descending') {
    throw ScimError.badRequest('invalidValue', `sortOrder must be "ascending" or "descending", got "${order}"`);
  }
  // RFC 7644 §3.4.2.4: startIndex < 1 is read as 1; a negative count as 0; count above maxResults is capped.
  const startIndex = Math.max(1, integer(source, 'startIndex') ?? 1);
  const count = Math.min(limits.maxResults, Math.max(0, integer(source, 'count') ?? limits.defaultCount));
  const cursor = text(source, 'cursor');
  const { attributes, excludedAttributes } = parseProjection(source);
  return {
    ...(filter ? { filter } : {}),
    ...(sortBy ? { sortBy } : {}),
    sortOrder: order,
    startIndex,
    count,
    ...(cursor !== undefined ? { cursor } : {}),
    attributes,
    excludedAttributes,
  };
}
