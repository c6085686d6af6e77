// Mapping expressions: what a setting's --map reads from a stored SCIM User, and which expressions it refuses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileExpression, readExpression } from '../../../src/provisioning/rules/expression.ts';
import { ENTERPRISE_USER_URN as ENT, USER_URN } from '../../../src/scim/schemas/urns.ts';

const CUSTOM = 'urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User';

/** A stored resource in wire form, as scim/resource.ts keeps it, with a custom extension kept as sent. */
const RESOURCE = {
  schemas: [USER_URN, ENT],
  userName: 'ann@contoso.com',
  name: { givenName: 'Ann', familyName: 'Lee' },
  title: '  Engineer  ',
  active: true,
  emails: [
    { value: 'ann.home@example.com', type: 'home' },
    { value: 'ann@contoso.com', type: 'work', primary: true },
  ],
  phoneNumbers: [
    { value: '', type: 'work' },
    { value: '+44 20 7946 0000', type: 'work' },
  ],
  addresses: [
    { type: 'home', country: 'FR' },
    { type: 'work', country: 'GB', locality: 'London' },
  ],
  [ENT]: { department: 'Sales', employeeNumber: '42', manager: { value: 'mgr-1', displayName: 'Bo' } },
  // Attribute names and URN as the IdP sent them (case differs from the expressions below).
  'urn:ietf:params:scim:schemas:extension:companyname:2.0:User': {
    Country: 'DE',
    badgeNumber: 1234,
    remote: false,
    sites: [
      { type: 'main', value: 'Berlin' },
      { type: 'other', value: 'Bonn' },
    ],
  },
};

describe('reading a mapping expression from a stored user', () => {
  // [expression, what it reads]
  const rows: Array<[string, string | null]> = [
    ['addresses[type eq "work"].country', 'GB'],
    ['addresses[type eq "WORK"].country', 'GB'],
    ['ADDRESSES[TYPE eq "work"].COUNTRY', 'GB'],
    ['addresses[type eq "other"].country', null],
    ['addresses.country', 'FR'],
    ['emails[primary eq true].value', 'ann@contoso.com'],
    ['emails[type eq "home"].value', 'ann.home@example.com'],
    ['emails', 'ann@contoso.com'],
    ['emails.value', 'ann@contoso.com'],
    ['phoneNumbers[type eq "work"].value', '+44 20 7946 0000'],
    ['name.givenName', 'Ann'],
    ['name.middleName', null],
    ['title', 'Engineer'],
    ['userName', 'ann@contoso.com'],
    ['active', 'true'],
    [`${USER_URN}:name.familyName`, 'Lee'],
    ['department', 'Sales'],
    [`${ENT}:department`, 'Sales'],
    [`${ENT.toUpperCase()}:DEPARTMENT`, 'Sales'],
    [`${ENT}:manager`, 'mgr-1'],
    [`${ENT}:manager.value`, 'mgr-1'],
    [`${ENT}:manager.displayName`, 'Bo'],
    [`${ENT}:division`, null],
    [`${CUSTOM}:country`, 'DE'],
    [`${CUSTOM}:badgeNumber`, '1234'],
    [`${CUSTOM}:remote`, 'false'],
    [`${CUSTOM}:sites`, 'Berlin'],
    [`${CUSTOM}:sites[type eq "other"].value`, 'Bonn'],
    [`${CUSTOM}:missing`, null],
    ['urn:ietf:params:scim:schemas:extension:Other:2.0:User:country', null],
  ];
  for (const [expression, expected] of rows) {
    it(`reads ${JSON.stringify(expected)} from ${expression}`, () => {
      const compiled = compileExpression(expression);
      assert.ok(compiled.ok, compiled.ok ? '' : compiled.detail);
      assert.equal(readExpression(compiled.value, RESOURCE), expected);
    });
  }

  it('reads the primary element first even when it is not the first one sent', () => {
    const compiled = compileExpression('addresses.locality');
    assert.ok(compiled.ok);
    const resource = { addresses: [{ locality: 'Paris' }, { locality: 'Leeds', primary: true }] };
    assert.equal(readExpression(compiled.value, resource), 'Leeds');
  });

  it('skips blank elements and takes the first one that holds a value', () => {
    const compiled = compileExpression('phoneNumbers.value');
    assert.ok(compiled.ok);
    assert.equal(readExpression(compiled.value, { phoneNumbers: [{ value: '  ' }, { value: '555' }] }), '555');
  });

  it('reads nothing from a resource that lacks the attribute or holds an object where a value belongs', () => {
    const compiled = compileExpression('title');
    assert.ok(compiled.ok);
    assert.equal(readExpression(compiled.value, {}), null);
    assert.equal(readExpression(compiled.value, { title: { nested: 'x' } }), null);
  });
});

describe('validating a mapping expression', () => {
  // [expression, a fragment of the detail]
  const refused: Array<[string, RegExp]> = [
    ['adresses.country', /at position 0: unknown attribute "adresses" of User \(an attribute of a custom extension is written with its schema URN/],
    ['addresses.contry', /at position 10: unknown sub-attribute "contry" of "addresses" \(it has /],
    ['addresses[type eq "work"].contry', /at position 26: unknown sub-attribute "contry" of "addresses"/],
    ['name[givenName eq "Ann"]', /at position 4: "name" is not a multi-valued complex attribute, so it takes no \[filter\]/],
    ['title[value eq "x"]', /at position 5: "title" is not a multi-valued complex attribute/],
    ['name', /at position 4: "name" is complex: name one of its sub-attributes \(.*givenName.*\), e\.g\. name\./],
    ['addresses[type eq "work"]', /at position 25: "addresses" is complex: name one of its sub-attributes .*e\.g\. addresses\[type eq "work"\]\./],
    ['title.short', /at position 6: "title" has no sub-attributes/],
    ['emails[tpye eq "work"].value', /at position 6, in the value filter: .*emails\.tpye/],
    ['emails[primary eq "maybe"].value', /at position 6, in the value filter: .*boolean/],
    ['password', /at position 0: "password" is never stored/],
    ['groups.display', /at position 0: "groups" is derived from the groups' members/],
    ['id', /at position 0: "id" is assigned by this server/],
    [`${ENT}:costCentre`, /at position 59: unknown attribute "costCentre" of urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User/],
    [`${ENT}:manager.id`, /unknown sub-attribute "id" of "manager"/],
    ['urn:ietf:params:scim:schemas:core:2.0:Group:displayName', /at position 0: "urn:ietf:params:scim:schemas:core:2\.0:Group" is no schema of a User: .*a custom extension whose URN ends in ":User"/],
    ['urn:example:hr:country', /"urn:example:hr" is no schema of a User/],
    ['emails[type eq "work"', /Invalid path at position \d+: expected "\]"/],
    ['   ', /at position 0: the expression is empty/],
  ];
  for (const [expression, detail] of refused) {
    it(`refuses ${JSON.stringify(expression)} naming the problem and its position`, () => {
      const check = compileExpression(expression);
      assert.equal(check.ok, false);
      if (!check.ok) assert.match(check.detail, detail);
    });
  }

  const accepted = [
    'addresses[type eq "work"].country',
    'emails[type eq "work"].value',
    `${ENT}:division`,
    `${ENT}:manager`,
    `${CUSTOM}:country`,
    `${CUSTOM}:anything.atAll`,
    `${CUSTOM}:sites[type eq "main"].value`,
    'urn:ietf:params:scim:schemas:extension:okta:1.0:User:costCenterCode',
    'externalId',
    'x509Certificates.value',
  ];
  for (const expression of accepted) {
    it(`accepts ${expression}`, () => {
      const compiled = compileExpression(expression);
      assert.ok(compiled.ok, compiled.ok ? '' : compiled.detail);
    });
  }
});
