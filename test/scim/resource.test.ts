import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coerceAttribute } from '../../src/scim/coerce.ts';
import { attr } from '../../src/scim/schemas/define.ts';
import { foldResource, parseResource, type ParsedResource } from '../../src/scim/resource.ts';
import { ENTERPRISE_USER_URN as ENT, GROUP_URN, USER_URN } from '../../src/scim/schemas/urns.ts';

type Expected = ParsedResource | { error: { scimType: string; detail?: string } };
interface Row {
  name: string;
  type?: 'User' | 'Group';
  body: unknown;
  expected: Expected;
}

const user = (fields: Record<string, unknown>, ext = false) => ({
  resource: { schemas: ext ? [USER_URN, ENT] : [USER_URN], ...fields },
});
const invalid = (detail?: string) => ({ error: { scimType: 'invalidValue', ...(detail ? { detail } : {}) } });
const syntax = (detail?: string) => ({ error: { scimType: 'invalidSyntax', ...(detail ? { detail } : {}) } });

function check(row: Row): void {
  const result = parseResource(row.type ?? 'User', row.body);
  if ('error' in row.expected) {
    assert.equal(result.ok, false, `expected an error, got ${JSON.stringify(result.ok && result.value)}`);
    if (result.ok) return;
    assert.equal(result.error.status, 400);
    assert.equal(result.error.scimType, row.expected.error.scimType);
    if (row.expected.error.detail) assert.equal(result.error.detail, row.expected.error.detail);
    return;
  }
  assert.ok(result.ok, result.ok ? '' : result.error.detail);
  assert.deepEqual(result.value, row.expected);
}

const rows: Row[] = [
  { name: 'keeps a minimal user as sent', body: { userName: 'bjensen' }, expected: user({ userName: 'bjensen' }) },
  {
    name: 'accepts Okta\'s create body and drops its placeholder password and empty groups (idp-requests §2.4)',
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
      userName: 'test.user@okta.local',
      name: { givenName: 'Test', familyName: 'User' },
      emails: [{ primary: true, value: 'test.user@okta.local', type: 'work' }],
      displayName: 'Test User',
      locale: 'en-US',
      externalId: '00ujl29u0le5T6Aj10h7',
      groups: [],
      password: '1mz050nq',
      active: true,
    },
    expected: user({
      externalId: '00ujl29u0le5T6Aj10h7',
      userName: 'test.user@okta.local',
      name: { familyName: 'User', givenName: 'Test' },
      displayName: 'Test User',
      locale: 'en-US',
      active: true,
      emails: [{ value: 'test.user@okta.local', type: 'work', primary: true }],
    }),
  },
  {
    name: 'accepts Entra\'s create body with read-only meta and an empty roles array (idp-requests §1.5)',
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      active: true,
      emails: [{ primary: true, type: 'work', value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com' }],
      meta: { resourceType: 'User' },
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      roles: [],
    },
    expected: user({
      externalId: '0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef',
      userName: 'Test_User_00aa00aa-bb11-cc22-dd33-44ee44ee44ee',
      name: { formatted: 'givenName familyName', familyName: 'familyName', givenName: 'givenName' },
      active: true,
      emails: [{ value: 'Test_User_11bb11bb-cc22-dd33-ee44-55ff55ff55ff@testuser.com', type: 'work', primary: true }],
    }),
  },
  {
    name: 'ignores the explicit nulls and misspelled URN of Entra\'s older sample',
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
      externalId: 'jyoung',
      userName: 'jyoung@testuser.com',
      active: true,
      addresses: null,
      displayName: 'Joy Young',
      emails: [{ type: 'work', value: 'jyoung@Contoso.com', primary: true }],
      meta: { resourceType: 'User' },
      name: { familyName: 'Young', givenName: 'Joy' },
      phoneNumbers: null,
      preferredLanguage: null,
      title: null,
      department: null,
      manager: null,
    },
    expected: user({
      externalId: 'jyoung',
      userName: 'jyoung@testuser.com',
      name: { familyName: 'Young', givenName: 'Joy' },
      displayName: 'Joy Young',
      active: true,
      emails: [{ value: 'jyoung@Contoso.com', type: 'work', primary: true }],
    }),
  },
  {
    name: 'keeps every attribute the MS validator sends, so its read-back comparison passes (idp-requests §1.10)',
    body: {
      userName: 'julien.vonrueden@ondricka.us',
      active: true,
      displayName: 'NDSQQTECVAAC',
      title: 'CJSGUNOAAMMQ',
      emails: [{ type: 'work', value: 'thaddeus@hammes.info', primary: true }],
      preferredLanguage: 'hi',
      name: { givenName: 'Elfrieda', familyName: 'Urban', formatted: 'Myah', middleName: 'Cindy', honorificPrefix: 'Minerva', honorificSuffix: 'Micaela' },
      addresses: [{ type: 'work', formatted: 'ZQEHBLETAAQE', streetAddress: '25928 Katlyn Row', locality: 'YRAKBQCGOHZF', region: 'XCCVLAIDMQYR', postalCode: 'cx47 4mz', primary: true, country: 'Sierra Leone' }],
      phoneNumbers: [
        { type: 'work', value: '10-040-1308', primary: true },
        { type: 'mobile', value: '10-040-1308' },
        { type: 'fax', value: '10-040-1308' },
      ],
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': {
        employeeNumber: 'OXYYEGWVLTGW', department: 'ZYWTBPDFHIIP', costCenter: 'ASHTVSKANCGL',
        organization: 'DPQRRHJMBXZE', division: 'WXNFEJQDRAVI', manager: { value: 'XYMKVVRYDIOO' },
      },
      roles: [{ primary: 'True', display: 'MRONYWGFFHXQ', value: 'WDEIISGWWQBE', type: 'XVTUOHMYUFRL' }],
      userType: 'GZILLRZCFPNC',
      nickName: 'FOGSIQTKHIPG',
      locale: 'RJWNTUNNOHNZ',
      timezone: 'America/Guayaquil',
      profileUrl: 'BAPNQLJSRQGD',
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'],
    },
    expected: user(
      {
        userName: 'julien.vonrueden@ondricka.us',
        name: { formatted: 'Myah', familyName: 'Urban', givenName: 'Elfrieda', middleName: 'Cindy', honorificPrefix: 'Minerva', honorificSuffix: 'Micaela' },
        displayName: 'NDSQQTECVAAC',
        nickName: 'FOGSIQTKHIPG',
        profileUrl: 'BAPNQLJSRQGD',
        title: 'CJSGUNOAAMMQ',
        userType: 'GZILLRZCFPNC',
        preferredLanguage: 'hi',
        locale: 'RJWNTUNNOHNZ',
        timezone: 'America/Guayaquil',
        active: true,
        emails: [{ value: 'thaddeus@hammes.info', type: 'work', primary: true }],
        phoneNumbers: [
          { value: '10-040-1308', type: 'work', primary: true },
          { value: '10-040-1308', type: 'mobile' },
          { value: '10-040-1308', type: 'fax' },
        ],
        addresses: [{ formatted: 'ZQEHBLETAAQE', streetAddress: '25928 Katlyn Row', locality: 'YRAKBQCGOHZF', region: 'XCCVLAIDMQYR', postalCode: 'cx47 4mz', country: 'Sierra Leone', type: 'work', primary: true }],
        roles: [{ value: 'WDEIISGWWQBE', display: 'MRONYWGFFHXQ', type: 'XVTUOHMYUFRL', primary: true }],
        [ENT]: {
          employeeNumber: 'OXYYEGWVLTGW', costCenter: 'ASHTVSKANCGL', organization: 'DPQRRHJMBXZE',
          division: 'WXNFEJQDRAVI', department: 'ZYWTBPDFHIIP', manager: { value: 'XYMKVVRYDIOO' },
        },
      },
      true,
    ),
  },
  { name: 'treats the string "False" as false when Entra\'s Postman suite posts a user', body: { userName: 'a', active: 'False' }, expected: user({ userName: 'a', active: false }) },
  { name: 'treats "TRUE" in any case as true', body: { userName: 'a', active: 'TRUE' }, expected: user({ userName: 'a', active: true }) },
  { name: 'treats a padded " true " as true', body: { userName: 'a', active: ' true ' }, expected: user({ userName: 'a', active: true }) },
  { name: 'refuses "maybe" as a boolean and says what it expected', body: { userName: 'a', active: 'maybe' }, expected: invalid('Attribute \'active\' must be a boolean, got "maybe"') },
  { name: 'refuses a number as a boolean', body: { userName: 'a', active: 1 }, expected: invalid("Attribute 'active' must be a boolean, got 1") },
  {
    name: 'coerces "false" inside an email element',
    body: { userName: 'a', emails: [{ value: 'a@x', primary: 'false' }] },
    expected: user({ userName: 'a', emails: [{ value: 'a@x', primary: false }] }),
  },
  {
    name: 'names a bad sub-attribute by its dotted path',
    body: { userName: 'a', emails: [{ value: 'a@x', primary: 'yes' }] },
    expected: invalid('Attribute \'emails.primary\' must be a boolean, got "yes"'),
  },
  {
    name: 'maps attribute and sub-attribute names in any case to their canonical names',
    body: { USERNAME: 'x', Name: { GivenName: 'a' }, EMAILS: [{ VALUE: 'e@x', Type: 'work' }], ExternalID: 'E' },
    expected: user({ externalId: 'E', userName: 'x', name: { givenName: 'a' }, emails: [{ value: 'e@x', type: 'work' }] }),
  },
  {
    name: 'reads a URN-qualified top-level key into its extension',
    body: { userName: 'a', 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber': '42' },
    expected: user({ userName: 'a', [ENT]: { employeeNumber: '42' } }, true),
  },
  {
    name: 'reads an extension object whose URN is missing from schemas (Entra custom extensions, idp-requests §1.5)',
    body: { schemas: [USER_URN], userName: 'a', [ENT.toUpperCase()]: { Department: 'Sales' } },
    expected: user({ userName: 'a', [ENT]: { department: 'Sales' } }, true),
  },
  {
    name: 'lets a URN-qualified key win over the same attribute unqualified',
    body: { [`${ENT}:department`]: 'B', department: 'A', userName: 'a' },
    expected: user({ userName: 'a', [ENT]: { department: 'B' } }, true),
  },
  {
    name: 'ignores unknown attributes and unknown URNs that are no custom extension of a User',
    body: { userName: 'a', favouriteColour: 'blue', 'urn:scim:schemas:core:1.0:User': { tag: '1' }, 'urn:example:custom:2.0:Group': { tag: '2' } },
    expected: user({ userName: 'a' }),
  },
  {
    name: 'ignores read-only id, meta, groups and manager.displayName',
    body: {
      id: 'client-chosen', meta: { created: 'x' }, groups: [{ value: 'g' }], userName: 'a',
      [ENT]: { manager: { value: 'm', displayName: 'Boss' } },
    },
    expected: user({ userName: 'a', [ENT]: { manager: { value: 'm' } } }, true),
  },
  {
    name: 'drops empty arrays and nulls as unassigned (RFC 7643 §2.5)',
    body: { userName: 'a', emails: [], phoneNumbers: null, name: { givenName: null }, roles: [null] },
    expected: user({ userName: 'a' }),
  },
  { name: 'never keeps a password', body: { userName: 'a', password: 'secret' }, expected: user({ userName: 'a' }) },
  {
    name: 'wraps OneLogin\'s single email object into an array',
    body: { userName: 'a', emails: { value: 'a@x', primary: true } },
    expected: user({ userName: 'a', emails: [{ value: 'a@x', primary: true }] }),
  },
  {
    name: 'refuses two primary emails (RFC 7643 §2.4)',
    body: { userName: 'a', emails: [{ value: 'a@x', primary: true }, { value: 'b@x', primary: 'True' }] },
    expected: invalid('Attribute \'emails\' may have only one value with "primary": true'),
  },
  { name: 'refuses a number as userName', body: { userName: 5 }, expected: invalid("Attribute 'userName' must be a string, got 5") },
  { name: 'refuses a string as name', body: { userName: 'a', name: 'Bob' }, expected: invalid('Attribute \'name\' must be an object, got "Bob"') },
  { name: 'refuses bare strings as emails', body: { userName: 'a', emails: ['a@x'] }, expected: invalid('Attribute \'emails\' must be an object, got "a@x"') },
  { name: 'refuses a non-base64 certificate', body: { userName: 'a', x509Certificates: [{ value: '***' }] }, expected: invalid() },
  { name: 'refuses an extension that is not an object', body: { userName: 'a', [ENT]: 'x' }, expected: invalid() },
  { name: 'requires userName', body: { displayName: 'x' }, expected: invalid("Attribute 'userName' is required") },
  { name: 'treats a blank userName as missing', body: { userName: '  ' }, expected: invalid("Attribute 'userName' is required") },
  { name: 'refuses an array body', body: [{ userName: 'a' }], expected: syntax('The request body must be a JSON object') },
  { name: 'refuses a string body', body: 'userName=a', expected: syntax() },
  { name: 'refuses a null body', body: null, expected: syntax() },
  { name: 'refuses __proto__ at the top level', body: JSON.parse('{"userName":"a","__proto__":{"polluted":1}}'), expected: syntax("Attribute name '__proto__' is not allowed") },
  { name: 'refuses constructor inside a complex value', body: JSON.parse('{"userName":"a","name":{"constructor":{"x":1}}}'), expected: syntax() },
  { name: 'refuses prototype inside an unknown attribute too', body: JSON.parse('{"userName":"a","junk":[{"prototype":1}]}'), expected: syntax() },
];

const managerRows: Array<[string, unknown, unknown]> = [
  ['a bare id string (Entra POST)', '123456', { value: '123456' }],
  ['an object with value', { value: 'm1' }, { value: 'm1' }],
  ['an array with a null $ref (Entra "Example 5")', [{ $ref: null, value: 'm2' }], { value: 'm2' }],
  ['an object with $ref', { value: 'm3', $ref: 'https://x/Users/m3' }, { value: 'm3', $ref: 'https://x/Users/m3' }],
  ['an empty string', '', undefined],
  ['an empty object', {}, undefined],
  ['null', null, undefined],
  ['an empty value', { value: '' }, undefined],
  ['OneLogin\'s SCIM 1.1 managerId', { managerId: 'x', displayName: 'Boss' }, { value: 'x' }],
  ['an empty managerId', { managerId: '' }, undefined],
];

describe('parseResource for users', () => {
  for (const row of rows) it(row.name, () => check(row));

  for (const [shape, manager, expected] of managerRows) {
    it(`accepts the manager as ${shape}`, () => {
      check({
        name: shape,
        body: { userName: 'a', [ENT]: { manager } },
        expected: expected === undefined ? user({ userName: 'a' }) : user({ userName: 'a', [ENT]: { manager: expected } }, true),
      });
    });
  }

  it('leaves Object.prototype alone after refusing a polluting body', () => {
    parseResource('User', JSON.parse('{"userName":"a","__proto__":{"polluted":1}}'));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });
});

const groupRows: Row[] = [
  {
    name: 'accepts Entra\'s group with the Microsoft ADSCIM schema URN and no members key (idp-requests §1.6)',
    type: 'Group',
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group', 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group'],
      externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159',
      displayName: 'displayName',
      meta: { resourceType: 'Group' },
    },
    expected: { resource: { schemas: [GROUP_URN], externalId: '8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159', displayName: 'displayName' } },
  },
  {
    name: 'returns an empty member list for Okta\'s "members": []',
    type: 'Group',
    body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'Test SCIMv2', members: [] },
    expected: { resource: { schemas: [GROUP_URN], displayName: 'Test SCIMv2' }, members: [] },
  },
  {
    name: 'takes the member ids of Okta\'s AIW PUT and ignores display (idp-requests §2.5)',
    type: 'Group',
    body: {
      schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'],
      displayName: 'Test SCIMv2',
      members: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173', display: 'test.user@okta.local' }],
    },
    expected: { resource: { schemas: [GROUP_URN], displayName: 'Test SCIMv2' }, members: [{ value: '23a35c27-23d3-4c03-b4c5-6443c09e7173' }] },
  },
  {
    name: 'deduplicates members and normalises their type',
    type: 'Group',
    body: { displayName: 'g', members: [{ value: 'a', type: 'user' }, { value: 'a' }, { VALUE: 'b', type: 'Group' }, { value: 'c', type: 'Robot' }] },
    expected: { resource: { schemas: [GROUP_URN], displayName: 'g' }, members: [{ value: 'a', type: 'User' }, { value: 'b', type: 'Group' }, { value: 'c' }] },
  },
  {
    name: 'reads "members": null as not given, so an echoed response cannot empty a group',
    type: 'Group',
    body: { displayName: 'g', members: null },
    expected: { resource: { schemas: [GROUP_URN], displayName: 'g' } },
  },
  { name: 'refuses a member without a value', type: 'Group', body: { displayName: 'g', members: [{ display: 'x' }] }, expected: invalid() },
  { name: 'refuses a member given as a bare id', type: 'Group', body: { displayName: 'g', members: ['u1'] }, expected: invalid() },
  { name: 'requires a group displayName', type: 'Group', body: { externalId: 'x' }, expected: invalid("Attribute 'displayName' is required") },
  { name: 'ignores enterprise attributes on a group', type: 'Group', body: { displayName: 'g', employeeNumber: '1' }, expected: { resource: { schemas: [GROUP_URN], displayName: 'g' } } },
];

describe('parseResource for groups', () => {
  for (const row of groupRows) it(row.name, () => check(row));
});

describe('coerceAttribute for types our schemas do not use yet', () => {
  const rows: Array<[string, ReturnType<typeof attr>, unknown, unknown | 'error']> = [
    ['keeps an integer', attr('n', 'integer', 'n'), 3, 3],
    ['refuses a fraction as an integer', attr('n', 'integer', 'n'), 3.5, 'error'],
    ['refuses a numeric string as an integer', attr('n', 'integer', 'n'), '3', 'error'],
    ['keeps a decimal', attr('d', 'decimal', 'd'), 3.5, 3.5],
    ['refuses text as a decimal', attr('d', 'decimal', 'd'), 'x', 'error'],
    ['keeps a dateTime as sent', attr('t', 'dateTime', 't'), '2024-01-31T09:00:00+01:00', '2024-01-31T09:00:00+01:00'],
    ['refuses month 13', attr('t', 'dateTime', 't'), '2024-13-01T00:00:00Z', 'error'],
    ['refuses a date without a time', attr('t', 'dateTime', 't'), 'yesterday', 'error'],
    ['keeps base64 binary', attr('b', 'binary', 'b'), 'TUlJQ', 'TUlJQ'],
  ];
  for (const [name, def, raw, expected] of rows) {
    it(name, () => {
      const result = coerceAttribute(def, raw);
      if (expected === 'error') {
        assert.equal(result.ok, false);
        assert.equal(!result.ok && result.error.scimType, 'invalidValue');
      } else assert.deepEqual(result, { ok: true, value: expected });
    });
  }
});

describe('foldResource', () => {
  it('folds caseExact=false strings and leaves ids, externalId and booleans as they are', () => {
    const folded = foldResource('User', {
      schemas: [USER_URN, ENT],
      externalId: 'ABC',
      userName: 'BJensen',
      name: { givenName: 'E\u0301MILE' },
      active: true,
      emails: [{ value: 'A@X.COM', type: 'Work', primary: true }],
      [ENT]: { employeeNumber: 'E1', manager: { value: 'MGR' } },
    });
    assert.deepEqual(folded, {
      schemas: [USER_URN.toLowerCase(), ENT.toLowerCase()],
      externalId: 'ABC',
      userName: 'bjensen',
      name: { givenName: '\u00e9mile' },
      active: true,
      emails: [{ value: 'a@x.com', type: 'work', primary: true }],
      [ENT]: { employeeNumber: 'e1', manager: { value: 'MGR' } },
    });
  });
});
