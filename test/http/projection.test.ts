// attributes / excludedAttributes (RFC 7644 §3.4.2.5, §3.9) with the RFC 7643 §7 `returned` rules, on GET by
// id, on lists and on writes, through the real server on every store.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { ENTERPRISE, USER_URN, seedDirectory, type Directory } from './directory-fixture.ts';

const CORE = USER_URN;
const keys = (o: Record<string, unknown>) => Object.keys(o).sort();

/** [query, expected top-level keys of alice, extra check] — alice has name, emails, title, the enterprise
 *  extension (department, employeeNumber) and is in the Engineering group. */
const USER_CASES: [query: string, keys: string[], check?: (r: any) => void][] = [
  ['', ['active', 'emails', 'externalId', 'groups', 'id', 'meta', 'name', 'schemas', 'title', 'userName', ENTERPRISE].sort()],
  ['attributes=userName', ['id', 'schemas', 'userName']],
  ['attributes=USERNAME', ['id', 'schemas', 'userName']],
  ['attributes=name.givenName', ['id', 'name', 'schemas'], (r) => assert.deepEqual(r.name, { givenName: 'Alice' })],
  ['attributes=Name.GivenName,name.familyName', ['id', 'name', 'schemas'], (r) => assert.deepEqual(r.name, { givenName: 'Alice', familyName: 'Anders' })],
  ['attributes=emails.value', ['emails', 'id', 'schemas'], (r) => assert.deepEqual(r.emails, [{ value: 'alice@example.com' }, { value: 'alice.home@mail.net' }])],
  ['attributes=emails', ['emails', 'id', 'schemas'], (r) => assert.equal(r.emails[0].type, 'work')],
  [`attributes=${CORE}:userName`, ['id', 'schemas', 'userName']],
  [`attributes=${CORE}:name.familyName`, ['id', 'name', 'schemas'], (r) => assert.deepEqual(r.name, { familyName: 'Anders' })],
  [`attributes=${ENTERPRISE}:department`, ['id', 'schemas', ENTERPRISE], (r) => assert.deepEqual(r[ENTERPRISE], { department: 'Engineering' })],
  [`attributes=${ENTERPRISE}`, ['id', 'schemas', ENTERPRISE], (r) => assert.deepEqual(r[ENTERPRISE], { department: 'Engineering', employeeNumber: '1001' })],
  ['attributes=meta.created', ['id', 'meta', 'schemas'], (r) => assert.deepEqual(keys(r.meta), ['created'])],
  ['attributes=groups', ['groups', 'id', 'schemas'], (r) => assert.equal(r.groups[0].display, 'Engineering')],
  ['attributes=groups.display', ['groups', 'id', 'schemas'], (r) => assert.deepEqual(r.groups, [{ display: 'Engineering' }])],
  // id and schemas are returned "always"; password "never", even when asked for.
  ['attributes=password', ['id', 'schemas']],
  ['attributes=id', ['id', 'schemas']],
  ['attributes=nosuch', ['id', 'schemas']],
  ['excludedAttributes=emails,name', ['active', 'externalId', 'groups', 'id', 'meta', 'schemas', 'title', 'userName', ENTERPRISE].sort()],
  ['excludedAttributes=id,schemas,userName', ['active', 'emails', 'externalId', 'groups', 'id', 'meta', 'name', 'schemas', 'title', ENTERPRISE].sort()],
  ['excludedAttributes=groups', ['active', 'emails', 'externalId', 'id', 'meta', 'name', 'schemas', 'title', 'userName', ENTERPRISE].sort()],
  ['excludedAttributes=emails.type,name.givenName', ['active', 'emails', 'externalId', 'groups', 'id', 'meta', 'name', 'schemas', 'title', 'userName', ENTERPRISE].sort(), (r) => {
    assert.deepEqual(r.emails, [{ value: 'alice@example.com', primary: true }, { value: 'alice.home@mail.net' }]);
    assert.deepEqual(r.name, { familyName: 'Anders' });
  }],
  [`excludedAttributes=${ENTERPRISE}:employeeNumber`, ['active', 'emails', 'externalId', 'groups', 'id', 'meta', 'name', 'schemas', 'title', 'userName', ENTERPRISE].sort(), (r) => {
    assert.deepEqual(r[ENTERPRISE], { department: 'Engineering' });
  }],
  [`excludedAttributes=${ENTERPRISE}`, ['active', 'emails', 'externalId', 'groups', 'id', 'meta', 'name', 'schemas', 'title', 'userName'].sort()],
];

for (const kind of storeKinds()) {
  describe(`attributes and excludedAttributes on ${kind.name}`, () => {
    let d: Directory;
    let alice: string;
    before(async () => {
      d = await seedDirectory(kind);
      alice = d.userIds.get('alice@example.com')!;
    });
    after(() => d.server.close());

    for (const [query, expected, check] of USER_CASES) {
      it(`GET /Users/{id}${query ? `?${query}` : ''} returns ${expected.join(', ')}`, async () => {
        const res = await d.server.scim('GET', `/scim/v2/Users/${alice}${query ? `?${query}` : ''}`);
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(keys(res.body), expected);
        check?.(res.body);
      });
    }

    for (const [query, expected, check] of USER_CASES) {
      it(`GET /Users?filter=…${query ? `&${query}` : ''} projects each listed user the same way`, async () => {
        const res = await d.server.scim('GET', `/scim/v2/Users?filter=${encodeURIComponent(`id eq "${alice}"`)}${query ? `&${query}` : ''}`);
        assert.equal(res.status, 200, res.raw);
        assert.equal(res.body.Resources.length, 1);
        assert.deepEqual(keys(res.body.Resources[0]), expected);
        check?.(res.body.Resources[0]);
      });
    }

    it('lets attributes win when a client sends both parameters', async () => {
      const res = await d.server.scim('GET', `/scim/v2/Users/${alice}?attributes=userName&excludedAttributes=userName`);
      assert.deepEqual(keys(res.body), ['id', 'schemas', 'userName']);
    });

    it('never stores or returns a password sent on create, whatever is asked', async () => {
      const created = await d.server.scim('POST', '/scim/v2/Users?attributes=password,userName', {
        schemas: [CORE], userName: 'pw@example.com', password: 'hunter2-Secret!',
      });
      assert.equal(created.status, 201, created.raw);
      assert.deepEqual(keys(created.body), ['id', 'schemas', 'userName']);
      const read = await d.server.scim('GET', `/scim/v2/Users/${created.body.id}`);
      assert.ok(!read.raw.includes('hunter2'));
      assert.equal(read.body.password, undefined);
      const listed = await d.server.scim('GET', `/scim/v2/Users?filter=userName+eq+"pw@example.com"&attributes=password`);
      assert.ok(!listed.raw.includes('hunter2'));
      const del = await d.server.scim('DELETE', `/scim/v2/Users/${created.body.id}`);
      assert.equal(del.status, 204);
    });

    it('shows a user without groups no groups attribute, and one in a group its groups by default', async () => {
      const judy = await d.server.scim('GET', `/scim/v2/Users/${d.userIds.get('judy@example.com')}`);
      assert.equal(judy.body.groups, undefined);
      const res = await d.server.scim('GET', `/scim/v2/Users/${alice}`);
      assert.deepEqual(res.body.groups.map((g: { value: string }) => g.value), [d.groupIds.get('Engineering')]);
    });

    it('projects the response of a PUT with ?attributes', async () => {
      const current = await d.server.scim('GET', `/scim/v2/Users/${d.userIds.get('judy@example.com')}`);
      const { id, meta, ...body } = current.body;
      const res = await d.server.scim('PUT', `/scim/v2/Users/${id}?attributes=title`, body);
      assert.equal(res.status, 200, res.raw);
      assert.deepEqual(res.body, { schemas: [CORE], id, title: 'Manager' });
    });

    describe('on groups', () => {
      const engineering = () => d.groupIds.get('Engineering')!;

      it('returns members by default, with value, $ref, display and type', async () => {
        const res = await d.server.scim('GET', `/scim/v2/Groups/${engineering()}`);
        assert.equal(res.body.members.length, 4);
        assert.deepEqual(keys(res.body.members[0]), ['$ref', 'display', 'type', 'value']);
      });

      it('leaves members out with excludedAttributes=members, on GET by id and on lists', async () => {
        const one = await d.server.scim('GET', `/scim/v2/Groups/${engineering()}?excludedAttributes=members`);
        assert.deepEqual(keys(one.body), ['displayName', 'externalId', 'id', 'meta', 'schemas']);
        const list = await d.server.scim('GET', '/scim/v2/Groups?excludedAttributes=members');
        assert.ok(list.body.Resources.every((g: Record<string, unknown>) => !('members' in g)));
        assert.equal(list.body.totalResults, 4);
      });

      it('returns only displayName (plus id and schemas) with attributes=displayName', async () => {
        const res = await d.server.scim('GET', `/scim/v2/Groups/${engineering()}?attributes=displayName`);
        assert.deepEqual(keys(res.body), ['displayName', 'id', 'schemas']);
      });

      it('returns member values alone with attributes=members.value', async () => {
        const res = await d.server.scim('GET', `/scim/v2/Groups/${engineering()}?attributes=members.value`);
        assert.deepEqual(keys(res.body), ['id', 'members', 'schemas']);
        assert.deepEqual(
          res.body.members.map((m: { value: string }) => m.value).sort(),
          ['alice@example.com', 'carol@example.com', 'grace@example.com', 'heidi@example.com'].map((n) => d.userIds.get(n)).sort(),
        );
        assert.ok(res.body.members.every((m: Record<string, unknown>) => keys(m).join() === 'value'));
      });

      it('returns an empty group with members=[] rather than no answer', async () => {
        const res = await d.server.scim('GET', `/scim/v2/Groups/${d.groupIds.get('Empty')}`);
        assert.equal(res.status, 200);
        assert.ok(res.body.members === undefined || (Array.isArray(res.body.members) && res.body.members.length === 0));
      });
    });
  });
}
