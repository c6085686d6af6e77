import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { problem, show } from '../../src/scim/problems.ts';

const SCIM_TYPES = ['invalidFilter', 'invalidSyntax', 'invalidPath', 'noTarget', 'invalidValue', 'mutability'];

describe('problem catalogue', () => {
  for (const [name, make] of Object.entries(problem)) {
    it(`reports ${name} as a 400 with a scimType and a readable detail`, () => {
      const error = (make as (...args: unknown[]) => ReturnType<typeof problem.bodyNotObject>)('emails.value', 'is not a place for this', 'extra');
      assert.equal(error.status, 400);
      assert.ok(SCIM_TYPES.includes(error.scimType ?? ''), `${name}: ${error.scimType}`);
      assert.ok(error.detail.length > 10 && !error.detail.includes('undefined'), error.detail);
    });
  }

  it('shortens long offending values', () => {
    assert.equal(show('x'.repeat(100)).length, 60);
    assert.equal(show(undefined), 'nothing');
  });
});
