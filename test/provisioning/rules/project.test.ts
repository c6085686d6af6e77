// projectUser: a stored SCIM User through a setting's rules → the target user, with defaults, mappings,
// normalisation, custom fields, groups and the warnings an admin sees in the job log.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { projectUser } from '../../../src/provisioning/rules/project.ts';
import type { CustomFieldDef, ProjectedUser, Rules } from '../../../src/provisioning/rules/types.ts';
import { ENTERPRISE_USER_URN as ENT, USER_URN } from '../../../src/scim/schemas/urns.ts';

const NO_RULES: Rules = { mappings: [], groupName: null, groupBy: null, customFields: [] };
const rules = (r: Partial<Rules>): Rules => ({ ...NO_RULES, ...r });
const user = (r: Record<string, unknown>) => ({ schemas: [USER_URN], userName: 'jdoe', ...r });

describe('projectUser defaults', () => {
  // [what the admin notices, resource, field, expected value]
  type Field = Exclude<keyof ProjectedUser, 'customFields' | 'groups' | 'warnings' | 'missingEmail'>;
  const rows: Array<[string, Record<string, unknown>, Field, unknown]> = [
    ['the primary email wins over a work email listed first', { emails: [{ value: 'w@x.com', type: 'work' }, { value: 'p@x.com', type: 'home', primary: true }] }, 'email', 'p@x.com'],
    ['the work email wins over other emails without a primary', { emails: [{ value: 'h@x.com', type: 'home' }, { value: 'w@x.com', type: 'work' }] }, 'email', 'w@x.com'],
    ['the first email is used when none is primary or work', { emails: [{ value: 'a@x.com', type: 'home' }, { value: 'b@x.com', type: 'other' }] }, 'email', 'a@x.com'],
    ['an invalid primary email gives way to a valid work email', { emails: [{ value: 'broken', primary: true }, { value: 'w@x.com', type: 'work' }] }, 'email', 'w@x.com'],
    ['an invalid primary work email gives way to a valid home email (Microsoft\'s validator)', { emails: [{ value: 'emailName357', type: 'work', Primary: true }, { value: 'testinghome@bob.com', type: 'home' }] }, 'email', 'testinghome@bob.com'],
    ['userName is the email when it is an address and no email is sent', { userName: 'Ann@Contoso.COM' }, 'email', 'Ann@contoso.com'],
    ['emails win over an address-like userName', { userName: 'login@x.com', emails: [{ value: 'mail@x.com' }] }, 'email', 'mail@x.com'],
    ['the first name is name.givenName', { name: { givenName: ' Ann ' } }, 'firstName', 'Ann'],
    ['the last name is name.familyName', { name: { familyName: 'Lee' } }, 'lastName', 'Lee'],
    ['displayName is not split into names', { displayName: 'Ann Lee' }, 'firstName', null],
    ['the department is the enterprise department', { [ENT]: { department: 'Sales' } }, 'department', 'Sales'],
    ['the title is title', { title: 'CFO' }, 'title', 'CFO'],
    ['the work phone wins', { phoneNumbers: [{ value: '1', type: 'mobile' }, { value: '2', type: 'work' }] }, 'phone', '2'],
    ['the mobile phone comes next', { phoneNumbers: [{ value: '1', type: 'home' }, { value: '2', type: 'mobile' }] }, 'phone', '2'],
    ['then the primary phone', { phoneNumbers: [{ value: '1', type: 'home' }, { value: '2', type: 'fax', primary: true }] }, 'phone', '2'],
    ['then the first phone', { phoneNumbers: [{ value: '1', type: 'home' }, { value: '2', type: 'fax' }] }, 'phone', '1'],
    ['the timezone is the core timezone, resolved', { timezone: 'GB' }, 'timezone', 'Europe/London'],
    ['the preferred language is preferredLanguage, canonicalised', { preferredLanguage: 'en_us', locale: 'fr-FR' }, 'preferredLanguage', 'en-US'],
    ['locale stands in for a missing preferred language', { locale: 'fr_fr' }, 'preferredLanguage', 'fr-FR'],
    ['the manager is the enterprise manager\'s value', { [ENT]: { manager: { value: 'mgr-7', displayName: 'Bo' } } }, 'manager', 'mgr-7'],
    ['a user is active unless active is false', {}, 'active', true],
    ['active "False" as Entra sends it is inactive', { active: 'False' }, 'active', false],
    ['externalId is kept', { externalId: ' 00u1 ' }, 'externalId', '00u1'],
  ];
  for (const [name, resource, field, value] of rows) {
    it(name, () => assert.deepEqual(projectUser(user(resource), NO_RULES)[field], value));
  }
});

describe('projectUser mappings', () => {
  it('reads a mapped platform field from its expression instead of the default', () => {
    const r = rules({ mappings: [{ field: 'department', expression: `${ENT}:division` }] });
    const p = projectUser(user({ [ENT]: { department: 'Sales', division: 'EMEA' } }), r);
    assert.equal(p.department, 'EMEA');
  });

  it('leaves a mapped field empty when its expression yields nothing, without falling back to the default', () => {
    const r = rules({ mappings: [{ field: 'department', expression: `${ENT}:division` }] });
    const p = projectUser(user({ [ENT]: { department: 'Sales' } }), r);
    assert.equal(p.department, null);
    assert.deepEqual(p.warnings, []);
  });

  it('falls back to the default address when a mapped email yields nothing, and says so', () => {
    const r = rules({ mappings: [{ field: 'email', expression: 'urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User:mail' }] });
    const p = projectUser(user({ emails: [{ value: 'ann@x.com', type: 'work' }] }), r);
    assert.equal(p.email, 'ann@x.com');
    assert.match(p.warnings.join('\n'), /email mapped from urn:.*:mail holds nothing; used ann@x\.com, the user.s default address/);
  });

  it('falls back to the default address when a mapped email is not an address, in one warning quoting it', () => {
    const r = rules({ mappings: [{ field: 'email', expression: 'nickName' }] });
    const p = projectUser(user({ nickName: 'annie', emails: [{ value: 'ann@x.com' }] }), r);
    assert.equal(p.email, 'ann@x.com');
    assert.deepEqual(p.warnings, ['email mapped from nickName holds "annie", which is not an email address: an address has exactly one "@"; used ann@x.com, the user\'s default address']);
  });

  it('uses a mapped email read from a custom extension', () => {
    const r = rules({ mappings: [{ field: 'email', expression: 'urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User:mail' }] });
    const p = projectUser(user({ emails: [{ value: 'login@x.com' }], 'urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User': { Mail: 'target@X.com' } }), r);
    assert.equal(p.email, 'target@x.com');
    assert.deepEqual(p.warnings, []);
  });

  it('maps Entra\'s usageLocation sent as timezone to the country\'s zone', () => {
    assert.equal(projectUser(user({ timezone: 'us' }), NO_RULES).timezone, 'America/New_York');
  });
});

describe('projectUser normalisation and warnings', () => {
  it('leaves an unknown timezone empty with a warning quoting it; the user is still projected', () => {
    const p = projectUser(user({ emails: [{ value: 'a@x.com' }], timezone: 'Mars/Olympus' }), NO_RULES);
    assert.equal(p.timezone, null);
    assert.equal(p.email, 'a@x.com');
    assert.deepEqual(p.warnings, ['timezone "Mars/Olympus" is not a country code, Windows or IANA zone; left empty']);
  });

  it('leaves an unrecognised language empty with a warning, so the company\'s language applies', () => {
    const p = projectUser(user({ preferredLanguage: 'klingonese' }), NO_RULES);
    assert.equal(p.preferredLanguage, null);
    assert.match(p.warnings.join('\n'), /preferredLanguage "klingonese" is not a BCP 47 language tag/);
  });

  it('leaves a title longer than 256 characters empty with a warning, quoting at most 100 characters', () => {
    const p = projectUser(user({ title: 't'.repeat(300) }), NO_RULES);
    assert.equal(p.title, null);
    assert.equal(p.warnings.length, 1);
    assert.match(p.warnings[0]!, /^title "t{100}…" is longer than 256 characters; left empty$/);
  });

  it('keeps a phone of 64 characters and drops one of 65', () => {
    assert.equal(projectUser(user({ phoneNumbers: [{ value: '1'.repeat(64) }] }), NO_RULES).phone, '1'.repeat(64));
    assert.equal(projectUser(user({ phoneNumbers: [{ value: '1'.repeat(65) }] }), NO_RULES).phone, null);
  });

  it('reports a missing email with what was read and how to map it in Entra', () => {
    const p = projectUser(user({ userName: 'jdoe' }), NO_RULES);
    assert.equal(p.email, null);
    assert.equal(
      p.missingEmail,
      'No usable email address: the user has no valid primary or work email in emails and userName is not an address. In Entra ID map mail to emails[type eq "work"].value (Provisioning > Mappings > Provision Microsoft Entra ID Users)',
    );
  });

  it('names an invalid email and the mapped attribute in the missing-email detail', () => {
    const r = rules({ mappings: [{ field: 'email', expression: 'emails[type eq "work"].value' }] });
    const p = projectUser(user({ emails: [{ value: 'ann at x', type: 'work' }] }), r);
    assert.equal(p.email, null);
    assert.match(
      p.missingEmail ?? '',
      /^No usable email address: the mapped attribute emails\[type eq "work"\]\.value holds "ann at x", which is not an email address: it contains whitespace, the user has no valid primary or work email in emails and userName is not an address\. In Entra ID map mail/,
    );
  });

  it('warns, quoting it, when an invalid primary email was passed over for another address', () => {
    const p = projectUser(user({ emails: [{ value: 'emailName357', type: 'work', primary: true }, { value: 'home@bob.com', type: 'home' }] }), NO_RULES);
    assert.equal(p.email, 'home@bob.com');
    assert.equal(p.warnings.length, 1);
    assert.match(p.warnings[0]!, /"emailName357".*used "home@bob\.com"/);
  });

  it('has no missingEmail when an address resolved', () => {
    assert.equal('missingEmail' in projectUser(user({ userName: 'a@x.com' }), NO_RULES), false);
  });

  it('warns about a mapping whose custom field no longer exists and applies the others', () => {
    const r = rules({ mappings: [{ field: 'Gone', expression: 'title' }, { field: 'title', expression: 'userType' }] });
    const p = projectUser(user({ title: 'CFO', userType: 'Employee' }), r);
    assert.equal(p.title, 'Employee');
    assert.deepEqual(p.warnings, ['mapping Gone=title ignored: there is no such field']);
  });
});

describe('projectUser custom fields', () => {
  const HIRED: CustomFieldDef = { id: 'f-hired', name: 'Hire date', type: 'date' };
  const BADGE: CustomFieldDef = { id: 'f-badge', name: 'Badge', type: 'number' };
  const EXT = 'urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User';
  const r = rules({
    customFields: [HIRED, BADGE],
    mappings: [
      { field: 'hire date', expression: `${EXT}:hireDate` },
      { field: 'Badge', expression: `${EXT}:badge` },
    ],
  });

  it('keeps values that fit their types as canonical text', () => {
    const p = projectUser(user({ [EXT]: { hireDate: '2024-05-01T00:00:00Z', badge: '0042' } }), r);
    assert.deepEqual(p.customFields, [
      { fieldId: 'f-hired', value: '2024-05-01' },
      { fieldId: 'f-badge', value: '42' },
    ]);
    assert.deepEqual(p.warnings, []);
  });

  it('leaves a value that does not fit empty and warns naming the field, the value and the type', () => {
    const p = projectUser(user({ [EXT]: { hireDate: '31/12/2024', badge: 7 } }), r);
    assert.deepEqual(p.customFields, [{ fieldId: 'f-badge', value: '7' }]);
    assert.deepEqual(p.warnings, ['custom field "Hire date" (date) "31/12/2024" is not a date (expected YYYY-MM-DD); left empty']);
  });

  it('says nothing about a custom field the user has no value for', () => {
    const p = projectUser(user({}), r);
    assert.deepEqual(p.customFields, []);
    assert.deepEqual(p.warnings, []);
  });
});

describe('the Country / Region example of the product documentation', () => {
  // azure-ad-scim-integration: a custom field "Country / Region" mapped from addresses[type eq "work"].country,
  // Grouping Criteria "Country / Region", no Group Name.
  const COUNTRY: CustomFieldDef = { id: 'f-country', name: 'Country / Region', type: 'text' };
  const r = rules({
    customFields: [COUNTRY],
    mappings: [{ field: 'Country / Region', expression: 'addresses[type eq "work"].country' }],
    groupBy: 'Country / Region',
  });
  const entraUser = (country: string | undefined) =>
    user({
      userName: 'ann@contoso.com',
      emails: [{ value: 'ann@contoso.com', type: 'work', primary: true }],
      addresses: country === undefined ? [] : [{ type: 'work', country }],
      timezone: 'GB',
    });

  it('puts a user whose work address is in the UK in a group named UK', () => {
    const p = projectUser(entraUser('UK'), r);
    assert.deepEqual(p.customFields, [{ fieldId: 'f-country', value: 'UK' }]);
    assert.deepEqual(p.groups, [{ name: 'UK', origin: 'rule' }]);
    assert.equal(p.timezone, 'Europe/London');
    assert.deepEqual(p.warnings, []);
  });

  it('moves the user to the new country\'s group when Entra changes the country', () => {
    assert.deepEqual(projectUser(entraUser('Türkiye'), r).groups, [{ name: 'Türkiye', origin: 'rule' }]);
  });

  it('puts a user without a country in no group, as no Group Name is chosen', () => {
    const p = projectUser(entraUser(undefined), r);
    assert.deepEqual(p.customFields, []);
    assert.deepEqual(p.groups, []);
  });

  it('puts a user without a country in the chosen Group Name when there is one', () => {
    assert.deepEqual(projectUser(entraUser(undefined), { ...r, groupName: 'No country' }).groups, [{ name: 'No country', origin: 'setting' }]);
  });
});
