// Preferred language: BCP 47 or ISO 639-1 tags, canonicalised; the company's language, then English, otherwise.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalLanguage } from '../../../src/provisioning/rules/language.ts';
import { effectiveLanguage } from '../../../src/provisioning/rules/language.ts';

describe('canonicalLanguage', () => {
  const rows: Array<[string, string | null]> = [
    ['en', 'en'],
    ['EN', 'en'],
    ['en_us', 'en-US'],
    ['en-us', 'en-US'],
    ['de-de', 'de-DE'],
    ['de_DE', 'de-DE'],
    ['zh_hant_tw', 'zh-Hant-TW'],
    ['pt-br', 'pt-BR'],
    ['tr', 'tr'],
    ['fil', 'fil'],
    [' fr-CA ', 'fr-CA'],
    ['iw', 'he'],
    ['xx', null],
    ['und', null],
    ['english', null],
    ['en-', null],
    ['12', null],
    ['', null],
  ];
  for (const [raw, tag] of rows) {
    it(`reads ${JSON.stringify(raw)} as ${JSON.stringify(tag)}`, () => assert.equal(canonicalLanguage(raw), tag));
  }
});

describe('effectiveLanguage', () => {
  const rows: Array<[string | null, string | null, string]> = [
    ['de-DE', 'fr', 'de-DE'],
    [null, 'fr', 'fr'],
    [null, null, 'en'],
  ];
  for (const [own, company, language] of rows) {
    it(`sends content in ${language} for a user whose language is ${own} in a company whose language is ${company}`, () =>
      assert.equal(effectiveLanguage(own, company), language));
  }
});
