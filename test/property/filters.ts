// Random filters over the supported grammar (RFC 7644 §3.4.2.2): every operator, and/or/not, parentheses,
// value paths with sub-filters, sub-attributes, the enterprise extension, meta dates, booleans, mixed-case
// names, and now and then a comparison the validator refuses (a type or operator mismatch), so both answers
// are exercised. Values come from a small vocabulary shared with the generated population, so filters match.
// "$U0".."$U9" and "$G0".."$G9" in a filter stand for the ids of the population's users and groups.
import fc from 'fast-check';
import { ENT } from '../support/scim.ts';

export const BASE_TIME = Date.UTC(2024, 0, 1);
/** The pinned clock of the filter property: each request a minute after the previous one. */
export const minute = (k: number) => new Date(BASE_TIME + k * 60_000).toISOString();

/** Vocabulary of string values: stored values, their other cases, substrings, LIKE metacharacters. */
export const VOCAB = ['ann', 'Ann', 'ANN', 'bob', 'Zoë', 'ZOË', 'dupré', 'DUPRE\u0301', 'x_y', '50%', 'a.b', 'work', 'home', 'mobile', 'contoso', ''];
export const EMAILS = ['ann@contoso.com', 'Ann@Contoso.com', 'bob@fabrikam.com', 'x_y@contoso.com', 'zoë@x.org', '50%@x.org'];
const PIECES = ['ann', 'AN', 'n', 'contoso', '.com', '@', 'x_', '_', '%', 'é', 'E\u0301', 'ë', 'o', 'b', 'ZO', 'e'];

const str = (s: string) => JSON.stringify(s);
const stringValue = fc.oneof(fc.constantFrom(...VOCAB), fc.constantFrom(...EMAILS), fc.constantFrom(...PIECES)).map(str);
const idValue = (prefix: 'U' | 'G') => fc.integer({ min: 0, max: 9 }).map((i) => `"$${prefix}${i}"`);
const dateValue = fc.tuple(fc.integer({ min: -2, max: 40 }), fc.constantFrom('iso', 'ms', 'day', 'offset')).map(([k, form]) => {
  const iso = minute(k);
  if (form === 'ms') return str(iso);
  if (form === 'day') return str(iso.slice(0, 10));
  if (form === 'offset') return str(iso.replace('.000Z', '+01:00'));
  return str(iso.replace('.000Z', 'Z'));
});
const boolValue = fc.constantFrom('true', 'false');
/** Literals of the wrong type for an attribute, or null. */
const oddValue = fc.constantFrom('null', '5', '-1.5', 'true', '"True"', '"2024-01-01T00:00:00Z"', '"not a date"');

type Kind = 'string' | 'exact' | 'boolean' | 'dateTime' | 'userId' | 'groupId';
const STRING_OPS = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'];
const OPS_FOR: Record<Kind, string[]> = {
  string: STRING_OPS,
  exact: STRING_OPS,
  userId: ['eq', 'ne', 'sw'],
  groupId: ['eq', 'ne'],
  boolean: ['eq', 'ne'],
  dateTime: ['eq', 'ne', 'gt', 'ge', 'lt', 'le'],
};
const valueFor = (kind: Kind): fc.Arbitrary<string> =>
  kind === 'boolean' ? boolValue : kind === 'dateTime' ? dateValue : kind === 'userId' ? idValue('U') : kind === 'groupId' ? idValue('G') : stringValue;

/** "userName" → "USERNAME" / "username" / "UsErNaMe": RFC 7643 §2.1 attribute names are case-insensitive. */
const casing = (name: string) =>
  fc.constantFrom<(s: string) => string>(
    (s) => s,
    (s) => s,
    (s) => s.toUpperCase(),
    (s) => s.toLowerCase(),
    (s) => [...s].map((c, i) => (i % 2 ? c.toUpperCase() : c.toLowerCase())).join(''),
  ).map((f) => (name.startsWith('urn:') ? name.slice(0, name.lastIndexOf(':') + 1) + f(name.slice(name.lastIndexOf(':') + 1)) : f(name)));

function comparison(attrs: readonly (readonly [string, Kind])[]): fc.Arbitrary<string> {
  return fc.constantFrom(...attrs).chain(([name, kind]) =>
    fc.oneof(
      { weight: 8, arbitrary: fc.tuple(casing(name), fc.constantFrom(...OPS_FOR[kind]), valueFor(kind)).map(([n, op, v]) => `${n} ${op} ${v}`) },
      { weight: 2, arbitrary: casing(name).map((n) => `${n} pr`) },
      // A mismatch the validator decides about: any operator, a literal of any type.
      { weight: 1, arbitrary: fc.tuple(casing(name), fc.constantFrom('eq', 'ne', 'co', 'gt', 'le', 'EQ', 'Sw'), oddValue).map(([n, op, v]) => `${n} ${op} ${v}`) },
    ),
  );
}

/** A boolean combination of `term`s, at most 2^depth terms (≤ 16). */
function combine(term: fc.Arbitrary<string>, depth: number): fc.Arbitrary<string> {
  if (depth <= 0) return term;
  const sub = combine(term, depth - 1);
  return fc.oneof(
    { weight: 3, arbitrary: term },
    { weight: 2, arbitrary: fc.tuple(sub, fc.constantFrom('and', 'or', 'AND', 'Or'), sub).map(([a, op, b]) => `${a} ${op} ${b}`) },
    { weight: 1, arbitrary: sub.map((a) => `not (${a})`) },
    { weight: 1, arbitrary: sub.map((a) => `(${a})`) },
  );
}

const USER_ATTRS: [string, Kind][] = [
  ['userName', 'string'],
  ['displayName', 'string'],
  ['title', 'string'],
  ['nickName', 'string'],
  ['name.givenName', 'string'],
  ['name.familyName', 'string'],
  ['emails', 'string'],
  ['emails.value', 'string'],
  ['emails.type', 'string'],
  ['emails.primary', 'boolean'],
  ['phoneNumbers.value', 'string'],
  ['phoneNumbers.type', 'string'],
  ['addresses.locality', 'string'],
  ['externalId', 'exact'],
  ['id', 'userId'],
  ['active', 'boolean'],
  ['meta.created', 'dateTime'],
  ['meta.lastModified', 'dateTime'],
  ['groups.value', 'groupId'],
  ['groups', 'groupId'],
  [`${ENT}:department`, 'string'],
  [`${ENT}:employeeNumber`, 'string'],
  [`${ENT}:manager.value`, 'string'],
  ['urn:ietf:params:scim:schemas:core:2.0:User:userName', 'string'],
];

const subFilter = (attrs: [string, Kind][]) => combine(comparison(attrs), 2);
const MULTI_SUBS: [string, Kind][] = [
  ['value', 'string'],
  ['type', 'string'],
  ['primary', 'boolean'],
  ['display', 'string'],
];

const userValuePath = fc.oneof(
  fc.tuple(fc.constantFrom('emails', 'phoneNumbers', 'Emails'), subFilter(MULTI_SUBS)).map(([a, f]) => `${a}[${f}]`),
  subFilter([['locality', 'string'], ['type', 'string'], ['primary', 'boolean']]).map((f) => `addresses[${f}]`),
  subFilter([['value', 'groupId']]).map((f) => `groups[${f}]`),
  subFilter([['value', 'string'], ['displayName', 'string']]).map((f) => `${ENT}:manager[${f}]`),
  subFilter([['givenName', 'string'], ['familyName', 'string']]).map((f) => `name[${f}]`),
  // RFC 7644 §3.4.2.2's emails[type eq "work"].value form: a comparison after the bracket.
  fc.tuple(subFilter(MULTI_SUBS), fc.constantFrom('value', 'type', 'display'), fc.constantFrom(...STRING_OPS), stringValue).map(
    ([f, sub, op, v]) => `emails[${f}].${sub} ${op} ${v}`,
  ),
);

export const userFilter: fc.Arbitrary<string> = combine(fc.oneof({ weight: 4, arbitrary: comparison(USER_ATTRS) }, { weight: 1, arbitrary: userValuePath }), 4);

const GROUP_ATTRS: [string, Kind][] = [
  ['displayName', 'string'],
  ['externalId', 'exact'],
  ['id', 'groupId'],
  ['members', 'userId'],
  ['members.value', 'userId'],
  ['meta.created', 'dateTime'],
  ['meta.lastModified', 'dateTime'],
];

export const groupFilter: fc.Arbitrary<string> = fc.oneof(
  { weight: 9, arbitrary: combine(fc.oneof({ weight: 4, arbitrary: comparison(GROUP_ATTRS) }, { weight: 1, arbitrary: subFilter([['value', 'userId']]).map((f) => `members[${f}]`) }), 3) },
  // members are stored as ids: the compiler refuses their other sub-attributes (the property checks that refusal).
  { weight: 1, arbitrary: fc.constantFrom('members.display eq "ann"', 'members[display pr]', 'displayName pr and members[type eq "User"]') },
);

/** Replaces "$U3" / "$G1" with the ids of the population (modulo its size; a missing id stays a random one). */
export function withIds(filter: string, users: readonly string[], groups: readonly string[]): string {
  return filter.replace(/\$([UG])(\d)/g, (_m, t: string, d: string) => {
    const list = t === 'U' ? users : groups;
    return list.length ? list[Number(d) % list.length]! : '00000000-0000-4000-8000-000000000000';
  });
}

/** Filters as an attacker or a broken client writes them: the grammar cut, spliced and garbled. */
export const brokenFilter: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(userFilter, fc.nat()).map(([f, n]) => f.slice(0, n % (f.length + 1))),
  fc.tuple(userFilter, fc.constantFrom(')', '(', '[', ']', '"', ' and', ' or not', '\\', ' eq', '.', ':')).map(([f, junk]) => f + junk),
  fc.constantFrom('', ' ', 'userName', 'userName eq', 'eq "x"', 'userName eq "unterminated', 'userName xx "a"', 'emails[type eq "work"', 'not userName eq "a"', 'a.b.c.d eq 1', 'userName eq "a" and', '()', '[]', 'emails[]', 'userName eq 1e999', 'userName eq 123456789012345678901234567890', '__proto__ eq "x"', 'emails[__proto__ eq "x"]', 'urn:x:__proto__ pr', 'meta.created gt "2024-13-45T99:99:99Z"'),
);
