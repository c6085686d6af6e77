// The strict query-string parser: what IdPs send keeps working, what no store can match is refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseQueryString, queryProblem } from '../../src/http/query.ts';

describe('parseQueryString', () => {
  // [query string, parameters]
  const decoded: Array<[string, Record<string, string | string[]>]> = [
    ['', {}],
    ['&', {}],
    ['filter=externalId+eq+%22johnwong%22', { filter: 'externalId eq "johnwong"' }],
    ['filter=userName+eq+%22a%22&', { filter: 'userName eq "a"' }],
    ['count=1&&startIndex=2', { count: '1', startIndex: '2' }],
    ['attributes=a&attributes=b&attributes=c', { attributes: ['a', 'b', 'c'] }],
    ['flag', { flag: '' }],
    ['x=%E2%82%AC%F0%9F%98%80', { x: '€😀' }],
    ['x=a%2Bb=c', { x: 'a+b=c' }],
    ['__proto__=1&constructor=2', Object.fromEntries([['__proto__', '1'], ['constructor', '2']])],
  ];
  for (const [text, expected] of decoded) {
    it(`decodes "${text}"`, () => {
      const query = parseQueryString(text);
      assert.equal(queryProblem(query), undefined);
      assert.deepEqual({ ...query }, { ...expected });
    });
  }

  // [query string, scimType, detail]
  const refused: Array<[string, string, RegExp]> = [
    ['filter=%00', 'invalidFilter', /^The filter query parameter contains a NUL/],
    ['Filter=%C3', 'invalidFilter', /^The filter query parameter is not percent-encoded UTF-8/],
    ['count=%ED%A0%80', 'invalidValue', /^The query parameter "count" is not percent-encoded UTF-8/],
    ['cursor=50%', 'invalidValue', /"cursor" has a "%" that does not start/],
    ['a%00=1', 'invalidValue', /^A query parameter name contains a NUL/],
  ];
  for (const [text, scimType, detail] of refused) {
    it(`refuses "${text}" as ${scimType}`, () => {
      const problem = queryProblem(parseQueryString(text));
      assert.equal(problem?.status, 400);
      assert.equal(problem?.scimType, scimType);
      assert.match(problem?.detail ?? '', detail);
    });
  }
});
