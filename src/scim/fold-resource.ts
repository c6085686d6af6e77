// A copy of a resource with every case-insensitive string folded, so the store can filter caseExact=false
// attributes with a plain comparison on both SQLite and PostgreSQL (STACK.md "Traps": SQLite's lower()
// folds ASCII only).
import { isForbiddenKey, isObject } from './coerce.ts';
import { foldString, foldsCase } from './fold.ts';
import type { ScimResource } from './resource.ts';
import { COMMON_ATTRIBUTES, findAttr, findSchema, isCustomExtensionUrn, schemasOf } from './schemas/index.ts';
import type { AttributeDef } from './schemas/types.ts';
import type { ResourceTypeName } from './schemas/urns.ts';

function foldValue(def: AttributeDef, value: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => foldValue({ ...def, multiValued: false }, item));
  if (def.type === 'complex' && isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (isForbiddenKey(key)) continue;
      const sub = findAttr(def.subAttributes, key);
      out[key] = sub ? foldValue(sub, item) : item;
    }
    return out;
  }
  return foldsCase(def) && typeof value === 'string' ? foldString(value) : value;
}

/** A custom extension's value (schemas/custom.ts) compares as case-insensitive text by name ignoring case:
 *  names folded (the SQL reads the path in lower case), strings folded, numbers and booleans as their JSON text. */
function foldCustom(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(foldCustom);
  if (isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (!isForbiddenKey(key)) out[foldString(key)] = foldCustom(item);
    return out;
  }
  if (typeof value === 'string') return foldString(value);
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : value;
}

export function foldResource(type: ResourceTypeName, resource: ScimResource): ScimResource {
  const { core } = schemasOf(type);
  const out: ScimResource = {};
  for (const [key, value] of Object.entries(resource)) {
    if (isForbiddenKey(key)) continue;
    const schema = findSchema(type, key);
    if (schema && schema !== core && isObject(value)) {
      const ext: Record<string, unknown> = {};
      for (const [name, item] of Object.entries(value)) {
        const def = findAttr(schema.attributes, name);
        ext[name] = def ? foldValue(def, item) : item;
      }
      out[key] = ext;
      continue;
    }
    if (isCustomExtensionUrn(type, key)) {
      out[foldString(key)] = foldCustom(value);
      continue;
    }
    const def = findAttr(core.attributes, key) ?? findAttr(COMMON_ATTRIBUTES, key);
    out[key] = def ? foldValue(def, value) : value;
  }
  return out;
}
