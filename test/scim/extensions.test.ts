// Custom extensions (src/scim/schemas/custom.ts), core attributes nested under the core URN, blank e-mails,
// and reading mapping expressions (src/scim/read-path.ts): the pure rules, as tables.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { matches } from '../../src/scim/filter/evaluate.ts';
import { parseFilter } from '../../src/scim/filter/parser.ts';
import { validateFilter } from '../../src/scim/filter/validate.ts';
import { applyPatch } from '../../src/scim/patch/apply.ts';
import { project } from '../../src/scim/project.ts';
import { readPath, validateReadablePath } from '../../src/scim/read-path.ts';
import { foldResource, parseResource, type ScimResource } from '../../src/scim/resource.ts';
import { isCustomExtensionUrn, resolveAttribute } from '../../src/scim/schemas/index.ts';
import { ENTERPRISE_USER_URN as ENT, GROUP_URN, PATCH_OP_URN, USER_URN } from '../../src/scim/schemas/urns.ts';

const CO = 'urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User';
const KB4 = 'urn:ietf:params:scim:schemas:extension:knowbe4:kmsat:2.0:User';

function parsed(body: unknown, type: 'User' | 'Group' = 'User'): ScimResource {
  const r = parseResource(type, body);
  assert.ok(r.ok, r.ok ? '' : r.error.detail);
  return r.value.resource;
}

describe('Which URNs are custom extensions', () => {
  const rows: Array<[string, 'User' | 'Group', boolean]> = [
    [CO, 'User', true],
    [KB4, 'User', true],
    ['URN:IETF:PARAMS:SCIM:SCHEMAS:EXTENSION:COMPANYNAME:2.0:USER', 'User', true],
    ['urn:example:custom:2.0:User', 'User', true],
    ['urn:ietf:params:scim:schemas:extension:CompanyName:2.0:Group', 'Group', true],
    ['urn:ietf:params:scim:schemas:extension:CompanyName:2.0:Group', 'User', false],
    [CO, 'Group', false],
    [ENT, 'User', false],
    [ENT, 'Group', false],
    [USER_URN, 'User', false],
    ['urn:scim:schemas:core:1.0:User', 'User', false],
    ['urn:scim:schemas:core:2.0', 'User', false],
    ['urn:scim:schemas:extension:enterprise:1.0', 'User', false],
    ['urn:ietf:params:scim:schemas:extension:Company"Name:2.0:User', 'User', false],
    ['urn:ietf:params:scim:schemas:extension:Company Name:2.0:User', 'User', false],
    ['http://schemas.example.com/2.0/User', 'User', false],
    ['urn:ietf:params:scim:schemas:extension:__PROTO__:2.0:User', 'User', false],
  ];
  for (const [urn, type, expected] of rows) {
    it(`${expected ? 'keeps' : 'does not keep'} ${urn} in a ${type}`, () => assert.equal(isCustomExtensionUrn(type, urn), expected));
  }
});

describe('A POST or PUT body with custom extensions', () => {
  const rows: Array<{ name: string; body: Record<string, unknown>; type?: 'User' | 'Group'; expected: ScimResource }> = [
    {
      name: 'keeps an extension object as sent and lists its URN in schemas',
      body: { userName: 'a', [CO]: { Country: 'UK', level: 3, remote: true, address: { city: 'Leeds' }, codes: ['x', 'y'] } },
      expected: { schemas: [USER_URN, CO], userName: 'a', [CO]: { Country: 'UK', level: 3, remote: true, address: { city: 'Leeds' }, codes: ['x', 'y'] } },
    },
    {
      name: 'drops nulls, and objects and arrays that only held nulls',
      body: { userName: 'a', [CO]: { gone: null, empty: { x: null }, list: [null], kept: 'k' } },
      expected: { schemas: [USER_URN, CO], userName: 'a', [CO]: { kept: 'k' } },
    },
    {
      name: 'keeps no extension that holds nothing, and lists no URN for it',
      body: { userName: 'a', [CO]: { gone: null }, [KB4]: {} },
      expected: { schemas: [USER_URN], userName: 'a' },
    },
    {
      name: 'reads a URN-qualified custom key into its extension, splitting at the last colon',
      body: { userName: 'a', [`${KB4}:customField1`]: 'Finance', [`${KB4}:customDate1`]: '2024-01-31' },
      expected: { schemas: [USER_URN, KB4], userName: 'a', [KB4]: { customField1: 'Finance', customDate1: '2024-01-31' } },
    },
    {
      name: 'merges the object and qualified keys of one URN written in different case, keeping the first spelling of the URN',
      body: { userName: 'a', [CO]: { country: 'UK' }, [`${CO.toUpperCase()}:city`]: 'Leeds' },
      expected: { schemas: [USER_URN, CO], userName: 'a', [CO]: { country: 'UK', city: 'Leeds' } },
    },
    {
      name: 'keeps one value per attribute name ignoring case, the last sent, in the case it was sent',
      body: { userName: 'a', [CO]: { country: 'UK', Country: 'FR' } },
      expected: { schemas: [USER_URN, CO], userName: 'a', [CO]: { Country: 'FR' } },
    },
    {
      name: 'puts custom extensions after the enterprise extension',
      body: { [CO]: { c: '1' }, userName: 'a', [ENT]: { department: 'Sales' } },
      expected: { schemas: [USER_URN, ENT, CO], userName: 'a', [ENT]: { department: 'Sales' }, [CO]: { c: '1' } },
    },
    {
      name: 'keeps a custom extension of a group',
      type: 'Group',
      body: { displayName: 'G', 'urn:example:custom:2.0:Group': { site: 'Leeds' }, [CO]: { country: 'UK' } },
      expected: { schemas: [GROUP_URN, 'urn:example:custom:2.0:Group'], displayName: 'G', 'urn:example:custom:2.0:Group': { site: 'Leeds' } },
    },
  ];
  for (const row of rows) it(row.name, () => assert.deepEqual(parsed(row.body, row.type), row.expected));

  it('refuses a custom extension that is not an object, naming it', () => {
    const r = parseResource('User', { userName: 'a', [CO]: 'UK' });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error.detail : '', /CompanyName:2\.0:User' must be an object/);
  });

  it('refuses a forbidden key inside a custom extension', () => {
    const r = parseResource('User', JSON.parse(`{"userName":"a","${CO}":{"__proto__":{"x":1}}}`));
    assert.equal(!r.ok && r.error.scimType, 'invalidSyntax');
  });

  it('counts custom values against the string length limit', () => {
    const r = parseResource('User', { userName: 'a', [CO]: { note: 'x'.repeat(100_000) } });
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.error.detail : '', /CompanyName:2\.0:User:note/);
  });
});

describe('Core attributes nested under the core URN', () => {
  const rows: Array<{ name: string; type?: 'User' | 'Group'; body: Record<string, unknown>; expected: ScimResource; members?: string[] }> = [
    {
      name: 'reads userName and name from the nested object like top-level ones',
      body: { [USER_URN]: { userName: 'a', name: { givenName: 'Ann' }, emails: [{ value: 'a@x.example' }] } },
      expected: { schemas: [USER_URN], userName: 'a', name: { givenName: 'Ann' }, emails: [{ value: 'a@x.example' }] },
    },
    {
      name: 'lets a top-level key win over the nested one, whichever comes first',
      body: { userName: 'top', [USER_URN]: { userName: 'nested', title: 'T' } },
      expected: { schemas: [USER_URN], userName: 'top', title: 'T' },
    },
    {
      name: 'reads a group displayName and members from the nested object',
      type: 'Group',
      body: { [GROUP_URN.toLowerCase()]: { displayName: 'G', members: [{ value: 'u1' }] } },
      expected: { schemas: [GROUP_URN], displayName: 'G' },
      members: ['u1'],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const r = parseResource(row.type ?? 'User', row.body);
      assert.ok(r.ok, r.ok ? '' : r.error.detail);
      assert.deepEqual(r.value.resource, row.expected);
      if (row.members) assert.deepEqual(r.value.members?.map((m) => m.value), row.members);
    });
  }
});

describe('Blank e-mail addresses and phone numbers', () => {
  it('stores no e-mail or phone number whose value is empty or blank', () => {
    const resource = parsed({ userName: 'a', emails: [{ type: 'work', value: '' }, { type: 'home', value: '  ' }, { value: 'a@x.example' }], phoneNumbers: [{ value: '' }] });
    assert.deepEqual(resource, { schemas: [USER_URN], userName: 'a', emails: [{ value: 'a@x.example' }] });
  });
});

const patch = (resource: ScimResource, ...ops: unknown[]) => applyPatch('User', resource, { schemas: [PATCH_OP_URN], Operations: ops });

describe('PATCH of custom extension attributes', () => {
  const base = parsed({ userName: 'a', [CO]: { country: 'UK', city: 'Leeds' } });
  const withCo = (ext: Record<string, unknown> | undefined): ScimResource =>
    ext === undefined ? { schemas: [USER_URN], userName: 'a' } : { schemas: [USER_URN, CO], userName: 'a', [CO]: ext };
  const rows: Array<{ name: string; ops: unknown[]; expected: ScimResource; resource?: ScimResource }> = [
    { name: 'replaces one through its path', ops: [{ op: 'replace', path: `${CO}:country`, value: 'FR' }], expected: withCo({ country: 'FR', city: 'Leeds' }) },
    { name: 'adds one through its path, creating the extension', resource: parsed({ userName: 'a' }), ops: [{ op: 'Add', path: `${CO}:country`, value: 'UK' }], expected: withCo({ country: 'UK' }) },
    { name: 'matches the URN and the name ignoring case, and takes the case of the request', ops: [{ op: 'replace', path: `${CO.toLowerCase()}:COUNTRY`, value: 'FR' }], expected: withCo({ city: 'Leeds', COUNTRY: 'FR' }) },
    { name: 'removes one, and the extension once it is empty', ops: [{ op: 'remove', path: `${CO}:country` }, { op: 'remove', path: `${CO}:city` }], expected: withCo(undefined) },
    { name: 'unassigns one replaced with null', ops: [{ op: 'replace', path: `${CO}:city`, value: null }], expected: withCo({ country: 'UK' }) },
    { name: 'removes the whole extension by its URN', ops: [{ op: 'remove', path: CO }], expected: withCo(undefined) },
    { name: 'merges an object given for the whole extension', ops: [{ op: 'replace', path: CO, value: { country: 'DE' } }], expected: withCo({ country: 'DE', city: 'Leeds' }) },
    { name: 'applies a path-less replace whose value holds the extension object', ops: [{ op: 'replace', value: { [CO]: { city: 'York' } } }], expected: withCo({ country: 'UK', city: 'York' }) },
    { name: "applies Entra's path-less replace with URN-qualified keys", ops: [{ op: 'Replace', value: { [`${CO}:country`]: 'IE', 'name.givenName': 'Ann' } }], expected: { ...withCo({ city: 'Leeds', country: 'IE' }), name: { givenName: 'Ann' } } },
    { name: 'keeps numbers and booleans as sent', ops: [{ op: 'add', path: `${CO}:level`, value: 3 }, { op: 'add', path: `${CO}:remote`, value: false }], expected: withCo({ country: 'UK', city: 'Leeds', level: 3, remote: false }) },
    { name: 'lets a top-level key of a path-less value win over the nested core one', ops: [{ op: 'replace', value: { title: 'Top', [USER_URN]: { title: 'Nested', displayName: 'D' } } }], expected: { ...withCo({ country: 'UK', city: 'Leeds' }), title: 'Top', displayName: 'D' } },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const r = patch(row.resource ?? base, ...row.ops);
      assert.ok(r.ok, r.ok ? '' : r.error.detail);
      assert.deepEqual(r.value.resource, row.expected);
    });
  }

  it('refuses a sub-path into a custom attribute with 400 invalidPath saying to replace it whole', () => {
    const r = patch(base, { op: 'replace', path: `${CO}:address.city`, value: 'York' });
    assert.equal(!r.ok && r.error.scimType, 'invalidPath');
    assert.match(!r.ok ? r.error.detail : '', /replace '.*CompanyName:2\.0:User:address' as a whole/);
  });

  it('refuses a replace of a custom attribute without a value', () => {
    const r = patch(base, { op: 'replace', path: `${CO}:country` });
    assert.equal(!r.ok && r.error.scimType, 'invalidValue');
  });

  it('removes the e-mail element whose value a PATCH blanks instead of keeping {"type": "work", "value": ""}', () => {
    const user = parsed({ userName: 'a', emails: [{ type: 'work', value: 'a@x.example' }, { type: 'home', value: 'h@x.example' }] });
    const r = patch(user, { op: 'replace', path: 'emails[type eq "work"].value', value: '' });
    assert.ok(r.ok);
    assert.deepEqual(r.value.resource.emails, [{ type: 'home', value: 'h@x.example' }]);
    const created = patch(parsed({ userName: 'a' }), { op: 'replace', path: 'emails[type eq "work"].value', value: ' ' });
    assert.ok(created.ok);
    assert.equal(created.value.resource.emails, undefined);
  });
});

describe('Filters on custom extension attributes, in memory', () => {
  const user = parsed({ userName: 'a', [CO]: { Country: 'United Kingdom', level: 3, remote: true, address: { City: 'Leeds' }, codes: ['x'] } });
  const rows: Array<[string, boolean]> = [
    [`${CO}:country eq "united KINGDOM"`, true],
    [`${CO.toUpperCase()}:COUNTRY eq "United Kingdom"`, true],
    [`${CO}:country ne "France"`, true],
    [`${CO}:country co "king"`, true],
    [`${CO}:country sw "UNITED"`, true],
    [`${CO}:country ew "dom"`, true],
    [`${CO}:country pr`, true],
    [`${CO}:missing pr`, false],
    [`${CO}:missing ne "x"`, true],
    [`${CO}:level eq "3"`, true],
    [`${CO}:level eq 3`, true],
    [`${CO}:remote eq "TRUE"`, true],
    [`${CO}:address.city eq "leeds"`, true],
    [`${CO}:address pr`, false],
    [`${CO}:codes eq "x"`, false],
    [`not (${CO}:country eq "France")`, true],
    [`${KB4}:customField1 pr`, false],
  ];
  for (const [text, expected] of rows) {
    it(`${expected ? 'matches' : 'does not match'} ${text.replace(CO, 'urn:…:CompanyName:2.0:User')}`, () => {
      const f = parseFilter(text);
      assert.ok(f.ok, f.ok ? '' : f.error.detail);
      const resolve = (p: Parameters<typeof resolveAttribute>[1]) => resolveAttribute('User', p);
      const valid = validateFilter(f.value, resolve);
      assert.ok(valid.ok, valid.ok ? '' : valid.error.detail);
      assert.equal(matches(valid.value, user, resolve), expected);
    });
  }

  it('keeps custom extensions in resource_ci under folded names with folded text, for SQL', () => {
    assert.deepEqual(foldResource('User', user)[CO.toLowerCase()], { country: 'united kingdom', level: '3', remote: 'true', address: { city: 'leeds' }, codes: ['x'] });
  });
});

describe('Mapping expressions', () => {
  const user = parsed({
    userName: 'a@x.example',
    name: { givenName: 'Ann' },
    emails: [{ value: 'home@x.example', type: 'home' }, { value: 'work@x.example', type: 'work', primary: true }],
    addresses: [{ type: 'home', country: 'FR' }, { type: 'work', country: 'GB' }],
    [ENT]: { department: 'Sales', manager: { value: 'm1' } },
    [CO]: { Country: 'UK', address: { city: 'Leeds' }, sites: [{ type: 'main', value: 'Berlin' }, { type: 'other', value: 'Bonn' }] },
  });
  const reads: Array<[string, unknown[]]> = [
    ['addresses[type eq "work"].country', ['GB']],
    ['emails[primary eq true].value', ['work@x.example']],
    ['emails[type eq "work"].value', ['work@x.example']],
    ['emails.value', ['home@x.example', 'work@x.example']],
    ['name.givenName', ['Ann']],
    ['NAME.GIVENNAME', ['Ann']],
    ['title', []],
    ['department', ['Sales']],
    [`${ENT}:department`, ['Sales']],
    [`${ENT}:manager.value`, ['m1']],
    [`${CO}:country`, ['UK']],
    [`${CO.toLowerCase()}:COUNTRY`, ['UK']],
    [`${CO}:address.city`, ['Leeds']],
    [`${CO}:address`, [{ city: 'Leeds' }]],
    [`${CO}:sites[type eq "other"].value`, ['Bonn']],
    [`${CO}:sites[TYPE eq "MAIN"]`, [{ type: 'main', value: 'Berlin' }]],
    [`${CO}:country[value eq "UK"]`, []],
    [`${KB4}:customField1`, []],
  ];
  for (const [expression, expected] of reads) {
    it(`reads ${expression.replace(CO, 'urn:…:CompanyName:2.0:User')}`, () => {
      const path = validateReadablePath(expression);
      assert.ok(path.ok, path.ok ? '' : path.error.detail);
      assert.deepEqual(readPath(user, path.value), expected);
    });
  }

  const refusals: Array<[string, RegExp]> = [
    ['adresses.country', /at position 0: unknown attribute "adresses" of User/],
    ['name.nick', /at position 5: unknown sub-attribute "nick" of "name"/],
    ['userName.x', /"userName" has no sub-attributes/],
    [`${ENT}:dept`, /unknown attribute "dept" of urn:ietf:params:scim:schemas:extension:enterprise:2\.0:User/],
    ['urn:foo:bar:country', /"urn:foo:bar" is no schema of a User.*ends in ":User"/],
    ['title[type eq "x"]', /"title" is not a multi-valued complex attribute/],
    [`${CO}:sites[primary eq true].value`, /at position 65, in the value filter: "primary" is string: expected a quoted string/],
    ['', /at position 0: the expression is empty/],
    ['groups', /derived from the groups' members/],
    ['id', /assigned by this server/],
    ['password', /never stored/],
    ['emails[kind eq "work"].value', /Unknown attribute "emails\.kind"/],
    ['emails[type eq "work"', /position/],
  ];
  for (const [expression, detail] of refusals) {
    it(`refuses ${expression} with a clear error`, () => {
      const path = validateReadablePath(expression);
      assert.equal(path.ok, false);
      assert.match(!path.ok ? path.error.detail : '', detail);
    });
  }
});

describe('attributes and excludedAttributes with custom extensions', () => {
  const user = { schemas: [USER_URN, CO], id: '1', userName: 'a', title: 'T', [CO]: { Country: 'UK', city: 'Leeds' } };
  const rows: Array<[string, { attributes?: string[]; excludedAttributes?: string[] }, Record<string, unknown>]> = [
    ['returns a custom extension by default', {}, user],
    ['returns the whole extension when attributes names its URN', { attributes: [CO.toLowerCase()] }, { schemas: user.schemas, id: '1', [CO]: user[CO] }],
    ['returns one custom attribute named URN-qualified, ignoring case', { attributes: [`${CO}:COUNTRY`] }, { schemas: user.schemas, id: '1', [CO]: { Country: 'UK' } }],
    ['returns no custom extension when attributes names others', { attributes: ['userName'] }, { schemas: user.schemas, id: '1', userName: 'a' }],
    ['leaves out the whole extension excluded by URN', { excludedAttributes: [CO] }, { schemas: user.schemas, id: '1', userName: 'a', title: 'T' }],
    ['leaves out one excluded custom attribute', { excludedAttributes: [`${CO}:city`, 'title'] }, { schemas: user.schemas, id: '1', userName: 'a', [CO]: { Country: 'UK' } }],
  ];
  for (const [name, params, expected] of rows) it(name, () => assert.deepEqual(project('User', user, params), expected));
});
