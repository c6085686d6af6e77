// The catalogue of request problems the protocol core reports: one place for scimType and wording, so
// the same mistake reads the same whether it came through POST, PUT or PATCH (RFC 7644 §3.12 Table 9).
import { ScimError } from './errors.ts';

/** A short, JSON-looking rendering of an offending value for a detail message. */
export function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export const problem = {
  bodyNotObject: () => ScimError.badRequest('invalidSyntax', 'The request body must be a JSON object'),
  forbiddenKey: (key: string) =>
    ScimError.badRequest('invalidSyntax', `Attribute name '${key}' is not allowed`),
  wrongType: (label: string, expected: string, got: unknown) =>
    ScimError.badRequest('invalidValue', `Attribute '${label}' must be ${expected}, got ${show(got)}`),
  required: (label: string) => ScimError.badRequest('invalidValue', `Attribute '${label}' is required`),
  manyPrimary: (label: string) =>
    ScimError.badRequest('invalidValue', `Attribute '${label}' may have only one value with "primary": true`),
  memberValue: (got: unknown) =>
    ScimError.badRequest('invalidValue', `Each element of 'members' must be an object with a string 'value', got ${show(got)}`),
  notPatchOp: () =>
    ScimError.badRequest('invalidSyntax', "A PATCH body's 'schemas' must contain urn:ietf:params:scim:api:messages:2.0:PatchOp"),
  noOperations: () =>
    ScimError.badRequest('invalidSyntax', "A PATCH body must have an 'Operations' array with at least one operation"),
  opNotObject: (index: number) =>
    ScimError.badRequest('invalidSyntax', `Operations[${index}] must be an object`),
  unknownOp: (index: number, op: unknown) =>
    ScimError.badRequest('invalidSyntax', `Operations[${index}].op must be "add", "replace" or "remove", got ${show(op)}`),
  pathNotString: (index: number, path: unknown) =>
    ScimError.badRequest('invalidPath', `Operations[${index}].path must be a string, got ${show(path)}`),
  invalidPath: (path: string, why: string) => ScimError.badRequest('invalidPath', `Path '${path}' ${why}`),
  valueNotObject: (op: string, got: unknown) =>
    ScimError.badRequest('invalidValue', `A "${op}" without a path needs an object value, got ${show(got)}`),
  missingValue: (op: string, path: string) =>
    ScimError.badRequest('invalidValue', `A "${op}" of '${path}' needs a value`),
  /** A mapping expression (read-path.ts) that names nothing a resource can hold. */
  unreadable: (expression: string, pos: number, why: string) =>
    ScimError.badRequest('invalidPath', `Invalid attribute expression "${expression}" at position ${pos}: ${why}`),
  /** A mapping expression whose bracketed value filter (starting at `pos`) is refused: `why` is the filter's own detail. */
  unreadableFilter: (expression: string, pos: number, why: string) =>
    ScimError.badRequest('invalidFilter', `Invalid attribute expression "${expression}" at position ${pos}, in the value filter: ${why}`),
  removeWithoutPath: () => ScimError.badRequest('noTarget', 'A "remove" operation needs a path'),
  noTarget: (path: string) => ScimError.badRequest('noTarget', `No value matches '${path}'`),
  readOnly: (label: string) => ScimError.badRequest('mutability', `Attribute '${label}' is readOnly`),
  immutable: (label: string) =>
    ScimError.badRequest('mutability', `Attribute '${label}' is immutable and already has a value`),
  memberFilter: (path: string) =>
    ScimError.badRequest(
      'invalidFilter',
      `Unsupported members filter in '${path}': only "remove" with value eq "…" (joined by or) is supported`,
    ),
  // SCIM_LIMITS (limits.ts): each detail names the attribute or part and the limit.
  tooLong: (label: string, size: number, limit: number, unit = 'characters') =>
    ScimError.badRequest('invalidValue', `Attribute '${label}' has ${size} ${unit}; at most ${limit} are accepted`),
  tooManyValues: (label: string, count: number, limit: number) =>
    ScimError.badRequest('invalidValue', `Attribute '${label}' has ${count} values; at most ${limit} are accepted`),
  resourceTooLarge: (bytes: number, limit: number) =>
    ScimError.badRequest('invalidValue', `The resource would be ${bytes} bytes as JSON; at most ${limit} are accepted`),
  tooManyMembers: (count: number, limit: number) =>
    ScimError.badRequest('invalidValue', `The request names ${count} members; at most ${limit} are accepted in one request`),
  tooManyScans: (limit: number) =>
    ScimError.badRequest(
      'invalidFilter',
      `The value filters of this PATCH request would examine more than ${limit} elements one by one; filters made of eq comparisons joined by and are indexed and do not count`,
    ),
  // invalidValue, not tooMany: RFC 7644 §3.12 defines tooMany for a filter that yields too many results,
  // and the Operations array is a value of the request body like any other.
  tooManyOperations: (count: number, limit: number) =>
    ScimError.badRequest('invalidValue', `The PATCH request has ${count} operations; at most ${limit} are accepted in one request`),
} as const;
