// Listing through the real server: sortBy/sortOrder (RFC 7644 §3.4.2.3), startIndex/count (§3.4.2.4) and
// RFC 9865 cursors, on every store.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../support/app.ts';
import { logSql } from '../support/sql-log.ts';
import { storeKinds } from '../support/stores.ts';
import { assertScimError } from '../support/scim.ts';
import { ALL_USER_NAMES, ENTERPRISE, USER_URN, seedDirectory, type Directory } from './directory-fixture.ts';

const names = (body: { Resources: { userName: string }[] }) => body.Resources.map((r) => r.userName);
const reversed = (list: readonly string[]) => [...list].reverse();
const CREATED = ALL_USER_NAMES;

/** Folded userNames in code-point order (bob.smith before bob: "." < "@"). */
const BY_USER_NAME = [
  'alice@example.com', 'bob.smith@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com',
  'DUPRÉ@example.com', 'erin@example.com', 'frank@example.com', 'grace@example.com', 'heidi@example.com',
  'ivan@example.com', 'judy@example.com', 'mallory@example.com', 'niaj@example.com', "o'neil@example.com",
  'olivia@example.com', 'peggy@example.com', 'rupert@example.com', 'sybil@example.com', 'trent@example.com',
  'under_score@example.com', 'victor@example.com', 'walter@example.com', 'Zoë@example.com', '山田@example.jp',
];
/** Family names folded (anders … zimmer, 山田), then dave, who has none. */
const BY_FAMILY_NAME = [
  'alice@example.com', 'bob@example.com', 'carol@example.com', 'DUPRÉ@example.com', 'erin@example.com',
  'frank@example.com', 'grace@example.com', 'heidi@example.com', 'ivan@example.com', 'judy@example.com',
  'mallory@example.com', 'niaj@example.com', "o'neil@example.com", 'olivia@example.com', 'peggy@example.com',
  'rupert@example.com', 'under_score@example.com', 'bob.smith@example.com', 'sybil@example.com', 'trent@example.com',
  'victor@example.com', 'walter@example.com', 'Zoë@example.com', '山田@example.jp', 'dave@example.com',
];
/** Users without a department, in creation order (the tie-breaker). */
const NO_DEPARTMENT = [
  'dave@example.com', 'ivan@example.com', 'judy@example.com', 'Zoë@example.com', '山田@example.jp',
  'under_score@example.com', 'mallory@example.com', 'olivia@example.com', 'rupert@example.com', 'sybil@example.com',
  'trent@example.com', 'victor@example.com', 'walter@example.com', "o'neil@example.com",
];
const ENGINEERING = ['alice@example.com', 'carol@example.com', 'grace@example.com', 'heidi@example.com'];
const SALES = ['bob@example.com', 'frank@example.com', 'bob.smith@example.com'];
const SUPPORT = ['niaj@example.com', 'peggy@example.com'];

/** [query string, expected userNames in order] */
const SORTS: [string, string[]][] = [
  ['sortBy=userName', BY_USER_NAME],
  ['sortBy=userName&sortOrder=ascending', BY_USER_NAME],
  ['sortBy=USERNAME&sortOrder=DESCENDING', reversed(BY_USER_NAME)],
  ['sortBy=name.familyName', BY_FAMILY_NAME],
  // Descending puts missing values first; ties keep creation order.
  ['sortBy=name.familyName&sortOrder=descending', ['dave@example.com', ...reversed(BY_FAMILY_NAME.slice(0, -1))]],
  ['sortBy=meta.created', CREATED],
  ['sortBy=meta.created&sortOrder=descending', reversed(CREATED)],
  ['sortOrder=descending', CREATED],
  [`sortBy=${ENTERPRISE}:department`, [...ENGINEERING, 'DUPRÉ@example.com', 'erin@example.com', ...SALES, ...SUPPORT, ...NO_DEPARTMENT]],
  [`sortBy=department&sortOrder=descending`, [...NO_DEPARTMENT, ...SUPPORT, ...SALES, 'erin@example.com', 'DUPRÉ@example.com', ...ENGINEERING]],
  // A multi-valued attribute sorts by its primary value (frank@x.org for frank, not his first email).
  ['sortBy=emails&filter=emails+pr', [
    'alice@example.com', 'bob.smith@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com', 'erin@example.com',
    'frank@example.com', 'heidi@example.com', 'ivan@example.com', 'niaj@example.com', '山田@example.jp', 'Zoë@example.com',
  ]],
  ['sortBy=employeeNumber&filter=employeeNumber+pr&sortOrder=descending', [
    'ivan@example.com', 'grace@example.com', 'frank@example.com', 'erin@example.com', 'carol@example.com', 'bob@example.com', 'alice@example.com',
  ]],
];

for (const kind of storeKinds()) {
  describe(`Sorting and paging lists on ${kind.name}`, () => {
    let d: Directory;
    let s: TestServer;
    before(async () => {
      d = await seedDirectory(kind);
      s = d.server;
    });
    after(() => s.close());
    const get = (query: string) => s.scim('GET', `/scim/v2/Users?${query}`);

    for (const [query, expected] of SORTS) {
      it(`orders GET /Users?${query} as expected`, async () => {
        const res = await get(`${query}&count=100`);
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(names(res.body), expected);
      });
    }

    it('answers 400 invalidValue to a sortBy naming an unknown attribute or a bad sortOrder', async () => {
      for (const query of ['sortBy=nosuch', 'sortBy=name', 'sortBy=userName&sortOrder=up', 'sortBy=emails[type eq "work"]']) {
        const res = await get(query);
        assertScimError(res, 400, 'invalidValue');
      }
    });

    describe('startIndex and count', () => {
      it('returns totalResults, itemsPerPage and startIndex for a page in the middle', async () => {
        const res = await get('startIndex=5&count=3');
        assert.equal(res.status, 200);
        assert.equal(res.body.totalResults, 25);
        assert.equal(res.body.itemsPerPage, 3);
        assert.equal(res.body.startIndex, 5);
        assert.deepEqual(names(res.body), CREATED.slice(4, 7));
      });

      it('returns only totalResults for count=0', async () => {
        const res = await get('count=0&filter=active+eq+false');
        assert.equal(res.status, 200);
        assert.equal(res.body.totalResults, 3);
        assert.equal(res.body.itemsPerPage, 0);
        assert.deepEqual(res.body.Resources ?? [], []);
      });

      it('returns no resources, but the right totalResults, for a startIndex beyond the end', async () => {
        const res = await get('startIndex=26&count=10');
        assert.equal(res.status, 200);
        assert.equal(res.body.totalResults, 25);
        assert.equal(res.body.startIndex, 26);
        assert.deepEqual(res.body.Resources, []);
      });

      it('returns the last partial page, with the totalResults of the whole set', async () => {
        const res = await get('startIndex=23&count=10');
        assert.deepEqual(names(res.body), CREATED.slice(22));
        assert.equal(res.body.itemsPerPage, 3);
        assert.equal(res.body.totalResults, 25);
      });

      for (const startIndex of ['0', '-5']) {
        it(`reads startIndex=${startIndex} as 1`, async () => {
          const res = await get(`startIndex=${startIndex}&count=2`);
          assert.equal(res.status, 200);
          assert.equal(res.body.startIndex, 1);
          assert.deepEqual(names(res.body), CREATED.slice(0, 2));
        });
      }

      it('reads a negative count as 0', async () => {
        const res = await get('count=-3');
        assert.equal(res.status, 200);
        assert.equal(res.body.totalResults, 25);
        assert.deepEqual(res.body.Resources, []);
      });

      for (const query of ['count=abc', 'count=1.5', 'startIndex=two', 'startIndex=1e400', 'count=0x10', 'count=1e2', 'startIndex=99999999999999999999']) {
        it(`answers 400 invalidValue to ${query}`, async () => {
          const res = await get(query);
          assertScimError(res, 400, 'invalidValue');
          assert.match(res.body.detail, /count|startIndex/);
        });
      }

      it('takes startIndex and count as JSON numbers or numeric strings in a .search body', async () => {
        for (const body of [{ startIndex: 3, count: 2 }, { startIndex: '3', count: '2' }]) {
          const res = await s.scim('POST', '/scim/v2/Users/.search', body);
          assert.equal(res.status, 200, res.raw);
          assert.deepEqual(names(res.body), CREATED.slice(2, 4));
        }
      });

      for (const [label, query] of [
        ['creation order', ''],
        ['userName order', '&sortBy=userName'],
        ['descending familyName order', '&sortBy=name.familyName&sortOrder=descending'],
        ['department order, with ties and missing values', '&sortBy=department'],
      ]) {
        it(`pages through all 25 users 4 at a time in ${label}, each exactly once`, async () => {
          const seen: string[] = [];
          for (let start = 1; start <= 25; start += 4) {
            const res = await get(`startIndex=${start}&count=4${query}`);
            assert.equal(res.body.totalResults, 25);
            seen.push(...names(res.body));
          }
          assert.equal(seen.length, 25);
          assert.deepEqual([...seen].sort(), [...CREATED].sort());
          const whole = await get(`count=25${query}`);
          assert.deepEqual(seen, names(whole.body));
        });
      }
    });

    describe('totalResults', () => {
      let sqlLog: ReturnType<typeof logSql>;
      before(() => {
        sqlLog = logSql(s);
      });
      after(() => sqlLog.stop());

      const ACTIVE_FALSE = 'active eq false'; // bob, frank, mallory
      /** [query, totalResults, rows on the page, whether a count(*) runs]: a first page that holds the whole set needs no count. */
      // How totalResults is known: the page's own length, a count(*) of the filtered set, or (unfiltered) the
      // company's count row kept by triggers.
      type Counted = 'page' | 'count(*)' | 'count row';
      const TOTALS: [Record<string, string>, number, number, Counted][] = [
        [{ filter: 'userName eq "alice@example.com"' }, 1, 1, 'page'],
        [{ filter: ACTIVE_FALSE, count: '10' }, 3, 3, 'page'],
        [{ filter: ACTIVE_FALSE, count: '10', sortBy: 'userName', sortOrder: 'descending' }, 3, 3, 'page'],
        [{ filter: 'userName eq "nobody@example.com"' }, 0, 0, 'page'],
        // A full first page: more may follow.
        [{ filter: ACTIVE_FALSE, count: '3' }, 3, 3, 'count(*)'],
        [{ count: '4' }, 25, 4, 'count row'],
        [{ filter: ACTIVE_FALSE, count: '0' }, 3, 0, 'count(*)'],
        // Short pages after the first, and a startIndex past the end.
        [{ filter: ACTIVE_FALSE, startIndex: '2', count: '10' }, 3, 2, 'count(*)'],
        [{ startIndex: '23', count: '10' }, 25, 3, 'count row'],
        [{ startIndex: '26', count: '10' }, 25, 0, 'count row'],
        [{ filter: ACTIVE_FALSE, startIndex: '4', count: '10' }, 3, 0, 'count(*)'],
        // A first cursor page reads one row more than asked, so a page of exactly `count` rows may hold all.
        [{ cursor: '', filter: ACTIVE_FALSE, count: '10' }, 3, 3, 'page'],
        [{ cursor: '', filter: ACTIVE_FALSE, count: '3' }, 3, 3, 'page'],
        [{ cursor: '', filter: 'userName eq "nobody@example.com"' }, 0, 0, 'page'],
        [{ cursor: '', filter: ACTIVE_FALSE, count: '2' }, 3, 2, 'count(*)'],
        [{ cursor: '', count: '0' }, 25, 0, 'count row'],
        [{ cursor: '', count: '10' }, 25, 10, 'count row'],
      ];
      for (const [params, total, rows, counted] of TOTALS) {
        const query = new URLSearchParams(params).toString();
        it(`answers GET /Users?${query} with totalResults ${total}, known from ${counted === 'page' ? 'the page itself' : `the ${counted}`}`, async () => {
          sqlLog.log.length = 0;
          const res = await get(query);
          assert.equal(res.status, 200, res.raw);
          assert.equal(res.body.totalResults, total);
          assert.equal(res.body.Resources.length, rows);
          const sqls = sqlLog.log.map((q) => q.sql);
          const how = sqls.some((q) => /count\(\*\)/i.test(q)) ? 'count(*)' : sqls.some((q) => /from "scim_resource_counts"/.test(q)) ? 'count row' : 'page';
          assert.equal(how, counted, sqls.join('\n'));
        });
      }

      it('answers a displayName eq lookup on /Groups with totalResults 1 and no count(*)', async () => {
        sqlLog.log.length = 0;
        const res = await s.scim('GET', `/scim/v2/Groups?filter=${encodeURIComponent('displayName eq "Sales"')}&excludedAttributes=members`);
        assert.equal(res.status, 200, res.raw);
        assert.equal(res.body.totalResults, 1);
        assert.ok(!sqlLog.log.some((q) => /count\(\*\)/i.test(q.sql)), sqlLog.log.map((q) => q.sql).join('\n'));
      });

      it('counts the whole set on a short cursor page after the first, forwards and backwards', async () => {
        const first = await get(`count=2&cursor=&filter=${encodeURIComponent(ACTIVE_FALSE)}`);
        const last = await get(`count=2&cursor=${first.body.nextCursor}&filter=${encodeURIComponent(ACTIVE_FALSE)}`);
        assert.deepEqual(names(last.body), ['mallory@example.com']);
        assert.equal(last.body.totalResults, 3);
        const back = await get(`count=2&cursor=${last.body.previousCursor}&filter=${encodeURIComponent(ACTIVE_FALSE)}`);
        assert.deepEqual(names(back.body), ['bob@example.com', 'frank@example.com']);
        assert.equal(back.body.totalResults, 3);
      });
    });

    describe('RFC 9865 cursors', () => {
      /** Follows nextCursor (or previousCursor) from `first`, collecting pages. */
      async function walk(query: string, cursor: string, direction: 'nextCursor' | 'previousCursor') {
        const pages: { body: any }[] = [];
        let next: string | undefined = cursor;
        for (let guard = 0; next !== undefined && guard < 50; guard++) {
          const res = await get(`${query}&cursor=${encodeURIComponent(next)}`);
          assert.equal(res.status, 200, res.raw);
          pages.push(res);
          next = res.body[direction];
        }
        return pages;
      }

      it('starts with an empty cursor and follows nextCursor to the end, every user exactly once', async () => {
        const pages = await walk('count=4', '', 'nextCursor');
        assert.equal(pages.length, 7);
        const seen = pages.flatMap((p) => names(p.body));
        assert.deepEqual(seen, CREATED);
        for (const [i, p] of pages.entries()) {
          assert.equal(p.body.totalResults, 25);
          assert.equal(p.body.itemsPerPage, p.body.Resources.length);
          assert.equal(p.body.startIndex, undefined, 'startIndex belongs to index paging');
          assert.equal('previousCursor' in p.body, i > 0, `page ${i} previousCursor`);
          assert.equal('nextCursor' in p.body, i < pages.length - 1, `page ${i} nextCursor`);
        }
      });

      it('walks back from the last page with previousCursor to the first', async () => {
        const forward = await walk('count=4', '', 'nextCursor');
        const lastPage = forward.at(-1)!;
        const back = await walk('count=4', lastPage.body.previousCursor, 'previousCursor');
        assert.deepEqual(back.map((p) => names(p.body)), forward.slice(0, -1).map((p) => names(p.body)).reverse());
        assert.ok(back.every((p) => p.body.totalResults === 25));
        assert.equal(back.at(-1)!.body.previousCursor, undefined);
        // and forward again from a page reached backwards
        const again = await walk('count=4', back.at(-1)!.body.nextCursor, 'nextCursor');
        assert.deepEqual(again.flatMap((p) => names(p.body)), CREATED.slice(4));
      });

      it('accepts a bare cursor parameter as the first page (GET /Users?cursor&count=10)', async () => {
        const res = await get('cursor&count=10');
        assert.equal(res.status, 200, res.raw);
        assert.deepEqual(names(res.body), CREATED.slice(0, 10));
        assert.ok(res.body.nextCursor);
        assert.equal(res.body.previousCursor, undefined);
      });

      it('issues cursors made only of RFC 3986 unreserved characters', async () => {
        const first = await get('count=4&cursor=');
        const second = await get(`count=4&cursor=${first.body.nextCursor}`);
        for (const c of [first.body.nextCursor, second.body.nextCursor, second.body.previousCursor]) {
          assert.match(c, /^[A-Za-z0-9._~-]+$/);
        }
      });

      it('pages a filtered list with cursors and omits nextCursor on a single last page', async () => {
        const res = await get(`count=10&cursor=&filter=${encodeURIComponent('active eq false')}`);
        assert.deepEqual(names(res.body), ['bob@example.com', 'frank@example.com', 'mallory@example.com']);
        assert.equal(res.body.totalResults, 3);
        assert.equal(res.body.nextCursor, undefined);
        assert.equal(res.body.previousCursor, undefined);
      });

      for (const [label, query, expected] of [
        ['userName order', 'sortBy=userName', BY_USER_NAME],
        ['descending familyName order (missing first)', 'sortBy=name.familyName&sortOrder=descending', ['dave@example.com', ...reversed(BY_FAMILY_NAME.slice(0, -1))]],
        ['department order (ties, missing last)', `sortBy=${ENTERPRISE}:department`, [...ENGINEERING, 'DUPRÉ@example.com', 'erin@example.com', ...SALES, ...SUPPORT, ...NO_DEPARTMENT]],
        ['descending department order (missing first)', 'sortBy=department&sortOrder=descending', [...NO_DEPARTMENT, ...SUPPORT, ...SALES, 'erin@example.com', 'DUPRÉ@example.com', ...ENGINEERING]],
        ['primary email order', 'sortBy=emails', [
          'alice@example.com', 'bob.smith@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com', 'erin@example.com',
          'frank@example.com', 'heidi@example.com', 'ivan@example.com', 'niaj@example.com', '山田@example.jp', 'Zoë@example.com',
          // no email: creation order
          'grace@example.com', 'judy@example.com', 'DUPRÉ@example.com', 'under_score@example.com', 'mallory@example.com', 'olivia@example.com',
          'peggy@example.com', 'rupert@example.com', 'sybil@example.com', 'trent@example.com', 'victor@example.com', 'walter@example.com', "o'neil@example.com",
        ]],
        // grace was pushed without active: a missing value, so last.
        ['active order (booleans)', 'sortBy=active', [
          'bob@example.com', 'frank@example.com', 'mallory@example.com',
          ...CREATED.filter((n) => !['bob@example.com', 'frank@example.com', 'mallory@example.com', 'grace@example.com'].includes(n)),
          'grace@example.com',
        ]],
      ] as [string, string, string[]][]) {
        it(`pages forward and back with cursors in ${label}, as index paging orders it`, async () => {
          const forward = await walk(`count=3&${query}`, '', 'nextCursor');
          assert.deepEqual(forward.flatMap((p) => names(p.body)), expected);
          const back = await walk(`count=3&${query}`, forward.at(-1)!.body.previousCursor, 'previousCursor');
          assert.deepEqual(back.reverse().flatMap((p) => names(p.body)), forward.slice(0, -1).flatMap((p) => names(p.body)));
        });
      }

      it('answers 400 invalidCursor to a cursor replayed with another filter', async () => {
        const first = await get('count=2&cursor=&filter=active+eq+true');
        const res = await get(`count=2&cursor=${first.body.nextCursor}&filter=active+eq+false`);
        assertScimError(res, 400, 'invalidCursor');
      });

      it('answers 400 invalidCursor to a cursor replayed with another sort order', async () => {
        const first = await get('count=2&cursor=&sortBy=userName');
        const res = await get(`count=2&cursor=${first.body.nextCursor}&sortBy=userName&sortOrder=descending`);
        assertScimError(res, 400, 'invalidCursor');
      });

      it('answers 400 invalidCursor to a Users cursor sent to /Groups', async () => {
        const first = await get('count=2&cursor=');
        const res = await s.scim('GET', `/scim/v2/Groups?count=2&cursor=${first.body.nextCursor}`);
        assertScimError(res, 400, 'invalidCursor');
      });

      for (const garbage of ['not-a-cursor', 'eyJkIjoibmV4dCJ9', Buffer.from('null').toString('base64url'), Buffer.from('{"d":"next","k":[1,2],"q":"x"}').toString('base64url')]) {
        it(`answers 400 invalidCursor to the forged cursor ${garbage}`, async () => {
          const res = await get(`count=2&cursor=${garbage}`);
          assertScimError(res, 400, 'invalidCursor');
        });
      }

      it('returns only totalResults for count=0 with a cursor', async () => {
        const res = await get('count=0&cursor=');
        assert.equal(res.status, 200);
        assert.equal(res.body.totalResults, 25);
        assert.deepEqual(res.body.Resources, []);
      });

      it('takes the cursor from a POST /Users/.search body', async () => {
        const first = await s.scim('POST', '/scim/v2/Users/.search', { cursor: '', count: 20, attributes: ['userName'] });
        assert.equal(first.status, 200, first.raw);
        assert.deepEqual(names(first.body), CREATED.slice(0, 20));
        const second = await s.scim('POST', '/scim/v2/Users/.search', { cursor: first.body.nextCursor, count: 20, attributes: ['userName'] });
        assert.deepEqual(names(second.body), CREATED.slice(20));
        assert.equal(second.body.nextCursor, undefined);
      });

      it('pages groups with cursors too', async () => {
        const pages = await (async () => {
          const out: string[] = [];
          let cursor: string | undefined = '';
          while (cursor !== undefined) {
            const res = await s.scim('GET', `/scim/v2/Groups?count=3&excludedAttributes=members&cursor=${cursor}`);
            assert.equal(res.status, 200, res.raw);
            out.push(...res.body.Resources.map((g: { displayName: string }) => g.displayName));
            cursor = res.body.nextCursor;
          }
          return out;
        })();
        assert.deepEqual(pages, ['Engineering', 'Sales', 'Everyone Else', 'Empty']);
      });

      it('neither skips nor repeats users when the user a cursor points at is deleted', async () => {
        const first = await get('count=4&cursor=');
        const edge = first.body.Resources[3];
        // A fresh server would be cleaner, but deleting and re-creating keeps the suite's directory intact.
        const gone = await s.scim('DELETE', `/scim/v2/Users/${edge.id}`);
        assert.equal(gone.status, 204);
        try {
          const rest = await walk('count=4', first.body.nextCursor, 'nextCursor');
          assert.deepEqual(rest.flatMap((p) => names(p.body)), CREATED.slice(4));
        } finally {
          const { id, meta, groups, ...body } = edge;
          const again = await s.scim('POST', '/scim/v2/Users', body);
          assert.equal(again.status, 201, again.raw);
          d.userIds.set(edge.userName, again.body.id);
        }
      });
    });
  });

  describe(`Paging users that share one creation time on ${kind.name}`, () => {
    let s: TestServer;
    before(async () => {
      // A pinned clock: every user gets the same meta.created, so only the id orders them.
      s = await startServer(kind, { now: () => new Date('2024-06-01T12:00:00.000Z') });
      for (let i = 0; i < 25; i++) {
        const res = await s.scim('POST', '/scim/v2/Users', { schemas: [USER_URN], userName: `twin${String(i).padStart(2, '0')}@example.com`, name: { familyName: i % 3 ? 'Same' : 'Other' } });
        assert.equal(res.status, 201, res.raw);
      }
    });
    after(() => s.close());

    for (const query of ['', '&sortBy=meta.created', '&sortBy=name.familyName', '&sortBy=name.familyName&sortOrder=descending']) {
      it(`pages through them 4 at a time with startIndex${query ? ` and ${query.slice(1)}` : ''}, each exactly once`, async () => {
        const seen: string[] = [];
        for (let start = 1; start <= 25; start += 4) {
          const res = await s.scim('GET', `/scim/v2/Users?startIndex=${start}&count=4${query}`);
          seen.push(...res.body.Resources.map((r: { id: string }) => r.id));
        }
        assert.equal(new Set(seen).size, 25);
      });

      it(`pages through them 4 at a time with cursors${query ? ` and ${query.slice(1)}` : ''}, each exactly once`, async () => {
        const seen: string[] = [];
        let cursor: string | undefined = '';
        while (cursor !== undefined) {
          const res = await s.scim('GET', `/scim/v2/Users?count=4&cursor=${cursor}${query}`);
          assert.equal(res.status, 200, res.raw);
          seen.push(...res.body.Resources.map((r: { id: string }) => r.id));
          cursor = res.body.nextCursor;
        }
        assert.equal(seen.length, 25);
        assert.equal(new Set(seen).size, 25);
      });
    }
  });

  describe(`maxResults on ${kind.name}`, () => {
    let s: TestServer;
    let maxResults: number;
    let defaultPageSize: number;
    before(async () => {
      s = await startServer(kind);
      const spc = await s.scim('GET', '/scim/v2/ServiceProviderConfig');
      maxResults = spc.body.filter.maxResults;
      defaultPageSize = spc.body.pagination.defaultPageSize;
      assert.equal(spc.body.pagination.maxPageSize, maxResults);
      // maxResults + 1 users, created through Bulk in requests of at most maxOperations.
      const maxOperations: number = spc.body.bulk.maxOperations;
      const total = maxResults + 1;
      for (let done = 0; done < total; done += maxOperations) {
        const n = Math.min(maxOperations, total - done);
        const res = await s.scim('POST', '/scim/v2/Bulk', {
          schemas: ['urn:ietf:params:scim:api:messages:2.0:BulkRequest'],
          Operations: Array.from({ length: n }, (_, i) => ({
            method: 'POST', path: '/Users', bulkId: `u${done + i}`, data: { schemas: [USER_URN], userName: `bulk${done + i}@example.com` },
          })),
        });
        assert.equal(res.status, 200, res.raw.slice(0, 500));
        assert.ok(res.body.Operations.every((o: { status: string }) => o.status === '201'));
      }
    });
    after(() => s.close());

    it('caps a count above the advertised maxResults at maxResults', async () => {
      const res = await s.scim('GET', `/scim/v2/Users?count=${maxResults + 500}&attributes=userName`);
      assert.equal(res.status, 200);
      assert.equal(res.body.totalResults, maxResults + 1);
      assert.equal(res.body.Resources.length, maxResults);
      assert.equal(res.body.itemsPerPage, maxResults);
    });

    it('caps cursor pages at maxResults too, and the next page holds the rest', async () => {
      const res = await s.scim('GET', `/scim/v2/Users?count=${maxResults * 2}&cursor=&attributes=userName`);
      assert.equal(res.body.Resources.length, maxResults);
      const rest = await s.scim('GET', `/scim/v2/Users?count=${maxResults * 2}&cursor=${res.body.nextCursor}&attributes=userName`);
      assert.equal(rest.body.Resources.length, 1);
    });

    it('returns the advertised defaultPageSize when no count is given', async () => {
      const res = await s.scim('GET', '/scim/v2/Users?attributes=userName');
      assert.equal(res.body.Resources.length, defaultPageSize);
      assert.equal(res.body.totalResults, maxResults + 1);
    });
  });
}
