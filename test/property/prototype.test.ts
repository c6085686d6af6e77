// Property: `__proto__`, `constructor` and `prototype` never reach an object. Bodies, PATCH paths and
// values, value-filter attribute names, extension URNs, filters, sortBy and attribute lists carry those
// names (in any case) at random depths. After every request Object.prototype (and Array's and Function's)
// is exactly as it was, and the request was answered 400 or succeeded without the name anywhere in what
// was stored or answered. The pure core (parseResource, applyPatch, the filter and path parsers) gets the
// same inputs in-process, many more of them.
//
// Reproduce a run: FC_SEED=<printed seed> ROSTER_TEST_POSTGRES_URL=… npm test -- property/prototype
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseFilter, parsePath } from '../../src/scim/filter/parser.ts';
import { validateFilter } from '../../src/scim/filter/validate.ts';
import { resolveAttribute } from '../../src/scim/schemas/index.ts';
import { applyPatch } from '../../src/scim/patch/apply.ts';
import { parseResource, type ScimResource } from '../../src/scim/resource.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { createGroup, createUser, ENT, GROUP_URN, PATCH_OP_URN, USER_URN } from '../support/scim.ts';
import { storeKinds } from '../support/stores.ts';
import { BULK_URN, groupBody, userBody } from './bodies.ts';
import { assertPrototypeUntouched, assertScimAnswer, inject, json, objectOf, params, PROTO_NAMES, structuredCloneWithProto, Tally } from './support.ts';

/** A prototype name as a client might spell it. */
const protoName = fc.oneof(fc.constantFrom(...PROTO_NAMES), fc.constantFrom('__PROTO__', 'Constructor', 'PROTOTYPE', ' __proto__', '__proto__ '));
/** What an attacker puts under it: something that would show on every object if it got through. */
const payload = fc.oneof(
  fc.constant({ polluted: 'yes', isAdmin: true }),
  fc.constant({ prototype: { polluted: 'yes' } }),
  fc.constant(objectOf([['__proto__', { polluted: 'yes' }]])),
  fc.constantFrom('yes', true, 1, null),
  fc.constant([{ polluted: 'yes' }]),
  json(2),
);

/** `body` with `name: value` inserted at a random depth (an object on the way, or the top level). */
function insertAt(body: unknown, name: string, value: unknown, pick: number): unknown {
  const root = structuredCloneWithProto(body);
  const objects: Record<string, unknown>[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') objects.push(v as Record<string, unknown>), Object.values(v).forEach(walk);
  };
  walk(root);
  const target = objects[pick % Math.max(1, objects.length)];
  if (!target) return objectOf([[name, value]]);
  Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

const withProto = <T>(body: fc.Arbitrary<T>) => fc.tuple(body, protoName, payload, fc.nat()).map(([b, n, v, at]) => insertAt(b, n, v, at));

/** PATCH paths that walk through a prototype name: as an attribute, a sub-attribute, a filter name, in a URN. */
const protoPath = protoName.chain((p) =>
  fc.constantFrom(
    p,
    `${p}.polluted`,
    `name.${p}`,
    `${p}.prototype.polluted`,
    `constructor.${p}`,
    `emails[${p} eq "x"].value`,
    `emails[type eq "work"].${p}`,
    `emails[${p} pr]`,
    `${ENT}:${p}`,
    `${ENT}:manager.${p}`,
    `urn:ietf:params:scim:schemas:extension:${p}:2.0:User:department`,
    `urn:ietf:params:scim:schemas:core:2.0:${p}:userName`,
    `${USER_URN}:${p}`,
    `members[${p} eq "x"]`,
    `members.${p}`,
  ),
);

const protoOperation = fc.oneof(
  fc.record({ op: fc.constantFrom('add', 'replace', 'remove', 'Replace'), path: protoPath, value: payload }),
  // Path-less: the value map's keys carry the name, plain, dotted or URN-qualified.
  fc.tuple(fc.constantFrom('add', 'replace', 'Add'), protoName, payload, fc.constantFrom('', 'name.', `${ENT}:`, 'emails[type eq "work"].')).map(([op, p, v, prefix]) => ({
    op,
    value: objectOf([[`${prefix}${p}`, v]]),
  })),
  fc.tuple(fc.constantFrom('add', 'replace'), protoName, payload).map(([op, p, v]) => ({ op, value: { name: objectOf([[p, v]]) } })),
  fc.tuple(fc.constantFrom('add', 'replace'), protoName, payload).map(([op, p, v]) => ({ op, path: 'emails', value: [objectOf([['value', 'a@b.c'], [p, v]])] })),
  fc.tuple(protoName, payload).map(([p, v]) => objectOf([['op', 'add'], ['path', 'title'], ['value', 'x'], [p, v]])),
);
const protoPatch = fc
  .tuple(fc.array(fc.constant({ op: 'replace', path: 'title', value: 'fine' }), { maxLength: 2 }), fc.array(protoOperation, { minLength: 1, maxLength: 3 }))
  .map(([good, bad]) => ({ schemas: [PATCH_OP_URN], Operations: [...good, ...bad] }));

const protoFilter = protoName.chain((p) =>
  fc.constantFrom(`${p} eq "x"`, `${p}.polluted pr`, `emails[${p} eq "x"]`, `name.${p} eq "x"`, `${ENT}:${p} pr`, `userName eq "a" or ${p} pr`, `urn:ietf:params:scim:schemas:extension:${p}:2.0:User:x eq "y"`),
);

interface Request {
  method: string;
  url: string;
  body?: unknown;
  /** Whether a success would mean the name was silently ignored (projections may ignore it; filters may not). */
  mustRefuse: boolean;
}

const USER = '{{user}}';
const GROUP = '{{group}}';
const request: fc.Arbitrary<Request> = fc.oneof(
  withProto(userBody).map((body) => ({ method: 'POST', url: '/scim/v2/Users', body, mustRefuse: false })),
  withProto(groupBody()).map((body) => ({ method: 'POST', url: '/scim/v2/Groups', body, mustRefuse: false })),
  withProto(userBody).map((body) => ({ method: 'PUT', url: `/scim/v2/Users/${USER}`, body, mustRefuse: false })),
  protoPatch.map((body) => ({ method: 'PATCH', url: `/scim/v2/Users/${USER}`, body, mustRefuse: false })),
  protoPatch.map((body) => ({ method: 'PATCH', url: `/scim/v2/Groups/${GROUP}`, body, mustRefuse: false })),
  protoFilter.map((f) => ({ method: 'GET', url: `/scim/v2/Users?filter=${encodeURIComponent(f)}`, mustRefuse: true })),
  fc.tuple(protoFilter, fc.constantFrom('/scim/v2/.search', '/scim/v2/Groups/.search')).map(([filter, url]) => ({ method: 'POST', url, body: { filter }, mustRefuse: true })),
  fc.tuple(protoName, fc.constantFrom('sortBy', 'attributes', 'excludedAttributes')).map(([p, k]) => ({ method: 'GET', url: `/scim/v2/Users?${k}=${encodeURIComponent(`${p},name.${p}`)}`, mustRefuse: false })),
  fc.tuple(protoName, payload, userBody).map(([p, v, data]) => ({
    method: 'POST',
    url: '/scim/v2/Bulk',
    body: { schemas: [BULK_URN], Operations: [{ method: 'POST', path: '/Users', bulkId: p, data: insertAt(data, p, v, 0) }, objectOf([['method', 'POST'], ['path', '/Groups'], ['data', { schemas: [GROUP_URN], displayName: `g ${p}` }], [p, v]])] },
    mustRefuse: false,
  })),
);

/** The first key named like a prototype member anywhere in `v`. */
function protoKey(v: unknown): string | undefined {
  if (Array.isArray(v)) return v.map(protoKey).find((k) => k !== undefined);
  if (v && typeof v === 'object') {
    for (const [k, inner] of Object.entries(v)) {
      if (PROTO_NAMES.some((p) => p === k.trim().toLowerCase() || k.toLowerCase().endsWith(`:${p}`))) return k;
      const found = protoKey(inner);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

describe('the pure core with prototype names', () => {
  const stored: ScimResource = {
    schemas: [USER_URN, ENT],
    userName: 'pure@x.org',
    name: { givenName: 'Pure' },
    emails: [{ value: 'pure@x.org', type: 'work' }],
    [ENT]: { department: 'x', manager: { value: 'm' } },
  };
  it('never changes Object.prototype, and refuses or drops the names in parseResource, applyPatch and the parsers', () => {
    fc.assert(
      fc.property(withProto(userBody), protoPatch, protoPath, protoFilter, (body, patch, path, filter) => {
        const parsed = parseResource('User', body);
        if (parsed.ok) assert.equal(protoKey(parsed.value.resource), undefined, JSON.stringify(parsed.value.resource));
        const patched = applyPatch('User', structuredClone(stored), patch);
        if (patched.ok) assert.equal(protoKey(patched.value.resource), undefined, JSON.stringify(patched.value.resource));
        const groupPatched = applyPatch('Group', { schemas: [GROUP_URN], displayName: 'g' }, patch);
        if (groupPatched.ok) assert.equal(protoKey(groupPatched.value.resource), undefined);
        parsePath(path);
        const parsedFilter = parseFilter(filter);
        const accepted = parsedFilter.ok && validateFilter(parsedFilter.value, (p) => resolveAttribute('User', p)).ok;
        assert.equal(accepted, false, `the filter parser and validator accepted ${filter}`);
        assertPrototypeUntouched(`${JSON.stringify(body)} ${JSON.stringify(patch)} ${path}`);
      }),
      params('prototype names in the pure core', 1500),
    );
  });
});

for (const kind of storeKinds()) {
  describe(`prototype names sent to the server on ${kind.name}`, () => {
    let s: TestServer;
    const fx = { user: '', group: '' };
    before(async () => {
      s = await startServer(kind);
      fx.user = (await createUser(s, { emails: [{ value: 'fixture@contoso.com', type: 'work' }] })).id;
      fx.group = (await createGroup(s, { members: [{ value: fx.user }] })).id;
    });
    after(async () => {
      await s.close();
    });

    it('never change Object.prototype, and are refused with 400 or stored nowhere', async () => {
      const tally = new Tally();
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const fill = (t: string) => t.replaceAll(USER, fx.user).replaceAll(GROUP, fx.group);
          const body = r.body === undefined ? undefined : fill(JSON.stringify(r.body));
          const res = await inject(s, s.token, r.method, fill(r.url), body);
          const what = `${r.method} ${fill(r.url)} ${body ?? ''}`;
          tally.add(`${r.method} ${res.status}`);
          assertScimAnswer(res, what);
          assertPrototypeUntouched(what);
          if (res.status === 400) return;
          assert.ok(!r.mustRefuse && res.status < 300, `expected 400: ${what} → ${res.status} ${res.raw.slice(0, 300)}`);
          assert.equal(protoKey(res.body), undefined, `answered a prototype name: ${what} → ${res.raw.slice(0, 500)}`);
          const rows = await s.store.db.selectFrom('scim_users').select('resource').execute();
          const groups = await s.store.db.selectFrom('scim_groups').select('resource').execute();
          for (const row of [...rows, ...groups]) assert.equal(protoKey(s.store.dialect.fromJson(row.resource)), undefined, `stored a prototype name: ${what}`);
        }),
        params(`prototype names on ${kind.name}`, 200),
      );
      tally.print(`prototype answers on ${kind.name}`);
    });
  });
}
