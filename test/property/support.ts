// What the property suites share: a reproducible seed, the run counts, SCIM-flavoured random values
// (strings, JSON, mutations of valid bodies) and the SCIM response contract every answer is held to.
//
// Seeds: every property prints `FC_SEED=… (property name)` before it runs; rerun one failure with
//   FC_SEED=123456 npm test -- property
// fast-check's own failure message adds the `path` of the shrunk counterexample; FC_PATH=… replays exactly it.
// FC_RUNS=N multiplies every property's run count by N (a longer soak on a quiet machine).
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { ERROR_URN } from '../../src/scim/errors.ts';
import type { Store } from '../../src/store/open.ts';
import type { TestServer } from '../support/app.ts';
import { counts } from '../support/scim.ts';

const baseSeed = process.env.FC_SEED !== undefined ? Number(process.env.FC_SEED) : (Date.now() ^ (Math.random() * 0x7fffffff)) | 0;
const scale = Number(process.env.FC_RUNS ?? 1);

/** fast-check parameters for one property: the run's seed (printed, so a failure can be replayed), its run count. */
export function params(name: string, numRuns: number): fc.Parameters<unknown> {
  console.log(`# FC_SEED=${baseSeed} (${name}, ${Math.round(numRuns * scale)} runs)`);
  return {
    seed: baseSeed,
    numRuns: Math.max(1, Math.round(numRuns * scale)),
    ...(process.env.FC_PATH ? { path: process.env.FC_PATH } : {}),
    // Shrinking replays HTTP requests, so the run is bounded in time; a run cut short fails rather than
    // passing on fewer cases than it claims.
    interruptAfterTimeLimit: 300_000,
    markInterruptAsFailure: true,
    includeErrorInReport: true,
  };
}

// ---------------------------------------------------------------------------------------------- strings

/** Characters that make SQL, JSON, LIKE patterns and case folding interesting. NUL and lone surrogates are
 *  left out on purpose: they are a known defect class handled in the input-validation work (wt-input). */
const tricky = ['%', '_', '\\', '"', "'", '[', ']', '(', ')', ' ', '.', ':', '@', 'é', 'E\u0301', 'ß', 'İ', 'Σ', 'ς', '😀', '\uFFFD', '\u200B', '\t', '\n', '\u007F', '\u2028'];

/** Printable unicode (graphemes, never a lone surrogate) mixed with tricky characters; at most `max` units. */
export const text = (max = 40): fc.Arbitrary<string> =>
  fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 3 }), fc.constantFrom(...tricky), fc.string({ unit: 'grapheme-ascii', maxLength: 6 })), {
    maxLength: Math.ceil(max / 3),
  }).map((parts) => parts.join('').slice(0, max).replace(/[\uD800-\uDBFF]$/, ''));

/** The names that would reach Object.prototype through naive assignment. */
export const PROTO_NAMES = ['__proto__', 'constructor', 'prototype'] as const;

/** An attribute-like key: real SCIM names in any case, random text, or a prototype name. */
export const key: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('userName', 'USERNAME', 'name', 'givenName', 'emails', 'value', 'type', 'primary', 'active', 'displayName', 'members', 'schemas', 'Operations', 'op', 'path', 'id', 'meta', 'externalId', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', 'manager', 'filter', 'method', 'bulkId', 'data') },
  { weight: 1, arbitrary: fc.constantFrom(...PROTO_NAMES) },
  { weight: 1, arbitrary: text(20) },
);

/** Numbers JSON can carry, including the awkward ones. */
export const number: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1, -1, 2 ** 53 + 1, -(2 ** 63), 1e308, -1e308, 5e-324, 1e21, 0.1),
);

/** Random JSON, at most `depth` levels, arrays and objects of a few members (keys may be prototype names). */
export function json(depth = 3): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(number, fc.boolean(), fc.constant(null), text(30), fc.constantFrom('True', 'False', '', 'null', 'work'));
  if (depth <= 0) return leaf;
  const inner = json(depth - 1);
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(inner, { maxLength: 4 }) },
    { weight: 1, arbitrary: fc.array(fc.tuple(key, inner), { maxLength: 4 }).map(objectOf) },
  );
}

/** An object with exactly these own enumerable keys, `__proto__` included (plain assignment would set the prototype). */
export function objectOf(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

// -------------------------------------------------------------------------------------------- mutations

type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'retype'; at: number; value: unknown }
  | { kind: 'null'; at: number }
  | { kind: 'wrapArray'; at: number }
  | { kind: 'unwrapArray'; at: number }
  | { kind: 'duplicateKey'; at: number }
  | { kind: 'addKey'; at: number; key: string; value: unknown }
  | { kind: 'nest'; at: number; depth: number; key: string }
  | { kind: 'string'; at: number; value: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: json(2) }),
  fc.record({ kind: fc.constant('null' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('wrapArray' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('unwrapArray' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('duplicateKey' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('addKey' as const), at: fc.nat(), key, value: json(2) }),
  // Deep-ish nesting, up to 20 levels (10,000 levels is a known defect class handled elsewhere).
  fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 20 }), key: fc.oneof(key, fc.constant('[')) }),
  fc.record({ kind: fc.constant('string' as const), at: fc.nat(), value: text(200) }),
);

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

/** Every place in `root` a value sits, parents before children. */
function slots(root: unknown): Slot[] {
  const out: Slot[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((e, i) => (out.push({ parent: v, key: i }), walk(e)));
    else if (v && typeof v === 'object') for (const k of Object.keys(v)) out.push({ parent: v as Record<string, unknown>, key: k }), walk((v as Record<string, unknown>)[k]);
  };
  walk(root);
  return out;
}

const set = (s: Slot, value: unknown) => {
  if (Array.isArray(s.parent)) s.parent[s.key as number] = value;
  else Object.defineProperty(s.parent, s.key, { value, enumerable: true, writable: true, configurable: true });
};
const get = (s: Slot) => (s.parent as Record<string | number, unknown>)[s.key];

function apply(root: unknown, m: Mutation): unknown {
  const all = slots(root);
  if (!all.length) return m.kind === 'retype' ? m.value : root;
  const s = all[m.at % all.length]!;
  const v = get(s);
  switch (m.kind) {
    case 'drop':
      if (Array.isArray(s.parent)) s.parent.splice(s.key as number, 1);
      else delete s.parent[s.key as string];
      break;
    case 'retype':
      set(s, m.value);
      break;
    case 'null':
      set(s, null);
      break;
    case 'wrapArray':
      set(s, [v]);
      break;
    case 'unwrapArray':
      set(s, Array.isArray(v) ? v[0] ?? {} : Object.fromEntries(Object.entries(v && typeof v === 'object' ? v : { value: v })));
      break;
    case 'duplicateKey':
      // The same key in another case: SCIM names are case-insensitive, JSON objects are not.
      if (!Array.isArray(s.parent)) set({ parent: s.parent, key: String(s.key).toUpperCase() === s.key ? String(s.key).toLowerCase() : String(s.key).toUpperCase() }, structuredClone(v));
      else s.parent.push(structuredClone(v));
      break;
    case 'addKey': {
      const target = v && typeof v === 'object' && !Array.isArray(v) ? v : s.parent;
      if (Array.isArray(target)) target.push(objectOf([[m.key, m.value]]));
      else Object.defineProperty(target, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      break;
    }
    case 'nest': {
      let deep: unknown = v;
      // "[" nests arrays, any other key objects.
      for (let i = 0; i < m.depth; i++) deep = m.key === '[' ? [deep] : objectOf([[m.key, deep]]);
      set(s, deep);
      break;
    }
    case 'string':
      set(s, m.value);
      break;
  }
  return root;
}

/** `valid` as it is, or with up to `max` random mutations (shrinks towards fewer mutations). */
export function mutated<T>(valid: fc.Arbitrary<T>, max = 4): fc.Arbitrary<unknown> {
  return fc.tuple(valid, fc.oneof(fc.constant([]), fc.array(mutation, { minLength: 1, maxLength: max }))).map(([v, ms]) => {
    let root: unknown = structuredCloneWithProto(v);
    for (const m of ms) root = apply(root, m);
    return root;
  });
}

/** structuredClone drops own `__proto__` keys' meaning; a JSON round trip keeps them as own keys. */
export const structuredCloneWithProto = <T>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

// ---------------------------------------------------------------------------------------- the contract

/** Tallies answers by a label (status, route), printed after a property so a run shows what it covered. */
export class Tally {
  private readonly seen = new Map<string, number>();
  add(label: string): void {
    this.seen.set(label, (this.seen.get(label) ?? 0) + 1);
  }
  print(name: string): void {
    const parts = [...this.seen].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k}: ${n}`);
    console.log(`# ${name}: ${parts.join(', ')}`);
  }
}

export interface Answer {
  status: number;
  headers: LightMyRequestResponse['headers'];
  raw: string;
  body: any;
}

export async function inject(
  s: TestServer,
  token: string,
  method: string,
  url: string,
  payload?: string | Buffer,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const all: Record<string, string> = { authorization: `Bearer ${token}`, ...(payload !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...headers };
  // An empty header value means "send none".
  for (const [k, v] of Object.entries(all)) if (v === '') delete all[k];
  const res = await s.app.inject({
    method: method as 'GET',
    url,
    headers: all,
    ...(payload !== undefined ? { payload } : {}),
  });
  let body: unknown;
  try {
    body = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    body = undefined;
  }
  return { status: res.statusCode, headers: res.headers, raw: res.body, body };
}

/** Every SCIM answer: a status below 500, a SCIM JSON body (none on 204/304), RFC 7644 §3.12 errors. */
export function assertScimAnswer(res: Answer, what: string): void {
  const where = `${what} → ${res.status} ${res.raw.slice(0, 600)}`;
  assert.equal(typeof res.status, 'number', where);
  assert.ok(res.status < 500, `server error: ${where}`);
  if (res.status === 204 || res.status === 304) {
    assert.equal(res.raw, '', where);
    return;
  }
  assert.match(String(res.headers['content-type']), /^application\/scim\+json/, `content-type ${res.headers['content-type']}: ${where}`);
  assert.ok(res.body !== undefined && typeof res.body === 'object', `not a JSON object: ${where}`);
  if (res.status >= 400) {
    assert.deepEqual(res.body.schemas, [ERROR_URN], where);
    assert.equal(res.body.status, String(res.status), where);
    assert.equal(typeof res.body.detail, 'string', where);
    assert.ok(res.body.detail.trim().length > 0, `empty detail: ${where}`);
  }
}

/** What a failed request must not have changed: row counts of every SCIM table, and the given rows. */
export async function snapshot(store: Store, users: readonly string[], groups: readonly string[]): Promise<unknown> {
  const fromJson = (r: unknown) => store.dialect.fromJson(r);
  const userRows = await Promise.all(
    users.map(async (id) => {
      const r = await store.db.selectFrom('scim_users').select(['resource', 'version', 'updated_at', 'active', 'user_name']).where('id', '=', id).executeTakeFirst();
      return r && { ...r, resource: fromJson(r.resource), active: Boolean(r.active) };
    }),
  );
  const groupRows = await Promise.all(
    groups.map(async (id) => {
      const r = await store.db.selectFrom('scim_groups').select(['resource', 'version', 'updated_at']).where('id', '=', id).executeTakeFirst();
      const members = await store.db.selectFrom('scim_group_members').select('user_id').where('group_id', '=', id).orderBy('user_id').execute();
      return r && { ...r, resource: fromJson(r.resource), members: members.map((m) => m.user_id) };
    }),
  );
  return { counts: await counts(store), users: userRows, groups: groupRows };
}

/** Object.prototype (and Array's and Function's) exactly as they were when the process started. */
const prototypes = [Object.prototype, Array.prototype, Function.prototype] as const;
const original = prototypes.map((p) => Object.getOwnPropertyNames(p).map((k) => [k, Object.getOwnPropertyDescriptor(p, k)!.value] as const));
export function assertPrototypeUntouched(what: string): void {
  prototypes.forEach((p, i) => {
    const before = original[i]!;
    assert.deepEqual(Object.getOwnPropertyNames(p).sort(), before.map(([k]) => k).sort(), `a prototype gained or lost a property after ${what}`);
    for (const [k, v] of before) assert.ok(Object.getOwnPropertyDescriptor(p, k)!.value === v, `${k} of a prototype was replaced after ${what}`);
  });
  const probe: Record<string, unknown> = {};
  for (const k of ['polluted', 'isAdmin', 'userName', 'value', 'x', 'a', 'active', 'displayName', 'emails', 'members']) {
    assert.equal(probe[k], undefined, `({}).${k} is defined after ${what}`);
  }
  assert.equal(Object.getPrototypeOf(probe), Object.prototype, `{} lost its prototype after ${what}`);
}
