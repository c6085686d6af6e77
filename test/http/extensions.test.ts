// Custom extension attributes end to end on every store: kept and returned as pushed, changed by PATCH,
// filtered in SQL exactly as the in-memory evaluator filters; core attributes nested under the core URN;
// blank e-mails; and 409s that name the other SCIM setting of the company that owns a userName.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { createScimSetting } from '../../src/provisioning/scim-settings.ts';
import { matches } from '../../src/scim/filter/evaluate.ts';
import { parseFilter } from '../../src/scim/filter/parser.ts';
import { validateFilter } from '../../src/scim/filter/validate.ts';
import { resolveAttribute } from '../../src/scim/schemas/index.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { storeKinds } from '../support/stores.ts';
import { GROUP_URN, USER_URN, assertScimError, counts, createGroup, createUser, patchOp, unique, withoutMeta, address } from '../support/scim.ts';

const CO = 'urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User';

/** Users whose custom values exercise case, numbers, booleans, objects, arrays, absence and LIKE characters. */
const customs: Array<Record<string, unknown> | undefined> = [
  { Country: 'United Kingdom', level: 3, remote: true, address: { city: 'Leeds' } },
  { country: 'FRANCE', level: '3', address: { City: 'Paris' } },
  { COUNTRY: 'Ünïted 100%_States', codes: ['x', 'y'] },
  { country: '', remote: false },
  { country: { nested: 'United Kingdom' } },
  undefined,
];

const filters = [
  `${CO}:country eq "united kingdom"`,
  `${CO.toUpperCase()}:Country eq "france"`,
  `${CO}:country ne "France"`,
  `${CO}:country co "KING"`,
  `${CO}:country co "100%_"`,
  `${CO}:country sw "ün"`,
  `${CO}:country ew "states"`,
  `${CO}:country pr`,
  `not (${CO}:country pr)`,
  `${CO}:country eq null`,
  `${CO}:level eq "3"`,
  `${CO}:level eq 3`,
  `${CO}:remote eq "true"`,
  `${CO}:remote ne "true"`,
  `${CO}:address.city eq "LEEDS"`,
  `${CO}:address pr`,
  `${CO}:codes eq "x"`,
  `${CO}:country gt "g"`,
  `${CO}:country pr and ${CO}:level pr`,
  `${CO}:country eq "france" or ${CO}:remote eq "false"`,
];

for (const kind of storeKinds()) {
  describe(`Custom extension attributes on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startServer(kind);
    });
    after(() => s.close());

    it('keeps a custom extension on POST and returns it on GET exactly as pushed', async () => {
      const body = { schemas: [USER_URN], userName: address('kept'), [CO]: { Country: 'UK', level: 3, remote: true, address: { city: 'Leeds' } } };
      const created = await createUser(s, body);
      assert.deepEqual(created.schemas, [USER_URN, CO]);
      assert.deepEqual(created[CO], body[CO]);
      const read = await s.scim('GET', `/scim/v2/Users/${created.id}`);
      assert.deepEqual(withoutMeta(read.body), withoutMeta(created));
    });

    it('changes a custom attribute by PATCH path, by path-less value and by remove', async () => {
      const u = await createUser(s, { [CO]: { country: 'UK', city: 'Leeds' } });
      let res = await s.scim('PATCH', `/scim/v2/Users/${u.id}`, patchOp({ op: 'Replace', path: `${CO}:country`, value: 'FR' }));
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(res.body[CO], { city: 'Leeds', country: 'FR' });
      res = await s.scim('PATCH', `/scim/v2/Users/${u.id}`, patchOp({ op: 'replace', value: { [`${CO}:team`]: 'Blue', [CO]: { city: 'York' } } }));
      assert.deepEqual(res.body[CO], { city: 'York', country: 'FR', team: 'Blue' });
      res = await s.scim('PATCH', `/scim/v2/Users/${u.id}`, patchOp({ op: 'remove', path: CO }));
      assert.equal(res.body[CO], undefined);
      assert.deepEqual(res.body.schemas, [USER_URN]);
    });

    it('answers 400 invalidPath to a PATCH into a part of a custom attribute, and changes nothing', async () => {
      const u = await createUser(s, { [CO]: { address: { city: 'Leeds' } } });
      const res = await s.scim('PATCH', `/scim/v2/Users/${u.id}`, patchOp({ op: 'replace', path: `${CO}:address.city`, value: 'York' }));
      assertScimError(res, 400, 'invalidPath');
      assert.deepEqual((await s.scim('GET', `/scim/v2/Users/${u.id}`)).body[CO], { address: { city: 'Leeds' } });
    });

    describe('filters in the database agree with the evaluator', () => {
      const stored: Array<{ id: string; resource: Record<string, unknown> }> = [];
      const tag = unique('f');
      before(async () => {
        for (const [i, custom] of customs.entries()) {
          const u = await createUser(s, { userName: `${tag}-${i}@example.com`, ...(custom ? { [CO]: custom } : {}) });
          stored.push({ id: u.id, resource: u });
        }
      });

      for (const filter of filters) {
        it(`GET /Users?filter=${filter.replace(/urn:ietf:params:scim:schemas:extension:CompanyName:2\.0:User/gi, 'urn:…:User')} finds what the evaluator finds`, async () => {
          const resolve = (p: Parameters<typeof resolveAttribute>[1]) => resolveAttribute('User', p);
          const parsed = parseFilter(filter);
          assert.ok(parsed.ok);
          const valid = validateFilter(parsed.value, resolve);
          assert.ok(valid.ok, valid.ok ? '' : valid.error.detail);
          const expected = stored.filter((u) => matches(valid.value, u.resource, resolve)).map((u) => u.id).sort();
          const scoped = `userName sw "${tag}-" and (${filter})`;
          const res = await s.scim('GET', `/scim/v2/Users?count=100&filter=${encodeURIComponent(scoped)}`);
          assert.equal(res.status, 200, res.raw);
          assert.deepEqual(res.body.Resources.map((r: { id: string }) => r.id).sort(), expected);
        });
      }

      it('sorts by a custom attribute ignoring case', async () => {
        const res = await s.scim('GET', `/scim/v2/Users?count=100&sortBy=${encodeURIComponent(`${CO}:country`)}&filter=${encodeURIComponent(`userName sw "${tag}-" and ${CO}:country pr`)}`);
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(res.body.Resources.map((r: any) => Object.entries(r[CO]).find(([k]) => k.toLowerCase() === 'country')?.[1]), ['FRANCE', 'United Kingdom', 'Ünïted 100%_States']);
      });
    });

    it('keeps, patches and filters a custom extension of a group', async () => {
      const GX = 'urn:example:custom:2.0:Group';
      const g = await createGroup(s, { [GX]: { Site: 'Leeds' } });
      assert.deepEqual(g.schemas, [GROUP_URN, GX]);
      const res = await s.scim('PATCH', `/scim/v2/Groups/${g.id}`, patchOp({ op: 'replace', path: `${GX}:site`, value: 'York' }));
      assert.equal(res.status, 204, res.raw);
      assert.deepEqual((await s.scim('GET', `/scim/v2/Groups/${g.id}`)).body[GX], { site: 'York' });
      const found = await s.scim('GET', `/scim/v2/Groups?filter=${encodeURIComponent(`${GX}:SITE eq "york"`)}`);
      assert.deepEqual(found.body.Resources.map((r: { id: string }) => r.id), [g.id]);
    });

    it('reads core attributes nested under the core URN in POST and PUT', async () => {
      const userName = address('nested');
      const res = await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], [USER_URN]: { userName, name: { givenName: 'Ann' } } });
      assert.equal(res.status, 201, res.raw);
      assert.equal(res.body.userName, userName);
      assert.deepEqual(res.body.name, { givenName: 'Ann' });
      const put = await s.scim('PUT', `/scim/v2/Users/${res.body.id}`, { schemas: [USER_URN], userName, [USER_URN]: { userName: 'ignored', title: 'Chief' } });
      assert.equal(put.status, 200, put.raw);
      assert.equal(put.body.userName, userName);
      assert.equal(put.body.title, 'Chief');
      const g = await s.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], [GROUP_URN]: { displayName: unique('Nested'), members: [{ value: res.body.id }] } });
      assert.equal(g.status, 201, g.raw);
      assert.deepEqual(g.body.members.map((m: { value: string }) => m.value), [res.body.id]);
    });

    it('stores no e-mail that a PATCH blanks, so no lookup finds an empty address', async () => {
      const u = await createUser(s, { emails: [{ type: 'work', value: `${unique('w')}@x.example` }, { type: 'home', value: '' }] });
      assert.equal(u.emails.length, 1);
      const res = await s.scim('PATCH', `/scim/v2/Users/${u.id}`, patchOp({ op: 'replace', path: 'emails[type eq "work"].value', value: '' }));
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.emails, undefined);
      const rows = await s.store.db.selectFrom('scim_user_emails').select('value_ci').where('user_id', '=', u.id).execute();
      assert.deepEqual(rows, []);
    });
  });

  describe(`Conflicts between SCIM settings of one company on ${kind.name}`, () => {
    let s: TestServer;
    let okta: string;
    before(async () => {
      s = await startServer(kind);
      ({ token: okta } = await createScimSetting(s.store, { companyId: s.companyId, name: 'Okta EU' }, CLI_ACTOR));
    });
    after(() => s.close());

    it('answers 409 uniqueness with the usual detail when the same setting already has the userName', async () => {
      const u = await createUser(s);
      const res = await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: u.userName.toUpperCase() });
      assertScimError(res, 409, 'uniqueness');
      assert.equal(res.body.detail, `A user with userName "${u.userName.toUpperCase()}" already exists in this company (userName is unique, ignoring case)`);
    });

    it('answers 409 uniqueness naming the other SCIM setting that provisioned the userName, and writes nothing', async () => {
      const u = await createUser(s);
      const before = await counts(s.store);
      const res = await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: u.userName }, { authorization: `Bearer ${okta}` });
      assertScimError(res, 409, 'uniqueness');
      assert.match(res.body.detail, /already exists in this company, provisioned by SCIM setting "Entra ID"; userName is unique/);
      assert.deepEqual(await counts(s.store), before);
    });

    it('names the other SCIM setting when a rename by PATCH takes its userName', async () => {
      const taken = await createUser(s);
      const mine = await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: address('okta') }, { authorization: `Bearer ${okta}` });
      assert.equal(mine.status, 201, mine.raw);
      const res = await s.scim('PATCH', `/scim/v2/Users/${mine.body.id}`, patchOp({ op: 'replace', path: 'userName', value: taken.userName }), { authorization: `Bearer ${okta}` });
      assertScimError(res, 409, 'uniqueness');
      assert.match(res.body.detail, /provisioned by SCIM setting "Entra ID"/);
    });

    it('names the other SCIM setting that owns a group displayName', async () => {
      const g = await createGroup(s);
      const res = await s.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName: g.displayName }, { authorization: `Bearer ${okta}` });
      assertScimError(res, 409, 'uniqueness');
      assert.match(res.body.detail, /A group with displayName ".*" already exists in this company, provisioned by SCIM setting "Entra ID"; displayName is unique/);
    });

    it('answers 400 invalidValue naming the unknown members of a group', async () => {
      const res = await s.scim('POST', '/scim/v2/Groups', { schemas: [GROUP_URN], displayName: unique('G'), members: [{ value: 'nobody-1' }] });
      assertScimError(res, 400, 'invalidValue');
      assert.equal(res.body.detail, 'Group members must be existing users of this company; no user has id "nobody-1"');
    });
  });
}
