// Tenancy and security through the real server: a token sees only its company, tokens are checked, stored
// only as hashes and never logged, and bodies are bounded (issue 2 §3). On every store.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApp } from '../../src/http/app.ts';
import { DEFAULT_BODY_LIMIT, DEFAULT_SCIM_RATE_LIMIT } from '../../src/config.ts';
import { createCompany } from '../../src/directory/companies.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createScimSetting, revokeScimToken, rotateScimToken } from '../../src/provisioning/scim-settings.ts';
import { hashToken } from '../../src/provisioning/tokens.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { GROUP_URN, USER_URN, assertScimError, counts, createGroup, createUser, groupRow, memberIds, patchOp, unique, userRow, address } from '../support/scim.ts';

for (const kind of storeKinds()) {
  describe(`Tenancy and security on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    describe("another company's resources", () => {
      const as = (token: string) => ({ authorization: `Bearer ${token}` });

      const foreignUser: [string, (id: string, u: any) => unknown][] = [
        ['GET', () => undefined],
        ['PUT', (_id, u) => ({ schemas: [USER_URN], userName: u.userName, title: 'taken over' })],
        ['PATCH', () => patchOp({ op: 'replace', path: 'active', value: false })],
        ['DELETE', () => undefined],
      ];
      for (const [method, body] of foreignUser) {
        it(`answers ${method} of another company's user id with 404 and leaves the user alone`, async () => {
          const u = await createUser(s, { title: 'mine' });
          const other = await s.otherTenant();
          const before = await userRow(s.store, u.id);
          assertScimError(await s.scim(method, `/scim/v2/Users/${u.id}`, body(u.id, u), as(other.token)), 404);
          assert.deepEqual(await userRow(s.store, u.id), before);
        });

        it(`answers ${method} of another company's group id with 404 and leaves the group alone`, async () => {
          const a = await createUser(s);
          const g = await createGroup(s, { members: [{ value: a.id }] });
          const other = await s.otherTenant();
          const before = await groupRow(s.store, g.id);
          const groupBody = method === 'PUT' ? { schemas: [GROUP_URN], displayName: 'x' } : method === 'PATCH' ? patchOp({ op: 'remove', path: 'members' }) : undefined;
          assertScimError(await s.scim(method, `/scim/v2/Groups/${g.id}`, groupBody, as(other.token)), 404);
          assert.deepEqual(await groupRow(s.store, g.id), before);
          assert.deepEqual(await memberIds(s.store, g.id), [a.id]);
        });
      }

      it("finds nothing when filtering for another company's userName, displayName or externalId", async () => {
        const u = await createUser(s, { externalId: unique('ext') });
        const g = await createGroup(s);
        const other = await s.otherTenant();
        const queries = [
          `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${u.userName}"`)}`,
          `/scim/v2/Users?filter=${encodeURIComponent(`externalId eq "${u.externalId}"`)}`,
          `/scim/v2/Users?filter=${encodeURIComponent(`id eq "${u.id}"`)}`,
          `/scim/v2/Groups?filter=${encodeURIComponent(`displayName eq "${g.displayName}"`)}`,
          '/scim/v2/Users',
          '/scim/v2/Groups',
        ];
        for (const url of queries) {
          const res = await s.scim('GET', url, undefined, as(other.token));
          assert.equal(res.status, 200, res.raw);
          assert.equal(res.body.totalResults, 0, url);
          assert.deepEqual(res.body.Resources, []);
        }
        const mine = await s.scim('GET', queries[0]!);
        assert.equal(mine.body.totalResults, 1);
      });

      it("refuses another company's user as a group member, naming the id", async () => {
        const u = await createUser(s);
        const other = await s.otherTenant();
        const res = await s.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName: unique('g'), members: [{ value: u.id }] }, as(other.token));
        assertScimError(res, 400, 'invalidValue');
        assert.match(res.body.detail, new RegExp(u.id));
      });
    });

    describe('tokens', () => {
      const refused: [string, (s: TestServer) => Promise<Record<string, string>>][] = [
        ['no Authorization header', async () => ({ authorization: '' })],
        ['a wrong token', async () => ({ authorization: `Bearer rst_${'A'.repeat(43)}` })],
        ['a token of the wrong scheme', async (s) => ({ authorization: `Basic ${s.token}` })],
        ['a bare token without "Bearer"', async (s) => ({ authorization: s.token })],
        [
          'a rotated token',
          async (s) => {
            const t = await s.otherTenant();
            await rotateScimToken(s.store, t.settingId, CLI_ACTOR);
            return { authorization: `Bearer ${t.token}` };
          },
        ],
        [
          'a revoked token',
          async (s) => {
            const t = await s.otherTenant();
            await revokeScimToken(s.store, t.settingId, CLI_ACTOR);
            return { authorization: `Bearer ${t.token}` };
          },
        ],
      ];
      for (const [what, headers] of refused) {
        for (const [method, url, body] of [
          ['GET', '/scim/v2/Users', undefined],
          ['POST', '/scim/v2/Users', { schemas: [USER_URN], userName: 'intruder' }],
        ] as const) {
          it(`answers ${method} with ${what} with 401, a SCIM error and WWW-Authenticate`, async () => {
            const res = await s.scim(method, url, body, await headers(s));
            assertScimError(res, 401);
            assert.match(String(res.headers['www-authenticate']), /^Bearer /);
          });
        }
      }

      it('accepts the new token at once after a rotation', async () => {
        const t = await s.otherTenant();
        const { token } = await rotateScimToken(s.store, t.settingId, CLI_ACTOR);
        const res = await s.scim('GET', '/scim/v2/Users', undefined, { authorization: `Bearer ${token}` });
        assert.equal(res.status, 200, res.raw);
      });

      it('refuses a token on the very next request after it worked, once it is rotated or revoked', async () => {
        const t = await s.otherTenant();
        const get = (token: string) => s.scim('GET', '/scim/v2/Users', undefined, { authorization: `Bearer ${token}` });
        assert.equal((await get(t.token)).status, 200);
        const { token: rotated } = await rotateScimToken(s.store, t.settingId, CLI_ACTOR);
        assertScimError(await get(t.token), 401);
        assert.equal((await get(rotated)).status, 200);
        await revokeScimToken(s.store, t.settingId, CLI_ACTOR);
        assertScimError(await get(rotated), 401);
      });

      it('accepts "bearer" in any case, as RFC 6750 schemes are case-insensitive', async () => {
        assert.equal((await s.scim('GET', '/scim/v2/Users', undefined, { authorization: `bearer ${s.token}` })).status, 200);
      });

      it('stores the token only as a hash', async () => {
        const rows = await s.store.db.selectFrom('scim_settings').selectAll().where('id', '=', s.settingId).execute();
        assert.equal(rows.length, 1);
        const text = JSON.stringify(rows);
        assert.equal(text.includes(s.token), false);
        assert.equal(text.includes(s.token.slice(12)), false, 'not even the secret part after the shown prefix');
        assert.equal(rows[0]!.token_hash, hashToken(s.token));
        assert.ok(s.token.length >= 4 + 43, 'at least 256 random bits');
      });

      it('requires a token for resources but serves discovery without one', async () => {
        assertScimError(await s.scim('GET', '/scim/v2/Groups', undefined, { authorization: '' }), 401);
        assert.equal((await s.scim('GET', '/scim/v2/ServiceProviderConfig', undefined, { authorization: '' })).status, 200);
      });
    });

    describe('request bodies', () => {
      let small: TestServer;
      before(async () => {
        small = await startServer(kind, { bodyLimit: 2048 });
      });
      after(() => small.close());

      for (const [method, url] of [
        ['POST', '/scim/v2/Users'],
        ['PUT', '/scim/v2/Users/x'],
        ['PATCH', '/scim/v2/Users/x'],
        ['POST', '/scim/v2/Groups'],
        ['POST', '/scim/v2/Bulk'],
      ] as const) {
        it(`answers a ${method} ${url} body over the limit with 413 and a SCIM error, and stores nothing`, async () => {
          const res = await small.scim(method, url, { schemas: [USER_URN], userName: address('big'), displayName: 'x'.repeat(4096) });
          assertScimError(res, 413);
          assert.deepEqual(await counts(small.store), { scim_users: 0, scim_user_emails: 0, scim_groups: 0, scim_group_members: 0 });
        });
      }
    });

    describe('logs', () => {
      it('never contain the token, a wrong token or the personal data in bodies and filters', async () => {
        const lines: string[] = [];
        const store = await kind.open();
        const app = await buildApp({
          store,
          config: { trustProxy: false, publicUrl: undefined, bodyLimit: DEFAULT_BODY_LIMIT, logLevel: 'trace', scimRateLimit: DEFAULT_SCIM_RATE_LIMIT, metrics: {} },
          logStream: { write: (line) => void lines.push(line) },
        });
        try {
          const company = await createCompany(store, { name: 'Logged' }, CLI_ACTOR);
          const { token, setting } = await createScimSetting(store, { companyId: company.id, name: 'Entra ID' }, CLI_ACTOR);
          const wrong = `rst_${'Z'.repeat(43)}`;
          const userName = 'jane.private@logged.example';
          const send = (method: string, url: string, auth: string, body?: unknown) =>
            app.inject({
              method: method as 'GET',
              url,
              headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/scim+json' },
              ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
            });
          const created = await send('POST', '/scim/v2/Users', token, { schemas: [USER_URN], userName, password: 'Hunter2-secret' });
          assert.equal(created.statusCode, 201);
          const id = JSON.parse(created.body).id;
          await send('GET', `/scim/v2/Users?filter=${encodeURIComponent(`userName eq "${userName}"`)}`, token);
          await send('PATCH', `/scim/v2/Users/${id}`, token, patchOp({ op: 'replace', path: 'displayName', value: 'Jane Private' }));
          await send('POST', '/scim/v2/Users', token, '{"userName": "jane.private');
          await send('GET', '/scim/v2/Users', wrong);
          await send('GET', `/scim/v2/Users?access_token=${token}`, wrong);
          const { token: rotated } = await rotateScimToken(store, setting.id, CLI_ACTOR);
          await send('GET', '/scim/v2/Users', token);
          await send('GET', '/scim/v2/Users', rotated);

          const log = lines.join('');
          assert.ok(lines.length >= 8, `expected request logs, got ${lines.length} lines`);
          assert.match(log, /request completed/);
          for (const secret of [token, token.slice(10), wrong, rotated, rotated.slice(10), 'Hunter2-secret', userName, 'Jane Private']) {
            assert.equal(log.includes(secret), false, `the log contains ${secret}`);
          }
        } finally {
          await app.close();
          await store.close();
        }
      });
    });
  });
}
