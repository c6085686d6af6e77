// Query strings → parameters, decoded strictly. Node's querystring keeps a malformed escape as it is and
// turns bytes that are not UTF-8 into U+FFFD, and a decoded NUL reaches PostgreSQL, which cannot hold one
// (a 500 there, a match or none on SQLite). Fastify calls the parser while routing, where a throw would not
// become a response, so a problem is recorded on the result and `queryProblem` raises it from a hook.
//
// Kept from the default parser, because IdPs rely on it: "+" is a space (Entra sends
// filter=externalId+eq+%22johnwong%22), empty pairs are skipped (OneLogin's dangling "&" and bare "?"),
// and a repeated name gives an array.
import { ScimError } from '../scim/errors.ts';
import { unstorable } from '../scim/text.ts';

export type Query = Record<string, string | string[]>;

const PROBLEM = Symbol('query problem');
type Checked = Query & { [PROBLEM]?: ScimError };

const utf8 = new TextDecoder('utf-8', { fatal: true });
const ESCAPES = /(?:%[0-9A-Fa-f]{2})+/g;
const STRAY_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/** A decoded name or value, or why it cannot be decoded. */
function decode(raw: string): { text: string } | { why: string } {
  const spaced = raw.replaceAll('+', ' ');
  if (STRAY_PERCENT.test(spaced)) return { why: 'has a "%" that does not start a %XX escape' };
  let text: string;
  try {
    text = spaced.replace(ESCAPES, (run) => utf8.decode(Buffer.from(run.replaceAll('%', ''), 'hex')));
  } catch {
    return { why: 'is not percent-encoded UTF-8' };
  }
  const bad = unstorable(text);
  return bad === undefined ? { text } : { why: `contains ${bad}` };
}

// A bad filter is the filter's error (RFC 7644 §3.12 invalidFilter); any other parameter's is invalidValue.
const problemOf = (name: string, why: string) =>
  name.toLowerCase() === 'filter'
    ? ScimError.badRequest('invalidFilter', `The filter query parameter ${why}`)
    : ScimError.badRequest('invalidValue', `The query parameter "${name}" ${why}`);

export function parseQueryString(text: string): Query {
  // No prototype: a parameter named __proto__ or constructor is just a name.
  const query = Object.create(null) as Checked;
  for (const pair of text.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = decode(eq < 0 ? pair : pair.slice(0, eq));
    if ('why' in name) {
      query[PROBLEM] ??= ScimError.badRequest('invalidValue', `A query parameter name ${name.why}`);
      continue;
    }
    const value = decode(eq < 0 ? '' : pair.slice(eq + 1));
    if ('why' in value) {
      query[PROBLEM] ??= problemOf(name.text, value.why);
      continue;
    }
    const before = query[name.text];
    if (before === undefined) query[name.text] = value.text;
    else if (Array.isArray(before)) before.push(value.text);
    else query[name.text] = [before, value.text];
  }
  return query;
}

/** A route parameter (a resource id) holding what no store can look up: a 400, not PostgreSQL's 500. */
export function paramsProblem(params: unknown): ScimError | undefined {
  if (typeof params !== 'object' || params === null) return undefined;
  for (const [name, value] of Object.entries(params)) {
    const bad = typeof value === 'string' ? unstorable(value) : undefined;
    if (bad) return ScimError.badRequest('invalidValue', `The path parameter "${name}" contains ${bad}`);
  }
  return undefined;
}

/** The first problem `parseQueryString` found in this request's query, if any. */
export function queryProblem(query: unknown): ScimError | undefined {
  return typeof query === 'object' && query !== null ? (query as Checked)[PROBLEM] : undefined;
}
