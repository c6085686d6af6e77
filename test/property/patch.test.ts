// Property: random PATCH operation lists on an existing user and group (ops, paths and values from the
// valid grammar in Entra's and Okta's dialects, and mutations of them) never answer a 500; a 4xx leaves the
// resource exactly as it was (same row, same meta.version); a 2xx stores exactly what the pure engine
// (src/scim/patch/apply.ts applyPatch) makes of the previous resource, with the version moved on only when
// something changed. The user and group carry every change into the next run, so the runs walk through
// many states.
//
// Reproduce a run: FC_SEED=<printed seed> ROSTER_TEST_POSTGRES_URL=… npm test -- property/patch
import { jsonDepth } from '../../src/http/body.ts';
import { SCIM_LIMITS } from '../../src/scim/limits.ts';
import { CLI_ACTOR } from '../../src/directory/audit.ts';
import { updateScimSetting } from '../../src/provisioning/scim-setting-rules.ts';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { foldString } from '../../src/scim/fold.ts';
import { applyPatch, type MemberChange } from '../../src/scim/patch/apply.ts';
import type { ScimResource } from '../../src/scim/resource.ts';
import { startServer, type TestServer } from '../support/app.ts';
import { createGroup, createUser, ENT, USER_URN } from '../support/scim.ts';
import { storeKinds } from '../support/stores.ts';
import { groupPatch, userPatch } from './bodies.ts';
import { assertScimAnswer, inject, mutated, params, Tally } from './support.ts';

const MISSING = '00000000-0000-4000-8000-000000000000';
const TAKEN_USER = 'taken@contoso.com';
const MAIL = 'urn:ietf:params:scim:schemas:extension:RosterTest:2.0:User';
const TAKEN_GROUP = 'taken group';

interface Row {
  resource: ScimResource;
  version: number;
  members: string[];
}

/** The membership after `changes`, applied in order as the store applies them. */
function applyMembers(before: readonly string[], changes: readonly MemberChange[]): string[] {
  let set = new Set(before);
  for (const c of changes) {
    if (c.op === 'add') c.ids.forEach((id) => set.add(id));
    else if (c.op === 'remove') c.ids.forEach((id) => set.delete(id));
    else if (c.op === 'removeAll') set = new Set();
    else set = new Set(c.ids);
  }
  return [...set].sort();
}

/** Whether one change leaves `members` as they are. */
function noOp(c: MemberChange, members: readonly string[]): boolean {
  if (c.op === 'removeAll') return members.length === 0;
  if (c.op === 'add') return c.ids.every((id) => members.includes(id));
  if (c.op === 'remove') return c.ids.every((id) => !members.includes(id));
  return new Set(c.ids).size === members.length && c.ids.every((id) => members.includes(id));
}

for (const kind of storeKinds()) {
  describe(`random PATCH operations on ${kind.name}`, () => {
    let s: TestServer;
    const fx = { user: '', group: '', members: [] as string[] };

    before(async () => {
      s = await startServer(kind);
      // The target user's address comes from an extension no random PATCH touches, so a PATCH that empties
      // emails and userName's address is still a valid request for the engine and the server alike.
      await updateScimSetting(s.store, s.settingId, { mappings: [`email=${MAIL}:mail`] }, CLI_ACTOR);
      fx.user = (
        await createUser(s, {
          schemas: [USER_URN, ENT, MAIL],
          [MAIL]: { mail: 'target@contoso.com' },
          displayName: 'Patch Target',
          name: { givenName: 'Ann', familyName: 'Smith' },
          emails: [{ value: 'ann@contoso.com', type: 'work', primary: true }, { value: 'ann@home.org', type: 'home' }],
          phoneNumbers: [{ value: '555-0100', type: 'mobile' }],
          addresses: [{ type: 'work', locality: 'Redmond' }],
          [ENT]: { department: 'Sales', manager: { value: 'mgr-1' } },
        })
      ).id;
      await createUser(s, { userName: TAKEN_USER });
      fx.members = [(await createUser(s)).id, (await createUser(s)).id, (await createUser(s)).id];
      fx.group = (await createGroup(s, { members: [{ value: fx.members[0] }] })).id;
      await createGroup(s, { displayName: TAKEN_GROUP });
    });
    after(async () => {
      await s.close();
    });

    async function row(table: 'scim_users' | 'scim_groups', id: string): Promise<Row> {
      const r = await s.store.db.selectFrom(table).select(['resource', 'version']).where('id', '=', id).executeTakeFirstOrThrow();
      const members = table === 'scim_groups' ? (await s.store.db.selectFrom('scim_group_members').select('user_id').where('group_id', '=', id).execute()).map((m) => m.user_id).sort() : [];
      return { resource: s.store.dialect.fromJson<ScimResource>(r.resource), version: Number(r.version), members };
    }

    /** One PATCH, held to the engine: the same outcome, the same resource, the version moved on only by a change. */
    async function check(tally: Tally, type: 'User' | 'Group', id: string, body: unknown) {
      const table = type === 'User' ? 'scim_users' : 'scim_groups';
      const url = `/scim/v2/${type}s/${id}`;
      const prior = await row(table, id);
      const priorWire = (await inject(s, s.token, 'GET', url)).body;
      const engine = applyPatch(type, structuredClone(prior.resource), body);
      const text = JSON.stringify(body);
      const res = await inject(s, s.token, 'PATCH', url, text);
      const what = `PATCH ${type} ${text}\n  on ${JSON.stringify(prior.resource)}`;
      tally.add(`${type} ${res.status}${engine.ok ? '' : ` (${engine.error.scimType})`}`);
      assertScimAnswer(res, what);
      const now = await row(table, id);

      if (res.status >= 400) {
        assert.deepEqual(now, prior, `a ${res.status} changed the ${type}: ${what} → ${res.raw}`);
        assert.deepEqual((await inject(s, s.token, 'GET', url)).body, priorWire, `a ${res.status} changed what GET answers: ${what}`);
        // A body nested deeper than the limit is refused by the HTTP layer before any engine sees it.
        if (jsonDepth(text) > SCIM_LIMITS.jsonDepth) {
          assert.deepEqual([res.status, res.body.scimType], [400, 'invalidSyntax'], `${what} → ${res.raw}`);
          return;
        }
        if (!engine.ok) {
          assert.equal(res.status, engine.error.status, `${what} → ${res.raw}; the engine says ${engine.error.detail}`);
          assert.equal(res.body.scimType, engine.error.scimType, `${what} → ${res.raw}; the engine says ${engine.error.detail}`);
          return;
        }
        // The engine accepts; only the store may still refuse: a name another resource holds, or a member who is no user.
        const result = engine.value.resource;
        const name = type === 'User' ? result.userName : result.displayName;
        const taken = type === 'User' ? TAKEN_USER : TAKEN_GROUP;
        if (res.status === 409 && typeof name === 'string' && foldString(name) === foldString(taken)) return;
        const unknown = engine.value.members.some((c) => (c.op === 'add' || c.op === 'replace') && c.ids.some((m) => !fx.members.includes(m) && m !== fx.user));
        if (res.status === 400 && res.body.scimType === 'invalidValue' && unknown) return;
        assert.fail(`the server refused what the engine applies: ${what} → ${res.status} ${res.raw}\n  engine: ${JSON.stringify(result)}`);
      }

      assert.ok(engine.ok, `the server applied what the engine refuses (${!engine.ok && engine.error.detail}): ${what} → ${res.status} ${res.raw.slice(0, 400)}`);
      assert.deepEqual(now.resource, engine.value.resource, `stored resource differs from the engine's: ${what}`);
      const members = type === 'Group' ? applyMembers(prior.members, engine.value.members) : [];
      assert.deepEqual(now.members, members, `members differ from the engine's changes ${JSON.stringify(engine.value.members)}: ${what}`);
      const changed = JSON.stringify(now.resource) !== JSON.stringify(prior.resource) || now.members.join() !== prior.members.join();
      // The store decides "nothing changed" without loading the membership: each member change must be a no-op
      // against the stored members (src/store/scim-groups.ts memberChangesAreNoOps). A list that only nets to no
      // change ([add X, remove X]) is written and moves the version on: allowed, though never required.
      const netOnly = !changed && !engine.value.members.every((c) => noOp(c, prior.members));
      if (netOnly) tally.add(`${type} net no-op written`);
      else assert.equal(now.version, changed ? prior.version + 1 : prior.version, `version after ${changed ? 'a change' : 'no change'}: ${what}`);
      if (res.status === 200) {
        const after = (await inject(s, s.token, 'GET', url)).body;
        assert.deepEqual(res.body, after, `the PATCH answer is not what GET then reads: ${what}`);
      }
    }

    it('answers a random user PATCH as the pure engine applies it, and a refused one changes nothing', async () => {
      const tally = new Tally();
      await fc.assert(
        fc.asyncProperty(fc.oneof({ weight: 3, arbitrary: userPatch }, { weight: 1, arbitrary: mutated(userPatch, 2) }), (body) => check(tally, 'User', fx.user, body)),
        params(`user PATCH on ${kind.name}`, 150),
      );
      tally.print(`user PATCH answers on ${kind.name}`);
    });

    it('answers a random group PATCH as the pure engine applies it, members included, and a refused one changes nothing', async () => {
      const tally = new Tally();
      const ops = groupPatch([...fx.members, MISSING]);
      await fc.assert(
        fc.asyncProperty(fc.oneof({ weight: 3, arbitrary: ops }, { weight: 1, arbitrary: mutated(ops, 2) }), (body) => check(tally, 'Group', fx.group, body)),
        params(`group PATCH on ${kind.name}`, 120),
      );
      tally.print(`group PATCH answers on ${kind.name}`);
    });
  });
}
