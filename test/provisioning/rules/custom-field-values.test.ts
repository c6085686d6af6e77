// Custom-field values: what each type accepts, the canonical text it keeps, and how it prints.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { coerceCustomValue, customValueToJson } from '../../../src/provisioning/rules/custom-field-values.ts';
import { normaliseEmail } from '../../../src/provisioning/rules/email-address.ts';
import type { CustomFieldType } from '../../../src/provisioning/rules/types.ts';

describe('coerceCustomValue', () => {
  // [type, raw value, canonical text]
  const kept: Array<[CustomFieldType, unknown, string]> = [
    ['text', 'Country / Region', 'Country / Region'],
    ['text', '  UK  ', 'UK'],
    ['text', "O'Brien & Søn 🚀", "O'Brien & Søn 🚀"],
    ['text', 42, '42'],
    ['text', true, 'true'],
    ['text', 'x'.repeat(2048), 'x'.repeat(2048)],
    ['number', '42', '42'],
    ['number', ' -3.50 ', '-3.5'],
    ['number', '+7', '7'],
    ['number', '1e3', '1000'],
    ['number', '007', '7'],
    ['number', 12.25, '12.25'],
    ['email', 'Ann@Contoso.COM', 'Ann@contoso.com'],
    ['date', '2024-02-29', '2024-02-29'],
    ['date', '2024-05-01T00:00:00Z', '2024-05-01'],
    ['date', '2024-05-01T23:30:00-05:00', '2024-05-01'],
    ['datetime', '2024-05-01T09:30:00Z', '2024-05-01T09:30:00.000Z'],
    ['datetime', '2024-05-01T09:30:00+02:00', '2024-05-01T07:30:00.000Z'],
    ['datetime', '2024-05-01T09:30:00.5+0200', '2024-05-01T07:30:00.500Z'],
    ['datetime', '2024-05-01T09:30', '2024-05-01T09:30:00.000Z'],
    ['datetime', '2024-05-01 09:30:00z', '2024-05-01T09:30:00.000Z'],
    ['boolean', 'TRUE', 'true'],
    ['boolean', 'no', 'false'],
    ['boolean', 'Yes', 'true'],
    ['boolean', '0', 'false'],
    ['boolean', true, 'true'],
    ['boolean', 1, 'true'],
  ];
  for (const [type, raw, value] of kept) {
    it(`keeps ${JSON.stringify(raw).slice(0, 40)} in a ${type} field as ${JSON.stringify(value).slice(0, 40)}`, () =>
      assert.deepEqual(coerceCustomValue(type, raw), { ok: true, value }));
  }

  // [type, raw value, a fragment of the reason]
  const refused: Array<[CustomFieldType, unknown, RegExp]> = [
    ['text', '   ', /is empty/],
    ['text', 'x'.repeat(2049), /longer than 2048 characters/],
    ['text', { a: 1 }, /not a single value/],
    ['text', ['a'], /not a single value/],
    ['text', null, /not a value/],
    ['number', '1,5', /not a number/],
    ['number', '1 000', /not a number/],
    ['number', '12abc', /not a number/],
    ['number', 'NaN', /not a number/],
    ['number', '1e999', /too large/],
    ['number', '.5', /not a number/],
    ['email', 'ann', /exactly one "@"/],
    ['email', 'ann@@contoso.com', /exactly one "@"/],
    ['email', 'ann@localhost', /dotted domain/],
    ['email', 'ann smith@contoso.com', /whitespace/],
    ['date', '2024-02-30', /not a date/],
    ['date', '31/12/2024', /not a date/],
    ['date', '2024-13-01', /not a date/],
    ['date', '2024-05-01T25:00:00Z', /not a date/],
    ['datetime', '2024-05-01', /not a date and time/],
    ['datetime', 'yesterday', /not a date and time/],
    ['datetime', '2024-05-01T24:00:00Z', /not a time of day/],
    ['datetime', '2023-02-29T10:00:00Z', /not a date and time/],
    ['boolean', 'maybe', /not a boolean/],
    ['boolean', 2, /not a boolean/],
    ['boolean', 'constructor', /not a boolean/],
  ];
  for (const [type, raw, reason] of refused) {
    it(`refuses ${JSON.stringify(raw).slice(0, 40)} for a ${type} field, saying why`, () => {
      const result = coerceCustomValue(type, raw);
      assert.equal(result.ok, false);
      if (!result.ok) assert.match(result.reason, reason);
    });
  }
});

describe('customValueToJson', () => {
  const rows: Array<[CustomFieldType, string, unknown]> = [
    ['number', '-3.5', -3.5],
    ['boolean', 'true', true],
    ['boolean', 'false', false],
    ['text', '42', '42'],
    ['date', '2024-05-01', '2024-05-01'],
    ['datetime', '2024-05-01T09:30:00.000Z', '2024-05-01T09:30:00.000Z'],
    ['email', 'a@b.co', 'a@b.co'],
  ];
  for (const [type, text, json] of rows) {
    it(`prints the ${type} value ${text} as ${JSON.stringify(json)}`, () => assert.deepEqual(customValueToJson(type, text), json));
  }
});

describe('normaliseEmail', () => {
  it('accepts an address of exactly 320 characters and refuses one longer', () => {
    const at320 = `${'a'.repeat(64)}@${'b'.repeat(251)}.com`;
    assert.equal(at320.length, 320);
    assert.equal(normaliseEmail(at320).ok, true);
    assert.equal(normaliseEmail(`${at320}m`).ok, false);
  });

  it('refuses a local part longer than 64 characters and an empty one', () => {
    assert.match(String((normaliseEmail(`${'a'.repeat(65)}@b.co`) as { reason: string }).reason), /longer than 64/);
    assert.match(String((normaliseEmail('@b.co') as { reason: string }).reason), /nothing comes before/);
    assert.match(String((normaliseEmail('a@') as { reason: string }).reason), /nothing comes after/);
  });
});
