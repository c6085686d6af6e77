// Valid request bodies as the identity providers send them (../shared/reference/idp-requests.md, test/idp):
// Entra's and Okta's Users and Groups, PatchOps in both dialects, Bulk and .search bodies. The properties
// send these as they are and mutated (support.ts mutated()).
import fc from 'fast-check';
import { ENT, GROUP_URN, PATCH_OP_URN, USER_URN } from '../support/scim.ts';
import { text } from './support.ts';

export const BULK_URN = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const SEARCH_URN = 'urn:ietf:params:scim:api:messages:2.0:SearchRequest';
const MS_GROUP = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

/** A small vocabulary, so random values collide with stored ones and filters find something. */
export const word = fc.constantFrom('ann', 'Ann', 'ANN', 'bob', 'Zoë', 'zoe', 'dupré', 'DUPRE\u0301', 'x', 'x_y', '50%', 'a.b', '');
export const emailValue = fc.constantFrom('ann@contoso.com', 'Ann@Contoso.com', 'bob@fabrikam.com', 'x_y@contoso.com', 'zoë@x.org');
const entraBool = fc.oneof(fc.boolean(), fc.constantFrom('True', 'False', 'true', 'false'));

let serial = 0;
/** Unique per value generated (so creates do not collide), still shaped like a UPN. */
const userName = fc.tuple(word, fc.constantFrom('contoso.com', 'fabrikam.onmicrosoft.com', 'x.org')).map(([w, d]) => `${w}${++serial}@${d}`);

export const entraUser = fc.record(
  {
    schemas: fc.constant([USER_URN, ENT]),
    externalId: fc.uuid().map((u) => u.slice(0, 18)),
    userName,
    active: entraBool,
    displayName: fc.oneof(word, text(40)),
    title: word,
    preferredLanguage: fc.constantFrom('en-US', 'fr-FR', 'de'),
    name: fc.record({ givenName: word, familyName: word, formatted: word }, { requiredKeys: [] }),
    emails: fc.array(fc.record({ primary: fc.boolean(), type: fc.constantFrom('work', 'home', 'other'), value: emailValue }), { maxLength: 3 }),
    phoneNumbers: fc.array(fc.record({ type: fc.constantFrom('work', 'mobile', 'fax'), value: fc.constantFrom('+1 555 0100', '555-0199') }), { maxLength: 2 }),
    addresses: fc.array(
      fc.record({ type: fc.constant('work'), formatted: word, streetAddress: word, locality: word, region: word, postalCode: fc.constantFrom('98052', '75001'), country: fc.constantFrom('US', 'FR') }, { requiredKeys: ['type'] }),
      { maxLength: 1 },
    ),
    [ENT]: fc.record({ employeeNumber: fc.constantFrom('701984', '1', 'E-7'), department: word, costCenter: word, manager: fc.record({ value: fc.constantFrom('mgr-1', 'MGR-1') }) }, { requiredKeys: [] }),
  },
  { requiredKeys: ['schemas', 'userName'] },
);

export const oktaUser = fc.record({
  schemas: fc.constant([USER_URN]),
  userName,
  name: fc.record({ givenName: word, familyName: word }),
  emails: fc.constant([{ primary: true, value: 'test.user@okta.local', type: 'work' }]),
  displayName: word,
  locale: fc.constant('en-US'),
  externalId: fc.uuid(),
  groups: fc.constant([]),
  password: fc.constant('1mz050nq'),
  active: fc.boolean(),
});

export const userBody = fc.oneof(entraUser, oktaUser);

const displayName = fc.tuple(word, fc.nat()).map(([w, n]) => `${w} group ${n}-${++serial}`);
export const groupBody = (memberIds: readonly string[] = []) =>
  fc.oneof(
    fc.record({ schemas: fc.constant([GROUP_URN, MS_GROUP]), externalId: fc.uuid(), displayName, members: fc.constant([]) }, { requiredKeys: ['schemas', 'displayName'] }),
    fc.record({
      schemas: fc.constant([GROUP_URN]),
      displayName,
      members: fc.subarray([...memberIds]).map((ids) => ids.map((value) => ({ value, display: 'x' }))),
    }),
  );

// ------------------------------------------------------------------------------------------- PatchOps

const opName = fc.oneof(
  { weight: 15, arbitrary: fc.constantFrom('add', 'replace', 'remove', 'Add', 'Replace', 'Remove') },
  { weight: 1, arbitrary: fc.constantFrom('ADD', 'move', 'copy', 'test', '', 'delete') },
);

/** User paths: simple, sub-attributes, value filters, extension URNs, core-URN-qualified, read-only, unknown. */
export const userPath = fc.constantFrom(
  'active',
  'displayName',
  'title',
  'nickName',
  'userName',
  'externalId',
  'preferredLanguage',
  'name',
  'name.givenName',
  'name.familyName',
  'emails',
  'emails[type eq "work"]',
  'emails[type eq "work"].value',
  'emails[type eq "work" and primary eq true].value',
  'emails[value co "contoso"]',
  'phoneNumbers[type eq "mobile"].value',
  'addresses[type eq "work"].locality',
  'addresses[type eq "work"].postalCode',
  `${ENT}:employeeNumber`,
  `${ENT}:department`,
  `${ENT}:manager`,
  `${ENT}:manager.value`,
  ENT,
  `${USER_URN}:nickName`,
  `${USER_URN}:name.givenName`,
  'id',
  'meta.created',
  'groups',
  'unknownAttribute',
  'emails[type eq]',
  'name..givenName',
);

/** A value shaped for `path` (what an IdP would send there), or any value. */
function userValue(path: string | undefined): fc.Arbitrary<unknown> {
  const str = fc.oneof(word, text(30));
  if (path === undefined) {
    return fc.record(
      { active: entraBool, displayName: str, title: str, 'name.givenName': word, 'emails[type eq "work"].value': emailValue, [`${ENT}:department`]: word, nickName: word },
      { requiredKeys: [] },
    );
  }
  if (path === 'active') return entraBool;
  // Now and then the name another user holds (the PATCH property keeps one): 409 uniqueness.
  if (path === 'userName') return fc.oneof({ weight: 4, arbitrary: str }, { weight: 1, arbitrary: fc.constant('Taken@Contoso.com') });
  if (path === 'name') return fc.record({ givenName: word, familyName: word }, { requiredKeys: [] });
  if (path === 'emails') return fc.array(fc.record({ type: fc.constantFrom('work', 'home'), value: emailValue, primary: fc.boolean() }, { requiredKeys: ['value'] }), { maxLength: 3 });
  if (path === 'emails[type eq "work"]') return fc.record({ value: emailValue, primary: fc.boolean() }, { requiredKeys: [] });
  if (path.endsWith(':manager')) return fc.oneof(fc.record({ value: word }), word);
  if (path === ENT) return fc.record({ department: word, employeeNumber: word }, { requiredKeys: [] });
  return str;
}

/** One operation as an IdP writes it: add/replace with a path and a value, remove with a path. */
export const userOperation = fc.oneof(userPath.map((p) => p as string | undefined), fc.constant(undefined)).chain((path) =>
  fc.record(
    { op: opName, ...(path !== undefined ? { path: fc.constant(path) } : {}), value: userValue(path) },
    { requiredKeys: ['op'] },
  ),
);

export const userPatch = fc.array(userOperation, { minLength: 1, maxLength: 5 }).map((Operations) => ({ schemas: [PATCH_OP_URN], Operations }));

/** Group operations: rename, member add/remove in Entra's and Okta's shapes, externalId. `ids` may include unknown ones. */
export function groupOperation(ids: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  const id = fc.constantFrom(...ids, '00000000-0000-4000-8000-000000000000');
  const refs = fc.array(id.map((value) => ({ value })), { minLength: 1, maxLength: 3 });
  return fc.oneof(
    fc.record({ op: opName, path: fc.constant('displayName'), value: fc.oneof({ weight: 4, arbitrary: displayName }, { weight: 1, arbitrary: fc.constant('TAKEN group') }) }),
    fc.record({ op: opName, path: fc.constant('externalId'), value: fc.oneof(word, fc.uuid()) }),
    fc.record({ op: opName, path: fc.constant('members'), value: refs }),
    fc.record({ op: fc.constantFrom('remove', 'Remove'), path: id.map((v) => `members[value eq "${v}"]`) }),
    fc.record({ op: fc.constantFrom('remove', 'Remove'), path: fc.constant('members') }),
    fc.record({ op: fc.constantFrom('replace', 'Replace'), value: fc.record({ displayName, externalId: word }, { requiredKeys: [] }) }),
    fc.record({ op: opName, path: fc.constantFrom('members[value eq "x"].display', 'id', 'meta', 'unknown', 'members.value'), value: word }),
  );
}

export const groupPatch = (ids: readonly string[]) =>
  fc.array(groupOperation(ids), { minLength: 1, maxLength: 5 }).map((Operations) => ({ schemas: [PATCH_OP_URN], Operations }));

// ------------------------------------------------------------------------------------- Bulk and search

export const bulkBody = (userId: string, groupId: string) =>
  fc.array(
    fc.oneof(
      userBody.map((data) => ({ method: 'POST', path: '/Users', bulkId: `b${++serial}`, data })),
      groupBody().map((data) => ({ method: 'POST', path: '/Groups', bulkId: `g${++serial}`, data })),
      userPatch.map((data) => ({ method: 'PATCH', path: `/Users/${userId}`, data })),
      groupPatch([userId]).map((data) => ({ method: 'PATCH', path: `/Groups/${groupId}`, data })),
      fc.constant({ method: 'DELETE', path: '/Users/00000000-0000-4000-8000-000000000000' }),
      fc.constant({ method: 'PATCH', path: `/Groups/${groupId}`, data: { schemas: [PATCH_OP_URN], Operations: [{ op: 'add', path: 'members', value: [{ value: 'bulkId:b1' }] }] } }),
    ),
    { minLength: 1, maxLength: 4 },
  ).map((Operations) => ({ schemas: [BULK_URN], failOnErrors: 1, Operations }));

export const searchBody = (filter: fc.Arbitrary<string>) =>
  fc.record(
    {
      schemas: fc.constant([SEARCH_URN]),
      filter,
      attributes: fc.subarray(['userName', 'displayName', 'emails', 'members', 'name.givenName', ENT]),
      excludedAttributes: fc.subarray(['members', 'groups', 'emails']),
      sortBy: fc.constantFrom('userName', 'displayName', 'meta.created', 'name.familyName', 'emails'),
      sortOrder: fc.constantFrom('ascending', 'descending'),
      startIndex: fc.integer({ min: -1, max: 5 }),
      count: fc.integer({ min: -1, max: 5 }),
      cursor: fc.constantFrom('', 'abc'),
    },
    { requiredKeys: ['schemas'] },
  );
