// Request bodies → JSON values, refusing what no store could keep the same: bytes that are not UTF-8 (a
// lenient decoder turns two different byte strings into one userName), NUL characters and lone surrogates
// (scim/text.ts), and nesting deep enough to overflow any recursive walk downstream (SCIM_LIMITS.jsonDepth,
// checked once here so no later walk, bulkId substitution included, sees deeper data). Every check here is
// iterative, so no body can exhaust the stack.
import { isForbiddenKey } from '../scim/coerce.ts';
import { ScimError } from '../scim/errors.ts';
import { problem } from '../scim/problems.ts';
import { SCIM_LIMITS } from '../scim/limits.ts';
import { unstorable } from '../scim/text.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const isOpener = (c: number) => c === 0x5b || c === 0x7b; // [ {
const isCloser = (c: number) => c === 0x5d || c === 0x7d; // ] }

/** The deepest nesting of arrays and objects in JSON text, counted outside strings in one linear pass
 *  (before JSON.parse, which would spend ~0.4 s on the 2 million levels a 4 MB body can hold). Stops
 *  counting once past `limit`. */
export function jsonDepth(text: string, limit: number = Number.POSITIVE_INFINITY): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (isOpener(c)) {
      if (++depth > deepest && (deepest = depth) > limit) return deepest;
    } else if (isCloser(c)) {
      depth--;
    }
  }
  return deepest;
}

const member = (where: string, key: string) => (/^[A-Za-z_$][\w$:.-]*$/.test(key) ? `${where}.${key}` : `${where}[${JSON.stringify(key)}]`);

/**
 * The first string (value or key) no store can keep, or forbidden key, anywhere in a parsed body. Naming
 * where costs a string per node (a 4 MB body has ~300,000), so the first pass runs without and only a
 * body that has a problem is walked again with `paths` to name it.
 */
function firstProblem(body: unknown, paths: boolean): ScimError | undefined {
  const pending: unknown[] = [body];
  const wheres: string[] = ['body'];
  while (pending.length > 0) {
    const item = pending.pop();
    const where = paths ? wheres.pop()! : '';
    if (typeof item === 'string') {
      const why = unstorable(item);
      if (why) return ScimError.badRequest('invalidValue', `The string at ${where} contains ${why}, which cannot be stored`);
    } else if (Array.isArray(item)) {
      for (let i = 0; i < item.length; i++) {
        pending.push(item[i]);
        if (paths) wheres.push(`${where}[${i}]`);
      }
    } else if (typeof item === 'object' && item !== null) {
      for (const key of Object.keys(item)) {
        const why = unstorable(key);
        if (why) return ScimError.badRequest('invalidValue', `A key in ${where} contains ${why}, which cannot be stored`);
        // `__proto__` and friends are refused as attribute names anywhere (ARCHITECTURE.md "Security").
        if (isForbiddenKey(key)) return problem.forbiddenKey(key);
        pending.push((item as Record<string, unknown>)[key]);
        if (paths) wheres.push(member(where, key));
      }
    }
  }
  return undefined;
}

/** A request body as JSON; undefined for an empty one. Throws a 400 ScimError for anything else. */
export function parseBody(raw: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(raw);
  } catch {
    throw ScimError.badRequest('invalidSyntax', 'The request body is not valid UTF-8 (RFC 8259 §8.1 requires it)');
  }
  if (text.trim() === '') return undefined;
  const limit = SCIM_LIMITS.jsonDepth;
  if (jsonDepth(text, limit) > limit) {
    throw ScimError.badRequest('invalidSyntax', `The request body nests objects and arrays deeper than ${limit} levels, the limit of this server`);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw ScimError.badRequest('invalidSyntax', `The request body is not valid JSON: ${(e as Error).message}`);
  }
  if (firstProblem(body, false)) throw firstProblem(body, true);
  return body;
}
