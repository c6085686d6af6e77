// Timezones: Entra's usageLocation country codes, Windows zone names and IANA names all become IANA zones.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COUNTRY_ZONES, WINDOWS_ZONES, resolveTimezone } from '../../../src/provisioning/rules/timezone.ts';

const accepted = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

/** Codes ICU names as regions that ISO 3166-1 does not assign (reserved, withdrawn, groupings, private use). */
const NOT_ASSIGNED = new Set('AC AN BU CP CQ CS DD DG DY EA EU EZ FX HV IC NH QO RH SU TA TP UK UN VD XA XB XK YD YU ZR ZZ'.split(' '));

describe('the country table', () => {
  const regions = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
  const assigned: string[] = [];
  for (let a = 65; a <= 90; a++) {
    for (let b = 65; b <= 90; b++) {
      const code = String.fromCharCode(a, b);
      if (regions.of(code) !== undefined && !NOT_ASSIGNED.has(code)) assigned.push(code);
    }
  }

  it('covers every one of the 249 assigned ISO 3166-1 alpha-2 codes, plus Kosovo', () => {
    assert.equal(assigned.length, 249);
    assert.deepEqual(assigned.filter((c) => COUNTRY_ZONES[c] === undefined), []);
    assert.deepEqual(Object.keys(COUNTRY_ZONES).filter((c) => !assigned.includes(c)), ['XK']);
  });

  it('maps every country to a zone Node accepts', () => {
    assert.deepEqual(Object.entries(COUNTRY_ZONES).filter(([, zone]) => !accepted(zone)), []);
  });

  for (const [code, zone] of Object.entries(COUNTRY_ZONES)) {
    it(`resolves ${code} and ${code.toLowerCase()} to ${zone}`, () => {
      assert.deepEqual(resolveTimezone(code), { zone });
      assert.deepEqual(resolveTimezone(` ${code.toLowerCase()} `), { zone });
    });
  }

  // The choices for countries of several zones (docs/provisioning.md, "Timezone").
  const multiZone: Array<[string, string]> = [
    ['US', 'America/New_York'],
    ['GB', 'Europe/London'],
    ['AU', 'Australia/Sydney'],
    ['BR', 'America/Sao_Paulo'],
    ['RU', 'Europe/Moscow'],
    ['CA', 'America/Toronto'],
    ['IN', 'Asia/Kolkata'],
    ['CN', 'Asia/Shanghai'],
    ['MX', 'America/Mexico_City'],
    ['ID', 'Asia/Jakarta'],
    ['KZ', 'Asia/Almaty'],
    ['UA', 'Europe/Kyiv'],
  ];
  for (const [code, zone] of multiZone) {
    it(`gives ${code}, a country of several zones, its most populous zone ${zone}`, () => assert.equal(COUNTRY_ZONES[code], zone));
  }
});

describe('the Windows zone table', () => {
  it('holds CLDR\'s 001 zones and maps each to a zone Node accepts', () => {
    assert.ok(Object.keys(WINDOWS_ZONES).length >= 139);
    assert.deepEqual(Object.entries(WINDOWS_ZONES).filter(([, zone]) => !accepted(zone)), []);
  });

  const rows: Array<[string, string]> = [
    ['W. Europe Standard Time', 'Europe/Berlin'],
    ['w. europe standard time', 'Europe/Berlin'],
    ['Pacific Standard Time', 'America/Los_Angeles'],
    ['GMT Standard Time', 'Europe/London'],
    ['Eastern Standard Time', 'America/New_York'],
    ['Romance Standard Time', 'Europe/Paris'],
    ['India Standard Time', 'Asia/Kolkata'],
    ['Tokyo Standard Time', 'Asia/Tokyo'],
    ['AUS Eastern Standard Time', 'Australia/Sydney'],
    ['FLE Standard Time', 'Europe/Kyiv'],
    ['UTC', 'Etc/UTC'],
    ['UTC-11', 'Etc/GMT+11'],
    ['UTC+12', 'Etc/GMT-12'],
  ];
  for (const [name, zone] of rows) {
    it(`resolves "${name}" to ${zone}`, () => assert.deepEqual(resolveTimezone(name), { zone }));
  }
});

describe('IANA names and garbage', () => {
  const rows: Array<[string, string]> = [
    ['Europe/Amsterdam', 'Europe/Amsterdam'],
    ['europe/amsterdam', 'Europe/Amsterdam'],
    ['AMERICA/ARGENTINA/BUENOS_AIRES', 'America/Argentina/Buenos_Aires'],
    ['asia/kolkata', 'Asia/Kolkata'],
    ['Asia/Calcutta', 'Asia/Calcutta'],
    ['etc/utc', 'Etc/UTC'],
    ['utc', 'Etc/UTC'],
    ['Etc/GMT+5', 'Etc/GMT+5'],
    ['US/Eastern', 'America/New_York'],
  ];
  for (const [raw, zone] of rows) {
    it(`keeps the IANA name "${raw}" as ${zone}`, () => assert.deepEqual(resolveTimezone(raw), { zone }));
  }

  for (const raw of ['Mars/Olympus', 'XX', 'Q', 'GMT+25', 'Central Standard Tim', '12']) {
    it(`leaves "${raw}" empty with a warning quoting it`, () => {
      assert.deepEqual(resolveTimezone(raw), {
        zone: null,
        warning: `timezone ${JSON.stringify(raw)} is not a country code, Windows or IANA zone; left empty`,
      });
    });
  }

  it('says nothing about a blank value', () => assert.deepEqual(resolveTimezone('  '), { zone: null }));

  it('quotes at most 100 characters of a long value', () => {
    const warning = resolveTimezone('z'.repeat(5000)).warning ?? '';
    assert.ok(warning.length < 200, warning);
  });
});
