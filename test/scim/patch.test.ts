// RFC 7644 §3.5.2 rules of the PATCH engine, one row per rule or decision.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { applyPatch } from '../../src/scim/patch/index.ts';
import { ENTERPRISE_USER_URN as ENT, GROUP_URN, USER_URN } from '../../src/scim/schemas/urns.ts';
import { patchBody, runRows, type PatchRow } from './patch-table.ts';

const user = {
  schemas: [USER_URN],
  userName: 'bjensen',
  name: { givenName: 'Barbara', familyName: 'Jensen' },
  active: true,
  emails: [{ value: 'bjensen@example.com', type: 'work', primary: true }],
};
const home = { value: 'babs@jensen.org', type: 'home' };
const twoEmails = { ...user, emails: [...user.emails, home] };
const group = { schemas: [GROUP_URN], displayName: 'Tour Guides' };

const messageRows: PatchRow[] = [
  { name: 'refuses a body that is not an object', resource: user, body: [], error: { scimType: 'invalidSyntax' } },
  { name: 'refuses a body whose schemas name something other than PatchOp', resource: user, body: { schemas: [USER_URN], Operations: [{ op: 'add', path: 'title', value: 'x' }] }, error: { scimType: 'invalidSyntax' } },
  { name: 'accepts a body without schemas', resource: user, body: { Operations: [{ op: 'add', path: 'title', value: 'x' }] }, expected: { ...user, title: 'x' } },
  { name: 'accepts the PatchOp URN in any case and "operations" in any case', resource: user, body: { schemas: ['URN:IETF:PARAMS:SCIM:API:MESSAGES:2.0:PATCHOP'], operations: [{ OP: 'ADD', Path: 'title', Value: 'x' }] }, expected: { ...user, title: 'x' } },
  { name: 'refuses a body without Operations', resource: user, body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] }, error: { scimType: 'invalidSyntax' } },
  { name: 'refuses an empty Operations array', resource: user, ops: [], error: { scimType: 'invalidSyntax' } },
  { name: 'refuses an operation that is not an object', resource: user, ops: ['add'], error: { scimType: 'invalidSyntax' } },
  { name: 'refuses an unknown op and names it', resource: user, ops: [{ op: 'copy', path: 'title', value: 'x' }], error: { scimType: 'invalidSyntax', detail: 'Operations[0].op must be "add", "replace" or "remove", got "copy"' } },
  { name: 'refuses a path that is not a string', resource: user, ops: [{ op: 'add', path: 5, value: 'x' }], error: { scimType: 'invalidPath' } },
  { name: 'refuses a path it cannot parse', resource: user, ops: [{ op: 'add', path: 'emails[type eq', value: 'x' }], error: { scimType: 'invalidPath' } },
  { name: 'refuses __proto__ as a path', resource: user, ops: [{ op: 'add', path: '__proto__.polluted', value: 1 }], error: { scimType: 'invalidPath' } },
  { name: 'refuses __proto__ inside a value', resource: user, body: JSON.parse('{"Operations":[{"op":"add","value":{"__proto__":{"polluted":1}}}]}'), error: { scimType: 'invalidSyntax' } },
  { name: 'refuses constructor anywhere in the body', resource: user, body: JSON.parse('{"Operations":[{"op":"add","path":"name","value":{"constructor":{"x":1}}}]}'), error: { scimType: 'invalidSyntax' } },
  { name: 'refuses an add without a value', resource: user, ops: [{ op: 'add', path: 'title' }], error: { scimType: 'invalidValue' } },
  { name: 'refuses a path-less add whose value is not an object', resource: user, ops: [{ op: 'add', value: 'x' }], error: { scimType: 'invalidValue' } },
];

const ruleRows: PatchRow[] = [
  { name: 'refuses a remove without a path as noTarget (RFC 7644 §3.5.2.2)', resource: user, ops: [{ op: 'remove' }], error: { scimType: 'noTarget' } },
  { name: 'refuses removing userName as a missing required value (RFC 7644 §3.12)', resource: user, ops: [{ op: 'remove', path: 'userName' }], error: { scimType: 'invalidValue', detail: "Attribute 'userName' is required" } },
  { name: 'refuses blanking userName', resource: user, ops: [{ op: 'replace', path: 'userName', value: '' }], error: { scimType: 'invalidValue' } },
  { name: 'refuses removing a group\'s displayName', type: 'Group', resource: group, ops: [{ op: 'remove', path: 'displayName' }], error: { scimType: 'invalidValue', detail: "Attribute 'displayName' is required" } },
  { name: 'refuses changing id as a mutability error', resource: user, ops: [{ op: 'replace', path: 'id', value: 'x' }], error: { scimType: 'mutability', detail: "Attribute 'id' is readOnly" } },
  { name: 'refuses changing meta.lastModified', resource: user, ops: [{ op: 'replace', path: 'meta.lastModified', value: '2024-01-01T00:00:00Z' }], error: { scimType: 'mutability' } },
  { name: 'refuses adding groups to a user, which come from group membership', resource: user, ops: [{ op: 'add', path: 'groups', value: [{ value: 'g1' }] }], error: { scimType: 'mutability' } },
  { name: 'refuses setting the manager\'s read-only displayName', resource: user, ops: [{ op: 'add', path: `${ENT}:manager.displayName`, value: 'Boss' }], error: { scimType: 'mutability' } },
  { name: 'refuses "maybe" for active with the same message as POST', resource: user, ops: [{ op: 'replace', path: 'active', value: 'maybe' }], error: { scimType: 'invalidValue', detail: 'Attribute \'active\' must be a boolean, got "maybe"' } },
  { name: 'refuses a number as an e-mail address', resource: user, ops: [{ op: 'add', path: 'emails[type eq "work"].value', value: 42 }], error: { scimType: 'invalidValue', detail: "Attribute 'emails.value' must be a string, got 42" } },
  { name: 'refuses a value filter on a single-valued attribute', resource: user, ops: [{ op: 'replace', path: 'name[givenName eq "x"]', value: {} }], error: { scimType: 'invalidPath' } },
  { name: 'refuses a value filter on an unknown sub-attribute', resource: user, ops: [{ op: 'replace', path: 'emails[kind eq "work"].value', value: 'x' }], error: { scimType: 'invalidFilter' } },
  { name: 'ignores an attribute it does not know, as POST does', resource: user, ops: [{ op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:tag', value: '701984' }], expected: user },
  { name: 'keeps an attribute of a custom extension, as POST does', resource: user, ops: [{ op: 'add', path: 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:tag', value: '701984' }], expected: { ...user, schemas: [...(user.schemas as string[]), 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User'], 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User': { tag: '701984' } } },
  { name: 'ignores a password set through a path', resource: user, ops: [{ op: 'replace', path: 'password', value: 'x' }], expected: user },
  { name: 'appends to a multi-valued attribute on add', resource: user, ops: [{ op: 'add', path: 'emails', value: [home] }], expected: twoEmails },
  { name: 'does not add an e-mail that is already there, whatever its case', resource: user, ops: [{ op: 'add', path: 'emails', value: [{ value: 'BJensen@Example.com', type: 'work' }] }], expected: user },
  { name: 'replaces a whole multi-valued attribute', resource: twoEmails, ops: [{ op: 'replace', path: 'emails', value: [{ value: 'new@x.org' }] }], expected: { ...user, emails: [{ value: 'new@x.org' }] } },
  { name: 'wraps a single object given for a multi-valued attribute', resource: user, ops: [{ op: 'replace', path: 'emails', value: { value: 'new@x.org' } }], expected: { ...user, emails: [{ value: 'new@x.org' }] } },
  { name: 'unassigns a multi-valued attribute replaced with null', resource: twoEmails, ops: [{ op: 'replace', path: 'emails', value: null }], expected: { ...user, emails: undefined } },
  {
    name: 'clears the old primary when an added e-mail is primary (RFC 7643 §2.4)',
    resource: user,
    ops: [{ op: 'add', path: 'emails', value: [{ ...home, primary: true }] }],
    expected: { ...user, emails: [{ ...user.emails[0], primary: false }, { ...home, primary: true }] },
  },
  {
    name: 'clears the old primary when a filter sets another primary with the string "True"',
    resource: twoEmails,
    ops: [{ op: 'replace', path: 'emails[type eq "home"].primary', value: 'True' }],
    expected: { ...user, emails: [{ ...user.emails[0], primary: false }, { ...home, primary: true }] },
  },
  { name: 'refuses a replace through a non-eq filter that matches nothing as noTarget (RFC 7644 §3.5.2.3)', resource: user, ops: [{ op: 'replace', path: 'emails[value co "nowhere"].value', value: 'x@y' }], error: { scimType: 'noTarget' } },
  {
    name: 'creates the element for a replace through an eq filter that matches nothing, as Entra expects',
    resource: user,
    ops: [{ op: 'replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+1 555 0100' }],
    expected: { ...user, phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }] },
  },
  {
    name: 'creates the element with every value of an and-of-eq filter',
    resource: { schemas: [USER_URN], userName: 'bjensen' },
    ops: [{ op: 'add', path: 'emails[type eq "work" and primary eq true].value', value: 'w@x.org' }],
    expected: { schemas: [USER_URN], userName: 'bjensen', emails: [{ value: 'w@x.org', type: 'work', primary: true }] },
  },
  { name: 'creates the work address of addresses[type eq "work"].streetAddress', resource: user, ops: [{ op: 'add', path: 'addresses[type eq "work"].streetAddress', value: '100 Universal City Plaza' }], expected: { ...user, addresses: [{ streetAddress: '100 Universal City Plaza', type: 'work' }] } },
  { name: 'accepts a remove through a filter that matches nothing (RFC 7644 §3.5.2.2)', resource: user, ops: [{ op: 'remove', path: 'emails[type eq "home"]' }], expected: user },
  { name: 'removes the elements a filter matches', resource: twoEmails, ops: [{ op: 'remove', path: 'emails[type eq "work"]' }], expected: { ...user, emails: [home] } },
  { name: 'unassigns a multi-valued attribute whose last element is removed', resource: user, ops: [{ op: 'remove', path: 'emails[type eq "WORK"]' }], expected: { ...user, emails: undefined } },
  { name: 'removes one sub-attribute of the matched elements', resource: user, ops: [{ op: 'remove', path: 'emails[type eq "work"].primary' }], expected: { ...user, emails: [{ value: 'bjensen@example.com', type: 'work' }] } },
  { name: 'merges the matched element on an add through a filter without a sub-attribute', resource: user, ops: [{ op: 'add', path: 'emails[type eq "work"]', value: { display: 'Work' } }], expected: { ...user, emails: [{ ...user.emails[0], display: 'Work' }] } },
  { name: 'swaps the matched element on a replace through a filter without a sub-attribute', resource: twoEmails, ops: [{ op: 'replace', path: 'emails[type eq "home"]', value: { value: 'h@x.org', type: 'home' } }], expected: { ...user, emails: [user.emails[0], { value: 'h@x.org', type: 'home' }] } },
  { name: 'merges sub-attributes on a replace of a complex attribute (RFC 7644 §3.5.2.3)', resource: user, ops: [{ op: 'replace', path: 'name', value: { givenName: 'Babs' } }], expected: { ...user, name: { givenName: 'Babs', familyName: 'Jensen' } } },
  { name: 'unassigns a sub-attribute given as null in a complex value', resource: user, ops: [{ op: 'replace', value: { name: { familyName: null } } }], expected: { ...user, name: { givenName: 'Barbara' } } },
  { name: 'unassigns a complex attribute replaced with null', resource: user, ops: [{ op: 'replace', path: 'name', value: null }], expected: { ...user, name: undefined } },
  { name: 'removes a sub-attribute by path', resource: user, ops: [{ op: 'remove', path: 'name.familyName' }], expected: { ...user, name: { givenName: 'Barbara' } } },
  { name: 'sets a sub-attribute of every element when no filter is given', resource: twoEmails, ops: [{ op: 'replace', path: 'emails.display', value: 'x' }], expected: { ...user, emails: [{ ...user.emails[0], display: 'x' }, { ...home, display: 'x' }] } },
  { name: 'removes the whole enterprise extension by its URN', resource: { ...user, schemas: [USER_URN, ENT], [ENT]: { department: 'x' } }, ops: [{ op: 'remove', path: ENT }], expected: user },
  { name: 'removes the manager by path', resource: { ...user, schemas: [USER_URN, ENT], [ENT]: { manager: { value: 'm' }, department: 'd' } }, ops: [{ op: 'remove', path: 'manager' }], expected: { ...user, schemas: [USER_URN, ENT], [ENT]: { department: 'd' } } },
  { name: 'replaces the manager from an array whose $ref is null', resource: user, ops: [{ op: 'replace', path: `${ENT}:manager`, value: [{ $ref: null, value: 'm2' }] }], expected: { ...user, schemas: [USER_URN, ENT], [ENT]: { manager: { value: 'm2' } } } },
  { name: 'sets the manager from a URN-qualified key of a path-less value', resource: user, ops: [{ op: 'add', value: { [`${ENT}:manager`]: 'm3' } }], expected: { ...user, schemas: [USER_URN, ENT], [ENT]: { manager: { value: 'm3' } } } },
];

const memberRows: PatchRow[] = [
  { name: 'removes all members for a remove of members without a value (RFC 7644 §3.5.2.2)', type: 'Group', resource: group, ops: [{ op: 'remove', path: 'members' }], expected: group, members: [{ op: 'removeAll' }] },
  { name: 'removes nothing for a remove of members with an empty list', type: 'Group', resource: group, ops: [{ op: 'remove', path: 'members', value: [] }], expected: group },
  { name: 'removes each member of an or of value eq filters', type: 'Group', resource: group, ops: [{ op: 'remove', path: 'members[value eq "a" or value eq "b"]' }], expected: group, members: [{ op: 'remove', ids: ['a', 'b'] }] },
  { name: 'replaces the members from a path-less value that names them', type: 'Group', resource: group, ops: [{ op: 'replace', value: { displayName: 'New', members: [{ value: 'a' }] } }], expected: { ...group, displayName: 'New' }, members: [{ op: 'replace', ids: ['a'] }] },
  { name: 'adds the members of a path-less add', type: 'Group', resource: group, ops: [{ op: 'add', value: { members: [{ value: 'a' }] } }], expected: group, members: [{ op: 'add', ids: ['a'] }] },
  { name: 'leaves members alone when a path-less value carries "members": null', type: 'Group', resource: group, ops: [{ op: 'replace', value: { displayName: 'New', members: null } }], expected: { ...group, displayName: 'New' } },
  { name: 'empties a group replaced with an empty member list', type: 'Group', resource: group, ops: [{ op: 'replace', path: 'members', value: [] }], expected: group, members: [{ op: 'replace', ids: [] }] },
  { name: 'refuses a members filter on anything but value', type: 'Group', resource: group, ops: [{ op: 'remove', path: 'members[display eq "x"]' }], error: { scimType: 'invalidFilter' } },
  { name: 'refuses an add through a members filter', type: 'Group', resource: group, ops: [{ op: 'add', path: 'members[value eq "x"]', value: [{ value: 'x' }] }], error: { scimType: 'invalidFilter' } },
  { name: 'refuses changing members.value, which is immutable', type: 'Group', resource: group, ops: [{ op: 'replace', path: 'members.value', value: 'x' }], error: { scimType: 'mutability' } },
  { name: 'refuses a member without a value', type: 'Group', resource: group, ops: [{ op: 'add', path: 'members', value: [{ display: 'x' }] }], error: { scimType: 'invalidValue' } },
  { name: 'ignores members on a user, who has none', resource: user, ops: [{ op: 'add', path: 'members', value: [{ value: 'a' }] }], expected: user },
];

// JSON has no undefined: rows write `attr: undefined` for "gone"; compare what a client would see.
const strip = (rows: PatchRow[]): PatchRow[] =>
  rows.map((r) => (r.expected ? { ...r, expected: JSON.parse(JSON.stringify(r.expected)) } : r));

describe('PatchOp message checks', () => runRows(strip(messageRows)));
describe('PATCH rules for attributes', () => runRows(strip(ruleRows)));
describe('PATCH rules for group members', () => runRows(strip(memberRows)));

describe('PATCH atomicity', () => {
  it('returns the error of a failing second operation and no part of the first', () => {
    const result = applyPatch('User', user, patchBody([
      { op: 'replace', path: 'title', value: 'Boss' },
      { op: 'replace', path: 'active', value: 'maybe' },
    ]));
    assert.equal(result.ok, false);
    assert.equal(user.active, true);
    assert.equal((user as Record<string, unknown>).title, undefined);
  });

  it('leaves Object.prototype alone after a polluting PATCH', () => {
    applyPatch('User', user, JSON.parse('{"Operations":[{"op":"add","value":{"__proto__":{"polluted":1}}}]}'));
    applyPatch('User', user, patchBody([{ op: 'add', path: 'constructor.prototype.polluted', value: 1 }]));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});
