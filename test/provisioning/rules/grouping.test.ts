// Grouping decisions: which group a target user joins, and which setting rules are refused before they run.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupsFor, validateRules } from '../../../src/provisioning/rules/grouping.ts';
import type { CustomFieldDef, GroupOrigin } from '../../../src/provisioning/rules/types.ts';

const COUNTRY: CustomFieldDef = { id: 'f-country', name: 'Country / Region', type: 'text' };
const HIRED: CustomFieldDef = { id: 'f-hired', name: 'Hire date', type: 'date' };
const FIELDS = [COUNTRY, HIRED];

describe('groupsFor', () => {
  interface Row {
    name: string;
    groupName: string | null;
    groupBy: string | null;
    department?: string | null;
    country?: string;
    groups: { name: string; origin: GroupOrigin }[];
  }
  const rows: Row[] = [
    { name: 'puts every user in the target group when there are no grouping criteria', groupName: 'All staff', groupBy: null, department: 'Sales', groups: [{ name: 'All staff', origin: 'setting' }] },
    { name: 'puts users in no group with neither a target group nor criteria (the People tab)', groupName: null, groupBy: null, department: 'Sales', groups: [] },
    { name: 'groups by department, named exactly after the value', groupName: null, groupBy: 'department', department: 'Sales', groups: [{ name: 'Sales', origin: 'rule' }] },
    { name: 'matches the group-by field ignoring case', groupName: null, groupBy: 'DEPARTMENT', department: 'Sales', groups: [{ name: 'Sales', origin: 'rule' }] },
    { name: 'sends a user without a department to the target group', groupName: 'Unsorted', groupBy: 'department', department: null, groups: [{ name: 'Unsorted', origin: 'setting' }] },
    { name: 'leaves a user without a value and without a target group in no group', groupName: null, groupBy: 'department', department: null, groups: [] },
    { name: 'treats a blank value as no value', groupName: 'Unsorted', groupBy: 'department', department: '   ', groups: [{ name: 'Unsorted', origin: 'setting' }] },
    { name: 'trims only surrounding whitespace from the value', groupName: null, groupBy: 'department', department: '  Research  and  Development ', groups: [{ name: 'Research  and  Development', origin: 'rule' }] },
    { name: 'keeps apostrophes in a group name', groupName: null, groupBy: 'department', department: "Children's Ward", groups: [{ name: "Children's Ward", origin: 'rule' }] },
    { name: 'keeps slashes in a group name', groupName: null, groupBy: 'department', department: 'R&D / EMEA', groups: [{ name: 'R&D / EMEA', origin: 'rule' }] },
    { name: 'keeps accents in a group name', groupName: null, groupBy: 'department', department: 'Équipe Société', groups: [{ name: 'Équipe Société', origin: 'rule' }] },
    { name: 'keeps emoji in a group name', groupName: null, groupBy: 'department', department: 'Rocket 🚀 team', groups: [{ name: 'Rocket 🚀 team', origin: 'rule' }] },
    { name: 'groups by a text custom field by its name, ignoring case', groupName: 'Elsewhere', groupBy: 'country / region', country: 'UK', groups: [{ name: 'UK', origin: 'rule' }] },
    { name: 'sends a user without the custom value to the target group', groupName: 'Elsewhere', groupBy: 'Country / Region', groups: [{ name: 'Elsewhere', origin: 'setting' }] },
  ];
  for (const row of rows) {
    it(row.name, () => {
      const rules = { groupName: row.groupName, groupBy: row.groupBy, customFields: FIELDS };
      const customFields = row.country === undefined ? [] : [{ fieldId: COUNTRY.id, value: row.country }];
      assert.deepEqual(groupsFor(rules, { department: row.department ?? null, customFields }), { groups: row.groups, warnings: [] });
    });
  }

  it('makes no group for a value longer than 256 characters, warns, and uses the target group', () => {
    const long = 'd'.repeat(257);
    const result = groupsFor({ groupName: 'Unsorted', groupBy: 'department', customFields: [] }, { department: long, customFields: [] });
    assert.deepEqual(result.groups, [{ name: 'Unsorted', origin: 'setting' }]);
    assert.equal(result.warnings.length, 1);
    assert.match(result.warnings[0]!, /longer than 256 characters/);
    assert.deepEqual(groupsFor({ groupName: null, groupBy: 'department', customFields: [] }, { department: 'd'.repeat(256), customFields: [] }).groups, [
      { name: 'd'.repeat(256), origin: 'rule' },
    ]);
  });
});

describe('validateRules', () => {
  const base = { mappings: [], groupName: null, groupBy: null };

  it('accepts the product documentation\'s Country / Region setting', () => {
    const rules = { ...base, mappings: [{ field: 'Country / Region', expression: 'addresses[type eq "work"].country' }], groupBy: 'Country / Region' };
    assert.deepEqual(validateRules(rules, FIELDS), { ok: true });
  });

  it('accepts platform fields and custom fields in any case, and grouping by department unmapped', () => {
    const rules = {
      mappings: [
        { field: 'EMAIL', expression: 'emails[type eq "work"].value' },
        { field: 'hire date', expression: 'urn:ietf:params:scim:schemas:extension:CompanyName:2.0:User:hireDate' },
      ],
      groupName: 'Everyone',
      groupBy: 'Department',
    };
    assert.deepEqual(validateRules(rules, FIELDS), { ok: true });
  });

  // [name, rules, a fragment of each problem]
  const refused: Array<[string, Parameters<typeof validateRules>[0], RegExp[]]> = [
    ['a field that is neither a platform field nor a custom field', { ...base, mappings: [{ field: 'Shoe size', expression: 'title' }] }, [/"Shoe size" is neither a platform field .* nor a custom field/]],
    ['a field mapped twice', { ...base, mappings: [{ field: 'title', expression: 'title' }, { field: 'Title', expression: 'userType' }] }, [/"title" is already mapped \(from title\)/]],
    ['a custom field mapped twice under different case', { ...base, mappings: [{ field: 'Country / Region', expression: 'addresses.country' }, { field: 'COUNTRY / REGION', expression: 'locale' }] }, [/"Country \/ Region" is already mapped/]],
    ['an expression a user can never hold', { ...base, mappings: [{ field: 'department', expression: 'adresses.country' }] }, [/--map department=adresses\.country: Invalid attribute expression "adresses\.country" at position 0: unknown attribute "adresses"/]],
    ['grouping by a field that does not exist', { ...base, groupBy: 'Region' }, [/--group-by Region: there is no custom field "Region"/]],
    ['grouping by a platform field other than department', { ...base, groupBy: 'title' }, [/group by department or a text custom field, not by title/]],
    ['grouping by a custom field that is not text', { ...base, mappings: [{ field: 'Hire date', expression: 'title' }], groupBy: 'Hire date' }, [/"Hire date" is a date field; only text fields group users/]],
    ['grouping by a text custom field that no mapping fills', { ...base, groupBy: 'Country / Region' }, [/"Country \/ Region" is not mapped, so no user would ever have a value/]],
    ['an empty group name', { ...base, groupName: '  ' }, [/--group-name: a group name has 1 to 256 characters, got 0/]],
    ['a group name longer than 256 characters', { ...base, groupName: 'g'.repeat(257) }, [/got 257/]],
    [
      'several problems at once, each named',
      { mappings: [{ field: 'nope', expression: 'title' }, { field: 'title', expression: 'name' }], groupName: '', groupBy: 'phone' },
      [/"nope"/, /--map title=name: Invalid attribute expression "name" at position 4: "name" is complex/, /not by phone/, /--group-name/],
    ],
  ];
  for (const [name, rules, problems] of refused) {
    it(`refuses ${name}`, () => {
      const result = validateRules(rules, FIELDS);
      assert.equal(result.ok, false);
      if (result.ok) return;
      assert.equal(result.problems.length, problems.length, result.problems.join('\n'));
      problems.forEach((p, i) => assert.match(result.problems[i]!, p));
    });
  }
});
