// Microsoft Entra ID and the Microsoft SCIM Validator, replayed verbatim from idp-requests.md §1.5-§1.10.
import { describe } from 'node:test';
import { ENTERPRISE_USER_URN as ENT, GROUP_URN, USER_URN } from '../../src/scim/schemas/urns.ts';
import { runRows, type PatchRow } from './patch-table.ts';

const user: Record<string, unknown> = {
  schemas: [USER_URN],
  externalId: '0a21f0f2',
  userName: 'Test_User_00aa00aa@testuser.com',
  name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
  active: true,
  emails: [{ value: 'Test_User_11bb11bb@testuser.com', type: 'work', primary: true }],
};
const withManager = { ...user, schemas: [USER_URN, ENT], [ENT]: { manager: { value: 'old-manager' } } };
const group = { schemas: [GROUP_URN], externalId: '8aa1a0c0', displayName: 'displayName' };

const userRows: PatchRow[] = [
  {
    name: 'replaces the work e-mail and family name of Entra\'s multi-valued update',
    resource: user,
    ops: [
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'updatedEmail@microsoft.com' },
      { op: 'Replace', path: 'name.familyName', value: 'updatedFamilyName' },
    ],
    expected: {
      ...user,
      name: { formatted: 'givenName familyName', familyName: 'updatedFamilyName', givenName: 'givenName' },
      emails: [{ value: 'updatedEmail@microsoft.com', type: 'work', primary: true }],
    },
  },
  {
    name: 'changes the userName of Entra\'s single-valued update',
    resource: user,
    ops: [{ op: 'Replace', path: 'userName', value: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' }],
    expected: { ...user, userName: '5b50642d-79fc-4410-9e90-4c077cdd1a59@testuser.com' },
  },
  {
    name: 'creates the work e-mail when Entra sends "Add" for a user who has none (Q&A 1684621)',
    resource: { schemas: [USER_URN], userName: 'joe' },
    ops: [
      { op: 'Replace', path: 'title', value: 'tester' },
      { op: 'Add', path: 'emails[type eq "work"].value', value: '******@joe.com' },
    ],
    expected: { schemas: [USER_URN], userName: 'joe', title: 'tester', emails: [{ value: '******@joe.com', type: 'work' }] },
  },
  {
    name: 'sets the manager from Entra\'s "Example 5" array with $ref',
    resource: user,
    ops: [{
      op: 'Add',
      path: 'manager',
      value: [{ $ref: 'http://.../scim/Users/00aa00aa-bb11-cc22-dd33-44ee44ee44ee', value: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee' }],
    }],
    expected: {
      ...user,
      schemas: [USER_URN, ENT],
      [ENT]: { manager: { value: '00aa00aa-bb11-cc22-dd33-44ee44ee44ee', $ref: 'http://.../scim/Users/00aa00aa-bb11-cc22-dd33-44ee44ee44ee' } },
    },
  },
  {
    name: 'sets the manager from a bare id string, as the validator\'s "Add Manager" sends it',
    resource: user,
    ops: [{ op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: '2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2' }],
    expected: { ...user, schemas: [USER_URN, ENT], [ENT]: { manager: { value: '2c2f6fb8-254f-492e-b7fe-c09c5a61c8a2' } } },
  },
  {
    name: 'replaces the manager from an object with value, dropping the old one whole',
    resource: { ...withManager, [ENT]: { manager: { value: 'old-manager', $ref: 'https://x/Users/old-manager' } } },
    ops: [{ op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: { value: 'mgr-id' } }],
    expected: { ...withManager, [ENT]: { manager: { value: 'mgr-id' } } },
  },
  {
    name: 'removes the manager when the validator replaces it with {"value": ""}',
    resource: withManager,
    ops: [{ op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: { value: '' } }],
    expected: user,
  },
  {
    name: 'removes the manager when the validator replaces it with ""',
    resource: withManager,
    ops: [{ op: 'replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager', value: '' }],
    expected: user,
  },
  {
    name: 'treats the string "False" as false when Entra disables a user',
    resource: user,
    body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
    expected: { ...user, active: false },
  },
  {
    name: 'disables a user with the boolean Entra sends under aadOptscim062020',
    resource: user,
    body: { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] },
    expected: { ...user, active: false },
  },
  {
    name: 'takes the schemas-last body order of the tutorial\'s "Disable User"',
    resource: user,
    body: { Operations: [{ op: 'Replace', path: 'active', value: false }], schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'] },
    expected: { ...user, active: false },
  },
  {
    name: 'treats the string "True" as true when the validator re-enables a user',
    resource: { ...user, active: false },
    ops: [{ op: 'Replace', path: 'active', value: 'True' }],
    expected: user,
  },
  {
    name: 'adds a single-valued string with a capitalised "Add"',
    resource: user,
    ops: [{ op: 'Add', path: 'nickName', value: 'Babs' }],
    expected: { ...user, nickName: 'Babs' },
  },
  {
    name: 'applies all six replaces of Entra\'s default job in one request',
    resource: user,
    ops: [
      { op: 'Replace', path: 'displayName', value: 'Pvlo' },
      { op: 'Replace', path: 'emails[type eq "work"].value', value: 'TestBcwqnm@test.microsoft.com' },
      { op: 'Replace', path: 'name.givenName', value: 'Gtfd' },
      { op: 'Replace', path: 'name.familyName', value: 'Pkqf' },
      { op: 'Replace', path: 'externalId', value: 'Eqpj' },
      { op: 'Replace', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', value: 'Eqpj' },
    ],
    expected: {
      ...user,
      schemas: [USER_URN, ENT],
      externalId: 'Eqpj',
      displayName: 'Pvlo',
      name: { formatted: 'givenName familyName', familyName: 'Pkqf', givenName: 'Gtfd' },
      emails: [{ value: 'TestBcwqnm@test.microsoft.com', type: 'work', primary: true }],
      [ENT]: { employeeNumber: 'Eqpj' },
    },
  },
  {
    name: 'reads dotted and URN-qualified keys in the path-less replace of aadOptscim062020',
    resource: user,
    ops: [
      { op: 'replace', path: 'emails[type eq "work"].value', value: 'TestMhvaes@test.microsoft.com' },
      {
        op: 'replace',
        value: {
          displayName: 'Bjfe',
          'name.givenName': 'Kkom',
          'name.familyName': 'Unua',
          'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': 'Aklq',
        },
      },
    ],
    expected: {
      ...user,
      schemas: [USER_URN, ENT],
      displayName: 'Bjfe',
      name: { formatted: 'givenName familyName', familyName: 'Unua', givenName: 'Kkom' },
      emails: [{ value: 'TestMhvaes@test.microsoft.com', type: 'work', primary: true }],
      [ENT]: { employeeNumber: 'Aklq' },
    },
  },
  {
    name: 'merges a whole enterprise object in a path-less replace without wiping its other attributes',
    resource: { ...user, schemas: [USER_URN, ENT], [ENT]: { employeeNumber: '7', department: 'Old' } },
    ops: [{ op: 'replace', value: { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { department: 'Sales' } } }],
    expected: { ...user, schemas: [USER_URN, ENT], [ENT]: { employeeNumber: '7', department: 'Sales' } },
  },
  {
    name: 'builds a user from the validator\'s "Add Attributes Verbose" filter paths that match nothing yet',
    resource: { schemas: [USER_URN], userName: 'eleanore@boyercorwin.biz' },
    ops: [
      { op: 'add', path: 'active', value: true },
      { op: 'add', path: 'emails[type eq "work"].value', value: 'broderick_ohara@blick.name' },
      { op: 'add', path: 'emails[type eq "work"].primary', value: true },
      { op: 'add', path: 'name.givenName', value: 'Terrence' },
      { op: 'add', path: 'roles[primary eq "True"].display', value: 'TQBJFQYVJCAG' },
      { op: 'add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber', value: 'LXDAHKZRQYLX' },
      { op: 'add', path: 'addresses[type eq "work"].postalCode', value: 'cx47 4mz' },
      { op: 'add', path: 'phoneNumbers[type eq "fax"].value', value: '10-040-1308' },
    ],
    expected: {
      schemas: [USER_URN, ENT],
      userName: 'eleanore@boyercorwin.biz',
      name: { givenName: 'Terrence' },
      active: true,
      emails: [{ value: 'broderick_ohara@blick.name', type: 'work', primary: true }],
      phoneNumbers: [{ value: '10-040-1308', type: 'fax' }],
      addresses: [{ postalCode: 'cx47 4mz', type: 'work' }],
      roles: [{ display: 'TQBJFQYVJCAG', primary: true }],
      [ENT]: { employeeNumber: 'LXDAHKZRQYLX' },
    },
  },
  {
    name: 'finds the existing primary role through Entra\'s string literal roles[primary eq "True"]',
    resource: { ...user, roles: [{ value: 'Admin', primary: true }] },
    ops: [{ op: 'add', path: 'roles[primary eq "True"].display', value: 'Administrator' }],
    expected: { ...user, roles: [{ value: 'Admin', display: 'Administrator', primary: true }] },
  },
  {
    name: 'appends the JSON-encoded role value of Entra\'s SingleAppRoleAssignment as a string',
    resource: user,
    ops: [{ op: 'Add', path: 'roles', value: [{ value: '{"id":"06b07648-ecfe-589f-9d2f-6325724a46ee","value":"25","displayName":"Role1234"}' }] }],
    expected: { ...user, roles: [{ value: '{"id":"06b07648-ecfe-589f-9d2f-6325724a46ee","value":"25","displayName":"Role1234"}' }] },
  },
  {
    name: 'replaces the whole role set of AssertiveAppRoleAssignmentsComplex',
    resource: { ...user, roles: [{ value: 'Old' }] },
    ops: [{ op: 'replace', path: 'roles', value: [
      { primary: false, type: 'WindowsAzureActiveDirectoryRole', display: 'User', value: 'User' },
      { primary: 'False', type: 'WindowsAzureActiveDirectoryRole', display: 'Admin', value: 'Admin' },
    ] }],
    expected: { ...user, roles: [
      { value: 'User', display: 'User', type: 'WindowsAzureActiveDirectoryRole', primary: false },
      { value: 'Admin', display: 'Admin', type: 'WindowsAzureActiveDirectoryRole', primary: false },
    ] },
  },
  {
    name: 'removes only the listed roles when Entra removes by value',
    resource: { ...user, roles: [{ value: 'User' }, { value: 'Admin' }] },
    ops: [{ op: 'Remove', path: 'roles', value: [{ value: 'admin' }] }],
    expected: { ...user, roles: [{ value: 'User' }] },
  },
];

const groupRows: PatchRow[] = [
  {
    name: 'renames a group with Entra\'s Replace displayName',
    type: 'Group',
    resource: group,
    ops: [{ op: 'Replace', path: 'displayName', value: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' }],
    expected: { ...group, displayName: '1879db59-3bdf-4490-ad68-ab880a269474updatedDisplayName' },
  },
  {
    name: 'adds a member from Entra\'s value list with a null $ref',
    type: 'Group',
    resource: group,
    ops: [{ op: 'Add', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] }],
    expected: group,
    members: [{ op: 'add', ids: ['f648f8d5ea4e4cd38e9c'] }],
  },
  {
    name: 'removes only the listed member when Entra\'s default job removes by value (SCIMReferenceCode #10)',
    type: 'Group',
    resource: group,
    ops: [{ op: 'Remove', path: 'members', value: [{ $ref: null, value: 'f648f8d5ea4e4cd38e9c' }] }],
    expected: group,
    members: [{ op: 'remove', ids: ['f648f8d5ea4e4cd38e9c'] }],
  },
  {
    name: 'removes the member named by the aadOptscim062020 filter',
    type: 'Group',
    resource: group,
    ops: [{ op: 'remove', path: 'members[value eq "7f4bc1a3-285e-48ae-8202-5accb43efb0e"]' }],
    expected: group,
    members: [{ op: 'remove', ids: ['7f4bc1a3-285e-48ae-8202-5accb43efb0e'] }],
  },
  {
    name: 'sets the members from the validator\'s "Add Member", which is a replace',
    type: 'Group',
    resource: group,
    ops: [{ op: 'replace', path: 'members', value: [{ value: 'user-1' }] }],
    expected: group,
    members: [{ op: 'replace', ids: ['user-1'] }],
  },
  {
    name: 'changes externalId from the validator\'s path-less "Replace Attributes"',
    type: 'Group',
    resource: group,
    ops: [{ op: 'replace', value: { externalId: '663fa3a8-0000' } }],
    expected: { ...group, externalId: '663fa3a8-0000' },
  },
  {
    name: 'renames from the validator\'s path-less displayName without touching members',
    type: 'Group',
    resource: group,
    ops: [{ op: 'replace', value: { displayName: 'WUZPWMBDDCGI' } }],
    expected: { ...group, displayName: 'WUZPWMBDDCGI' },
  },
  {
    name: 'keeps the order of the validator\'s add-then-remove of one member in one request',
    type: 'Group',
    resource: group,
    ops: [
      { op: 'add', path: 'members', value: [{ value: 'u1' }] },
      { op: 'remove', path: 'members[value eq "u1"]' },
    ],
    expected: group,
    members: [{ op: 'add', ids: ['u1'] }, { op: 'remove', ids: ['u1'] }],
  },
  {
    name: 'ignores the "name" field of an operation from Microsoft\'s Postman suite',
    type: 'Group',
    resource: group,
    ops: [{ name: 'addMember', op: 'add', path: 'members', value: [{ displayName: 'new User', value: 'u9' }] }],
    expected: group,
    members: [{ op: 'add', ids: ['u9'] }],
  },
  {
    name: 'adds many members in one operation once each',
    type: 'Group',
    resource: group,
    ops: [{ op: 'Add', path: 'members', value: [{ value: 'a' }, { value: 'a' }, { value: 'b' }] }],
    expected: group,
    members: [{ op: 'add', ids: ['a', 'b'] }],
  },
];

describe('PATCH /Users as Entra ID and the MS validator send it', () => runRows(userRows));
describe('PATCH /Groups as Entra ID and the MS validator send it', () => runRows(groupRows));
