// The rate limits remember tokens and addresses in a RecentMap: whatever clients send, it stays bounded.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecentMap } from '../../src/provisioning/rate-limits/recent-map.ts';

describe('RecentMap', () => {
  it('never holds more than its maximum, forgetting the least recently used first', () => {
    const map = new RecentMap<string, number>(3, 60_000);
    for (const [i, key] of ['a', 'b', 'c'].entries()) map.use(key, i, () => i);
    map.use('a', 10, () => -1); // used again: now the most recent
    map.use('d', 11, () => 3);
    assert.equal(map.size, 3);
    assert.deepEqual([...map.values()].map(([k]) => k), ['c', 'a', 'd']);
    assert.equal(map.use('a', 12, () => -1), 0, 'kept its value');
  });

  it('forgets entries unused for its idle time, and peeking does not keep them', () => {
    const map = new RecentMap<string, number>(100, 1_000);
    map.use('old', 0, () => 1);
    map.use('fresh', 900, () => 2);
    assert.equal(map.peek('old', 999), 1);
    assert.equal(map.peek('old', 1_000), undefined);
    map.use('new', 1_500, () => 3);
    assert.deepEqual([...map.values()].map(([k]) => k), ['fresh', 'new']);
    assert.equal(map.use('old', 1_500, () => 9), 9, 'made afresh');
  });
});
