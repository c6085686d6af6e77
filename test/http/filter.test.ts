// Filters end to end (RFC 7644 §3.4.2.2): through the real server, over a seeded directory, on every store.
// Each row is a filter and the userNames (or group displayNames) it must return, nothing more or less.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { storeKinds } from '../support/stores.ts';
import { assertScimError } from '../support/scim.ts';
import { ALL_USER_NAMES, ENTERPRISE, seedDirectory, sorted, userNamesOf, type Directory } from './directory-fixture.ts';

const ALL = ALL_USER_NAMES;
const except = (...names: string[]) => ALL.filter((n) => !names.includes(n));
const WITH_EXTERNAL_ID = ['alice@example.com', 'bob@example.com', 'carol@example.com', 'erin@example.com', 'mallory@example.com'];
const WITH_EMAILS = [
  'alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com', 'erin@example.com', 'frank@example.com',
  'heidi@example.com', 'ivan@example.com', 'Zoë@example.com', '山田@example.jp', 'niaj@example.com', 'bob.smith@example.com',
];
const INACTIVE = ['bob@example.com', 'frank@example.com', 'mallory@example.com'];

/** `{user:NAME}` and `{group:NAME}` in a filter stand for the id of that seed resource (`{GROUP:NAME}`: upper-cased). */
type Row = [filter: string, expected: string[]];

const USER_FILTERS: Row[] = [
  // eq, and the caseExact rules: userName folds case (also beyond ASCII), externalId does not.
  ['userName eq "alice@example.com"', ['alice@example.com']],
  ['userName eq "ALICE@EXAMPLE.COM"', ['alice@example.com']],
  ['userName eq "zoë@example.com"', ['Zoë@example.com']],
  ['userName eq "dupré@example.com"', ['DUPRÉ@example.com']],
  ['userName eq "山田@example.jp"', ['山田@example.jp']],
  ['userName eq bob@example.com', ['bob@example.com']],
  ['USERNAME EQ "alice@example.com"', ['alice@example.com']],
  ['userName eq "nobody@example.com"', []],
  ['externalId eq "EXT-001"', ['alice@example.com']],
  ['externalId eq "ext-001"', ['bob@example.com']],
  ['id eq "{user:carol@example.com}"', ['carol@example.com']],
  // ne, co, sw, ew — with LIKE wildcards taken literally.
  ['userName ne "alice@example.com"', except('alice@example.com')],
  ['userName co "smith"', ['bob.smith@example.com']],
  ['userName sw "bob"', ['bob@example.com', 'bob.smith@example.com']],
  ['userName ew ".jp"', ['山田@example.jp']],
  ['userName co "_"', ['under_score@example.com']],
  ['userName sw "O\'"', ["o'neil@example.com"]],
  // pr, and not.
  ['title pr', ['alice@example.com', 'judy@example.com', 'mallory@example.com']],
  ['externalId pr', WITH_EXTERNAL_ID],
  ['name.familyName pr', except('dave@example.com')],
  ['not (name.familyName pr)', ['dave@example.com']],
  ['emails pr', WITH_EMAILS],
  ['not (emails pr)', ALL.filter((n) => !WITH_EMAILS.includes(n))],
  // Sub-attributes, and gt/ge/lt/le on text (folded, code-point order).
  ['name.givenName eq "Bob"', ['bob@example.com', 'bob.smith@example.com']],
  ['name.familyName eq "o\'neil"', ["o'neil@example.com"]],
  ['name.familyName gt "W"', ['Zoë@example.com', '山田@example.jp', 'walter@example.com']],
  ['name.familyName ge "Z"', ['Zoë@example.com', '山田@example.jp']],
  ['name.familyName lt "B"', ['alice@example.com']],
  ['name.familyName le "Brown"', ['alice@example.com', 'bob@example.com']],
  // Booleans, including a user pushed without `active` (an active user) and "True" as a string.
  ['active eq false', INACTIVE],
  ['active ne false', except(...INACTIVE)],
  ['active eq "False"', INACTIVE],
  ['active eq true and title pr', ['alice@example.com', 'judy@example.com']],
  // null: eq null is "absent", ne null is "present".
  ['externalId eq null', except(...WITH_EXTERNAL_ID)],
  ['externalId ne null', WITH_EXTERNAL_ID],
  // Logic and precedence: and binds tighter than or; parentheses regroup.
  ['userName sw "a" or userName sw "b"', ['alice@example.com', 'bob@example.com', 'bob.smith@example.com']],
  ['userName sw "b" and not (userName co "smith")', ['bob@example.com']],
  ['userName sw "a" or userName sw "c" and active eq false', ['alice@example.com']],
  ['(userName sw "a" or userName sw "c") and active eq true', ['alice@example.com', 'carol@example.com']],
  ['((userName sw "f")) or (title eq "intern")', ['frank@example.com', 'mallory@example.com']],
  // Value paths over emails, and Entra's form with a sub-attribute after the bracket.
  ['emails[type eq "work" and value co "@x"]', ['carol@example.com', 'niaj@example.com']],
  ['emails[type eq "work"].value eq "ivan@example.com"', ['ivan@example.com']],
  ['emails[type eq "work"].value eq "carol@example.net"', []],
  ['emails[primary eq true]', ['alice@example.com', 'bob@example.com', 'dave@example.com', 'frank@example.com', 'heidi@example.com', 'ivan@example.com', 'bob.smith@example.com']],
  ['emails[not (type eq "work")]', ['alice@example.com', 'carol@example.com', 'erin@example.com', 'frank@example.com']],
  ['emails[type eq "home"] or title eq "intern"', ['alice@example.com', 'carol@example.com', 'erin@example.com', 'mallory@example.com']],
  ['emails.value ew "@x.org"', ['carol@example.com', 'erin@example.com', 'frank@example.com', 'niaj@example.com']],
  ['emails co "mail.net"', ['alice@example.com']],
  // The enterprise extension, URN-qualified or not.
  [`${ENTERPRISE}:department eq "Engineering"`, ['alice@example.com', 'carol@example.com', 'grace@example.com', 'heidi@example.com']],
  ['department eq "Sales"', ['bob@example.com', 'frank@example.com', 'bob.smith@example.com']],
  [`${ENTERPRISE}:department eq "légal"`, ['DUPRÉ@example.com']],
  [`${ENTERPRISE}:employeeNumber gt "1005"`, ['frank@example.com', 'grace@example.com', 'ivan@example.com']],
  [`${ENTERPRISE}:employeeNumber eq 1001`, ['alice@example.com']],
  [`${ENTERPRISE}:manager.value eq "{user:alice@example.com}"`, ['bob@example.com', 'carol@example.com']],
  [`${ENTERPRISE.toUpperCase()}:MANAGER.VALUE eq "{user:carol@example.com}"`, ['frank@example.com']],
  // dateTime literals: full, with an offset, and a date alone (midnight UTC).
  ['meta.created gt "2024-01-01T00:23:00Z"', ['bob.smith@example.com', "o'neil@example.com"]],
  ['meta.lastModified le "2024-01-01T00:02:00Z"', ['alice@example.com', 'bob@example.com']],
  ['meta.created ge "2024-01-01T00:10:00Z" and meta.created lt "2024-01-01T00:12:00Z"', ['judy@example.com', 'Zoë@example.com']],
  ['meta.lastModified gt "2024-01-01T01:24:30+01:00"', ["o'neil@example.com"]],
  ['meta.created gt "2024-01-01"', ALL],
  // Escaped quotes in a string literal.
  ['displayName eq "Dave \\"Dino\\" Dunn"', ['dave@example.com']],
  ['displayName co "\\"Dino\\""', ['dave@example.com']],
  // groups is derived from memberships and still filterable.
  ['groups.value eq "{group:Engineering}"', ['alice@example.com', 'carol@example.com', 'grace@example.com', 'heidi@example.com']],
  ['groups[value eq "{group:Sales}"] and active eq true', ['bob.smith@example.com']],
  // Ids are caseExact: another case of a group's id is another id.
  ['groups.value eq "{GROUP:Engineering}"', []],
];

const GROUP_FILTERS: Row[] = [
  ['displayName eq "engineering"', ['Engineering']],
  ['displayName sw "E"', ['Empty', 'Engineering', 'Everyone Else']],
  ['externalId eq "grp-eng"', ['Engineering']],
  ['externalId eq "GRP-ENG"', []],
  ['members[value eq "{user:alice@example.com}"]', ['Engineering']],
  ['members.value eq "{user:bob@example.com}"', ['Sales']],
  ['members[value eq "{user:judy@example.com}"]', []],
  // Entra checks one membership this way before a PATCH.
  ['id eq "{group:Engineering}" and members[value eq "{user:alice@example.com}"]', ['Engineering']],
  ['id eq "{group:Engineering}" and members[value eq "{user:bob@example.com}"]', []],
  ['members pr', ['Engineering', 'Everyone Else', 'Sales']],
  ['not (members pr)', ['Empty']],
  ['displayName ne "Empty" and not (members[value eq "{user:dave@example.com}"])', ['Engineering', 'Sales']],
];

/** Filters the parser or the schema check rejects, and what the detail must say. */
const INVALID: [filter: string, detail: RegExp][] = [
  ['userName eq', /position 11/],
  ['userName xx "a"', /position 9/],
  ['(userName eq "a"', /position 16.*"\)".*position 0|position 16/],
  ['userName eq "a', /position 12/],
  ['emails[type eq "work"', /position 21/],
  ['userName eq "a" and', /position 19/],
  ['userName eq "a" "b"', /position 16/],
  ['emails[type eq "work" and emails[value eq "x"]]', /nested|position/i],
  ['nosuch eq "x"', /"nosuch"/],
  ['name.nosuch eq "x"', /"name\.nosuch"/],
  // A custom extension of a User (its URN ends in ":User") is filterable; any other unknown URN names nothing.
  ['urn:example:unknown:1.0:Group:x eq "y"', /urn:example:unknown:1\.0:Group:x/],
  ['password eq "secret"', /password/],
  ['name eq "x"', /complex/],
  ['active gt true', /"gt"/],
  ['meta.created gt "yesterday"', /dateTime/],
  ['not userName eq "a"', /position 4/],
  ['__proto__ eq "x"', /__proto__/],
];

const resolveIds = (filter: string, d: Directory) =>
  filter.replace(/\{(user|group|GROUP):([^}]+)\}/g, (_, kind: string, name: string) => {
    const id = (kind === 'user' ? d.userIds : d.groupIds).get(name);
    assert.ok(id, `no seed ${kind} ${name}`);
    // {GROUP:NAME}: the id in upper case.
    return kind === 'GROUP' ? id.toUpperCase() : id;
  });

for (const kind of storeKinds()) {
  describe(`Filtering users and groups through the API on ${kind.name}`, () => {
    let d: Directory;
    before(async () => {
      d = await seedDirectory(kind);
    });
    after(() => d.server.close());

    for (const [filter, expected] of USER_FILTERS) {
      it(`GET /Users?filter=${filter} returns exactly ${expected.length} user(s)`, async () => {
        const res = await d.server.scim('GET', `/scim/v2/Users?count=1000&filter=${encodeURIComponent(resolveIds(filter, d))}`);
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(userNamesOf(res.body), sorted(expected));
        assert.equal(res.body.totalResults, expected.length);
      });
    }

    for (const [filter, expected] of GROUP_FILTERS) {
      it(`GET /Groups?filter=${filter} returns ${expected.length ? expected.join(', ') : 'no group'}`, async () => {
        const res = await d.server.scim('GET', `/scim/v2/Groups?filter=${encodeURIComponent(resolveIds(filter, d))}`);
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(res.body.Resources.map((g: { displayName: string }) => g.displayName).sort(), sorted(expected));
        assert.equal(res.body.totalResults, expected.length);
      });
    }

    for (const [filter, detail] of INVALID) {
      it(`answers 400 invalidFilter to ${filter} with a detail that says where or what`, async () => {
        const res = await d.server.scim('GET', `/scim/v2/Users?filter=${encodeURIComponent(filter)}`);
        assertScimError(res, 400, 'invalidFilter');
        assert.match(res.body.detail, detail);
      });
    }

    it('answers 400 invalidFilter to a Group filter on a User-only attribute', async () => {
      const res = await d.server.scim('GET', `/scim/v2/Groups?filter=${encodeURIComponent('userName eq "alice@example.com"')}`);
      assertScimError(res, 400, 'invalidFilter');
      assert.match(res.body.detail, /userName/);
    });

    it('reads a filter encoded with + for spaces, %20 for spaces, and a trailing &', async () => {
      for (const url of [
        '/scim/v2/Users?filter=userName+eq+%22bob%40example.com%22',
        '/scim/v2/Users?filter=userName%20eq%20%22bob@example.com%22&',
        '/scim/v2/Users?filter=userName eq "bob@example.com"&startIndex=1&count=5&',
        '/scim/v2/Users?filter=userName+eq+bob@example.com&',
      ]) {
        const res = await d.server.scim('GET', url);
        assert.equal(res.status, 200, `${url}: ${res.raw}`);
        assert.deepEqual(userNamesOf(res.body), ['bob@example.com'], url);
      }
    });

    it('keeps a literal + inside a percent-encoded filter value', async () => {
      const res = await d.server.scim('GET', `/scim/v2/Users?filter=${encodeURIComponent('userName eq "alice+tag@example.com"')}`);
      assert.equal(res.status, 200);
      assert.equal(res.body.totalResults, 0);
    });

    it('answers a userName eq lookup exactly as the general filter compiler answers the same condition', async () => {
      // `userName eq "…"` alone on a first page takes a statement of its own (store/scim-users.ts); `and userName pr`
      // matches the same users through the general compiler.
      for (const value of ['alice@example.com', 'ALICE@example.COM', 'zoë@example.com', 'nobody@example.com']) {
        for (const count of ['', '&count=1', '&count=0', '&count=2&startIndex=1']) {
          const eq = `userName eq ${JSON.stringify(value)}`;
          const fast = await d.server.scim('GET', `/scim/v2/Users?filter=${encodeURIComponent(eq)}${count}`);
          const general = await d.server.scim('GET', `/scim/v2/Users?filter=${encodeURIComponent(`${eq} and userName pr`)}${count}`);
          assert.equal(fast.status, 200, fast.raw);
          assert.deepEqual(fast.body, general.body, `${eq}${count}`);
        }
      }
    });

    it('treats an empty filter parameter as no filter', async () => {
      const res = await d.server.scim('GET', '/scim/v2/Users?filter=&count=1');
      assert.equal(res.status, 200);
      assert.equal(res.body.totalResults, ALL.length);
    });

    it('shows a foreign company nothing, whatever the filter', async () => {
      const other = await d.server.otherTenant();
      const filter = encodeURIComponent('userName eq "alice@example.com" or userName pr');
      const res = await d.server.scim('GET', `/scim/v2/Users?filter=${filter}`, undefined, { authorization: `Bearer ${other.token}` });
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.totalResults, 0);
    });

    it('POST /Users/.search takes the filter, attributes as an array and paging from the body', async () => {
      const res = await d.server.scim('POST', '/scim/v2/Users/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: 'department eq "Engineering"',
        attributes: ['userName', 'name.givenName'],
        sortBy: 'userName',
        startIndex: 2,
        count: 2,
      });
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.totalResults, 4);
      assert.equal(res.body.startIndex, 2);
      assert.equal(res.body.itemsPerPage, 2);
      assert.deepEqual(
        res.body.Resources.map((r: Record<string, unknown>) => Object.keys(r).sort()),
        [['id', 'name', 'schemas', 'userName'], ['id', 'name', 'schemas', 'userName']],
      );
      assert.deepEqual(res.body.Resources.map((r: { userName: string }) => r.userName), ['carol@example.com', 'grace@example.com']);
      assert.deepEqual(res.body.Resources[0].name, { givenName: 'Carol' });
    });

    it('POST /Groups/.search takes excludedAttributes as an array', async () => {
      const res = await d.server.scim('POST', '/scim/v2/Groups/.search', {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'],
        filter: `members[value eq "${d.userIds.get('alice@example.com')}"]`,
        excludedAttributes: ['members'],
      });
      assert.equal(res.status, 200, res.raw);
      assert.equal(res.body.totalResults, 1);
      assert.equal(res.body.Resources[0].displayName, 'Engineering');
      assert.equal(res.body.Resources[0].members, undefined);
    });

    it('answers 400 invalidFilter to a malformed filter in a .search body', async () => {
      const res = await d.server.scim('POST', '/scim/v2/Users/.search', { filter: 'userName eq' });
      assertScimError(res, 400, 'invalidFilter');
    });

    describe('POST /.search at the root', () => {
      const search = (body: Record<string, unknown>) =>
        d.server.scim('POST', '/scim/v2/.search', { schemas: ['urn:ietf:params:scim:api:messages:2.0:SearchRequest'], ...body });
      const kindOf = (r: { meta: { resourceType: string } }) => r.meta.resourceType;

      it('returns users then groups as one list with one totalResults', async () => {
        const res = await search({ count: 1000 });
        assert.equal(res.status, 200, res.raw);
        assert.equal(res.body.totalResults, ALL.length + 4);
        assert.equal(res.body.Resources.length, ALL.length + 4);
        assert.deepEqual(res.body.Resources.slice(-4).map(kindOf), ['Group', 'Group', 'Group', 'Group']);
        assert.ok(res.body.Resources.slice(0, ALL.length).every((r: { meta: { resourceType: string } }) => kindOf(r) === 'User'));
      });

      it('pages across the boundary between users and groups', async () => {
        const seen: string[] = [];
        for (let start = 1; start <= ALL.length + 4; start += 4) {
          const res = await search({ startIndex: start, count: 4 });
          assert.equal(res.status, 200, res.raw);
          assert.equal(res.body.totalResults, ALL.length + 4);
          assert.equal(res.body.startIndex, start);
          seen.push(...res.body.Resources.map((r: { id: string }) => r.id));
        }
        assert.equal(seen.length, ALL.length + 4);
        assert.equal(new Set(seen).size, ALL.length + 4);
      });

      it('returns only totalResults for count=0', async () => {
        const res = await search({ count: 0 });
        assert.equal(res.body.totalResults, ALL.length + 4);
        assert.deepEqual(res.body.Resources, []);
      });

      it('searches both types with a filter on an attribute both have', async () => {
        const res = await search({ filter: 'externalId sw "grp-" or externalId eq "EXT-001"' });
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(res.body.Resources.map((r: { id: string }) => r.id).sort(), [
          d.userIds.get('alice@example.com'), d.groupIds.get('Engineering'), d.groupIds.get('Sales'),
        ].sort());
      });

      it('searches only users when the filter names a User-only attribute', async () => {
        const res = await search({ filter: 'userName sw "bob"' });
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(userNamesOf(res.body), ['bob.smith@example.com', 'bob@example.com']);
      });

      it('searches only groups when the filter names a Group-only attribute', async () => {
        const res = await search({ filter: `members[value eq "${d.userIds.get('dave@example.com')}"]` });
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(res.body.Resources.map((g: { displayName: string }) => g.displayName), ['Everyone Else']);
      });

      it('answers 400 invalidFilter when no type has the attribute', async () => {
        const res = await search({ filter: 'nosuch eq "x"' });
        assertScimError(res, 400, 'invalidFilter');
        assert.match(res.body.detail, /Users have no "nosuch", Groups have no "nosuch"/);
      });

      it('answers 400 invalidFilter for a filter one type has but uses wrongly, rather than skipping that type', async () => {
        // userName exists on User only; "gt true" is a type error there, not an unknown attribute.
        const res = await search({ filter: 'active gt true' });
        assertScimError(res, 400, 'invalidFilter');
      });

      it('pages users then groups with RFC 9865 cursors, each exactly once and in index order', async () => {
        const whole = await search({ count: 1000 });
        const ids: string[] = [];
        let cursor: string | undefined = '';
        let pages = 0;
        while (cursor !== undefined) {
          const res = await search({ cursor, count: 4 });
          assert.equal(res.status, 200, res.raw);
          assert.equal(res.body.totalResults, ALL.length + 4);
          assert.equal(res.body.previousCursor, undefined);
          if (res.body.nextCursor !== undefined) assert.match(res.body.nextCursor, /^[A-Za-z0-9._~-]+$/);
          ids.push(...res.body.Resources.map((r: { id: string }) => r.id));
          cursor = res.body.nextCursor;
          pages++;
        }
        assert.equal(pages, Math.ceil((ALL.length + 4) / 4));
        assert.deepEqual(ids, whole.body.Resources.map((r: { id: string }) => r.id));
      });

      it('ends a cursor page exactly at the last user with a cursor to the groups', async () => {
        const first = await search({ cursor: '', count: ALL.length });
        assert.equal(first.body.Resources.length, ALL.length);
        assert.ok(first.body.nextCursor);
        const rest = await search({ cursor: first.body.nextCursor, count: ALL.length });
        assert.deepEqual(rest.body.Resources.map(kindOf), ['Group', 'Group', 'Group', 'Group']);
        assert.equal(rest.body.nextCursor, undefined);
      });

      it('answers 400 invalidCursor to a forged cursor, a /Users cursor, or a cursor replayed with another filter', async () => {
        const users = await d.server.scim('GET', '/scim/v2/Users?count=2&cursor=');
        const first = await search({ cursor: '', count: 2, filter: 'externalId pr' });
        for (const body of [
          { cursor: 'garbage' },
          { cursor: users.body.nextCursor },
          { cursor: first.body.nextCursor, filter: 'externalId eq "EXT-001"' },
        ]) {
          const res = await search({ count: 2, ...body });
          assertScimError(res, 400, 'invalidCursor');
        }
      });

      it('sorts by an attribute only users have, with groups (which lack it) last ascending and first descending', async () => {
        const up = await search({ sortBy: 'userName', count: 1000 });
        assert.equal(up.status, 200, up.raw);
        const kinds = up.body.Resources.map(kindOf);
        assert.deepEqual(kinds.slice(-4), ['Group', 'Group', 'Group', 'Group']);
        const names = up.body.Resources.slice(0, ALL.length).map((r: { userName: string }) => r.userName);
        assert.equal(names[0], 'alice@example.com');
        assert.equal(names.at(-1), '山田@example.jp');
        const down = await search({ sortBy: 'userName', sortOrder: 'descending', count: 1000 });
        assert.deepEqual(down.body.Resources.slice(0, 4).map(kindOf), ['Group', 'Group', 'Group', 'Group']);
        assert.equal(down.body.Resources[4].userName, '山田@example.jp');
        const paged = await search({ sortBy: 'userName', sortOrder: 'descending', startIndex: 4, count: 2 });
        assert.deepEqual(paged.body.Resources.map((r: { id: string }) => r.id), down.body.Resources.slice(3, 5).map((r: { id: string }) => r.id));
      });

      it('answers 400 invalidValue rather than a wrong order when sorting both types by an attribute both have', async () => {
        for (const sortBy of ['displayName', 'meta.created', 'nosuch']) {
          const res = await search({ sortBy });
          assertScimError(res, 400, 'invalidValue');
        }
        const oneType = await search({ sortBy: 'displayName', filter: 'members pr' });
        assert.equal(oneType.status, 200, oneType.raw);
        assert.deepEqual(oneType.body.Resources.map((g: { displayName: string }) => g.displayName), ['Engineering', 'Everyone Else', 'Sales']);
      });

      it('answers 400 invalidFilter when each side names an attribute of one type only', async () => {
        const res = await search({ filter: 'userName eq "x" or members pr' });
        assertScimError(res, 400, 'invalidFilter');
      });
    });
  });
}
