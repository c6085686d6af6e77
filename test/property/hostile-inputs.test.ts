// The "never a 500" contract of routes.test.ts, for the input classes an attacker reaches for and that
// once answered 500 (the request limits of src/scim/limits.ts): NUL and lone surrogates in strings,
// nesting far deeper than any IdP sends, very long OR filters, very large multi-valued attributes.
//
// Reproduce a run: FC_SEED=<printed seed> ROSTER_TEST_POSTGRES_URL=… npm test -- property/hostile-inputs
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { startServer, type TestServer } from '../support/app.ts';
import { BULK_REQUEST_URN } from '../../src/provisioning/scim/bulk.ts';
import { SCIM_LIMITS } from '../../src/scim/limits.ts';
import { createUser, counts, PATCH_OP_URN, USER_URN } from '../support/scim.ts';
import { storeKinds } from '../support/stores.ts';
import { assertScimAnswer, inject, params, text } from './support.ts';

/** A string with a NUL or a lone surrogate somewhere, as JSON text (a lone surrogate only exists escaped). */
const poisoned = fc.tuple(text(20), fc.constantFrom('\\u0000', '\\ud800', '\\udfff', '\\udbff\\u0041', '\\u0000\\u0000'), text(20)).map(
  ([a, bad, b]) => `${JSON.stringify(a).slice(0, -1)}${bad}${JSON.stringify(b).slice(1)}`,
);
const field = fc.constantFrom('userName', 'displayName', 'title', 'externalId', 'nickName');

let n = 0;
const requests = (userId: string) =>
  fc.oneof(
    fc.tuple(field, poisoned).map(([f, v]) => ({ method: 'POST', url: '/scim/v2/Users', body: `{"schemas":["${USER_URN}"],"userName":"p${++n}@x.org","${f}":${v}}` })),
    fc.tuple(field, poisoned).map(([f, v]) => ({ method: 'PATCH', url: `/scim/v2/Users/${userId}`, body: `{"schemas":["${PATCH_OP_URN}"],"Operations":[{"op":"replace","path":"${f}","value":${v}}]}` })),
    fc.tuple(field, poisoned).map(([f, v]) => ({ method: 'POST', url: '/scim/v2/Users/.search', body: `{"filter":${JSON.stringify(`${f} eq `).slice(0, -1)}\\"${v.slice(1, -1)}\\""}` })),
    poisoned.map((v) => ({ method: 'POST', url: '/scim/v2/Groups', body: `{"displayName":${v}}` })),
  );

/** `depth` levels of objects under `key`, or of arrays when the key is "[" (the arrays are the ones that fail today). */
const nested = (depth: number, key: string) => (key === '[' ? `${'['.repeat(depth)}"x"${']'.repeat(depth)}` : `${`{"${key}":`.repeat(depth)}"x"${'}'.repeat(depth)}`);

for (const kind of storeKinds()) {
  describe(`known defect classes on ${kind.name}`, () => {
    let s: TestServer;
    let userId: string;
    before(async () => {
      s = await startServer(kind);
      userId = (await createUser(s)).id;
    });
    after(async () => {
      await s.close();
    });

    it('refuses strings with NUL or a lone surrogate with a SCIM error, never a 500, and writes nothing', async () => {
      await fc.assert(
        fc.asyncProperty(requests(userId), async (r) => {
          const before = await counts(s.store);
          const res = await inject(s, s.token, r.method, r.url, r.body);
          assertScimAnswer(res, `${r.method} ${r.url} ${r.body}`);
          assert.equal(res.status, 400, `${r.method} ${r.url} ${r.body}: ${res.raw}`);
          assert.equal(res.body.scimType, 'invalidValue');
          assert.deepEqual(await counts(s.store), before);
        }),
        params(`NUL and lone surrogates on ${kind.name}`, 40),
      );
    });

    it('answers bodies nested 1,000 to 10,000 levels deep with a SCIM error, never a 500', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 1_000, max: 10_000 }),
          fc.constantFrom(['POST', '/scim/v2/Users'], ['PATCH', `/scim/v2/Users/{id}`], ['POST', '/scim/v2/Bulk'], ['POST', '/scim/v2/.search']),
          fc.constantFrom('a', 'value', 'Operations', 'data', '[', '['),
          async (depth, [method, url], key) => {
            const inner = nested(depth, key);
            const body =
              method === 'PATCH'
                ? `{"schemas":["${PATCH_OP_URN}"],"Operations":[{"op":"add","path":"title","value":${inner}}]}`
                : url === '/scim/v2/Users'
                  ? `{"schemas":["${USER_URN}"],"userName":"deep${++n}@x.org","emails":${inner}}`
                  : url === '/scim/v2/.search'
                    ? `{"filter":"userName pr","attributes":${inner}}`
                    : `{"schemas":["${BULK_REQUEST_URN}"],"Operations":${inner}}`;
            const res = await inject(s, s.token, method!, url!.replace('{id}', userId), body);
            assertScimAnswer(res, `${method} ${url} nested ${depth} under "${key}"`);
            assert.equal(res.status, 400, res.raw);
            assert.equal(res.body.scimType, 'invalidSyntax');
            assert.match(res.body.detail, new RegExp(`deeper than ${SCIM_LIMITS.jsonDepth} levels`));
          },
        ),
        params(`deep nesting on ${kind.name}`, 8),
      );
    });

    it('answers filters of 100 to 1,000 OR terms with a list or a SCIM error, never a 500', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 100, max: 1_000 }),
          fc.constantFrom('title eq "t{i}"', 'emails[value eq "e{i}@x.org"]', 'userName sw "u{i}"', 'not (title eq "t{i}")'),
          fc.constantFrom('/scim/v2/Users', '/scim/v2/Groups'),
          async (terms, term, endpoint) => {
            const filter = Array.from({ length: terms }, (_, i) => term.replace('{i}', String(i))).join(' or ');
            const res = await inject(s, s.token, 'GET', `${endpoint}?filter=${encodeURIComponent(filter)}`);
            assertScimAnswer(res, `GET ${endpoint} with ${terms} × ${term}`);
            if (terms > SCIM_LIMITS.filterTerms) {
              assert.equal(res.status, 400, res.raw);
              assert.equal(res.body.scimType, 'invalidFilter');
              // Whichever limit the filter meets first: its comparisons or its length.
              assert.match(res.body.detail, new RegExp(`at most (${SCIM_LIMITS.filterTerms} comparisons|${SCIM_LIMITS.filterLength} characters)`));
            }
          },
        ),
        params(`long OR filters on ${kind.name}`, 8),
      );
    });

    it('answers users with 1,000 to 20,000 emails or phone numbers with a SCIM response, never a 500', async () => {
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 1_000, max: 20_000 }), fc.constantFrom('emails', 'phoneNumbers'), async (size, attr) => {
          const values = Array.from({ length: size }, (_, i) => ({ value: attr === 'emails' ? `e${i}@x.org` : `555-${i}`, type: 'work' }));
          const res = await inject(s, s.token, 'POST', '/scim/v2/Users', JSON.stringify({ schemas: [USER_URN], userName: `big${++n}@x.org`, [attr]: values }));
          assertScimAnswer(res, `POST /Users with ${size} ${attr}`);
          assert.equal(res.status, size > SCIM_LIMITS.multiValuedElements ? 400 : 201, res.raw.slice(0, 300));
        }),
        params(`huge multi-valued arrays on ${kind.name}`, 4),
      );
    });
  });
}
