// Okta, replayed verbatim from idp-requests.md §2.4-§2.6.
import { describe } from 'node:test';
import { GROUP_URN, USER_URN } from '../../src/scim/schemas/urns.ts';
import { runRows, type PatchRow } from './patch-table.ts';

const user = {
  schemas: [USER_URN],
  externalId: '00ujl29u0le5T6Aj10h7',
  userName: 'test.user@okta.local',
  name: { givenName: 'Test', familyName: 'User' },
  displayName: 'Test User',
  active: true,
  emails: [{ value: 'test.user@okta.local', type: 'work', primary: true }],
};
const group = { schemas: [GROUP_URN], displayName: 'Test SCIMv2' };

const rows: PatchRow[] = [
  {
    name: 'deactivates a user from Okta\'s path-less {"active": false}',
    resource: user,
    body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', value: { active: false } }] },
    expected: { ...user, active: false },
  },
  {
    name: 'reactivates a user from Okta\'s path-less {"active": true}',
    resource: { ...user, active: false },
    ops: [{ op: 'replace', value: { active: true } }],
    expected: user,
  },
  {
    name: 'ignores the id, schemas and meta Okta echoes inside a path-less value',
    resource: user,
    ops: [{
      op: 'replace',
      value: { id: '23a35c27-23d3-4c03-b4c5-6443c09e7173', schemas: [USER_URN], meta: { resourceType: 'User' }, active: false },
    }],
    expected: { ...user, active: false },
  },
  {
    name: 'accepts a password sync and stores nothing',
    resource: user,
    ops: [{ op: 'replace', value: { password: 'NewP@ssw0rd' } }],
    expected: user,
  },
  {
    name: 'renames a group from Okta\'s replace whose value carries the read-only id',
    type: 'Group',
    resource: { ...group, displayName: 'Old name' },
    body: {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{ op: 'replace', value: { id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b', displayName: 'Test SCIMv2' } }],
    },
    expected: group,
  },
  {
    name: 'accepts Okta\'s unchanged rename that accompanies every membership update',
    type: 'Group',
    resource: group,
    ops: [{ op: 'replace', value: { id: 'abf4dd94-a4c0-4f67-89c9-76b03340cb9b', displayName: 'Test SCIMv2' } }],
    expected: group,
  },
  {
    name: 'removes by filter and adds by value in Okta\'s membership update, in that order',
    type: 'Group',
    resource: group,
    body: {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'remove', path: 'members[value eq "89bb1940-b905-4575-9e7f-6f887cfb368e"]' },
        { op: 'add', path: 'members', value: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }] },
      ],
    },
    expected: group,
    members: [
      { op: 'remove', ids: ['89bb1940-b905-4575-9e7f-6f887cfb368e'] },
      { op: 'add', ids: ['23a35c27-23d3-4c03-b4c5-6443c09e7173'] },
    ],
  },
  {
    name: 'sets exactly the members of Okta\'s full membership push',
    type: 'Group',
    resource: group,
    body: {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [{
        op: 'replace',
        path: 'members',
        value: [
          { value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' },
          { value: '89bb1940-b905-4575-9e7f-6f887cfb368e', display: 'test.user@okta.local' },
        ],
      }],
    },
    expected: group,
    members: [{ op: 'replace', ids: ['23a35c27-23d3-4c03-b4c5-6443c09e7173', '89bb1940-b905-4575-9e7f-6f887cfb368e'] }],
  },
  {
    name: 'updates a given name the way JumpCloud does, one op per attribute with a path',
    resource: user,
    ops: [{ op: 'replace', path: 'name.givenName', value: 'John' }],
    expected: { ...user, name: { givenName: 'John', familyName: 'User' } },
  },
];

describe('PATCH as Okta (and JumpCloud) send it', () => runRows(rows));
