// SESSION_IDLE_MINUTES and SESSION_MAX_HOURS (README "Configuration"): their defaults, and a bad value named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

describe('session configuration', () => {
  it('defaults to 30 idle minutes and 12 hours in all', () => {
    const c = loadConfig({});
    assert.deepEqual([c.sessionIdleMinutes, c.sessionMaxHours], [30, 12]);
  });

  it('reads both variables', () => {
    const c = loadConfig({ SESSION_IDLE_MINUTES: '15', SESSION_MAX_HOURS: '8' });
    assert.deepEqual([c.sessionIdleMinutes, c.sessionMaxHours], [15, 8]);
  });

  for (const [name, raw] of [['SESSION_IDLE_MINUTES', '0'], ['SESSION_IDLE_MINUTES', 'half an hour'], ['SESSION_MAX_HOURS', '721']] as const) {
    it(`refuses ${name}=${raw}, naming the variable and its range`, () => {
      assert.throws(() => loadConfig({ [name]: raw }), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${name} must be a whole number from 1 to`));
    });
  }
});
