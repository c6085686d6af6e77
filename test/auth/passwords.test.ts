// Passwords: scrypt hashes that verify only the right password, and the policy's rules, each named.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPassword, hashPassword, verifyPassword } from '../../src/auth/passwords.ts';
import { AdminError } from '../../src/directory/errors.ts';

describe('passwords', () => {
  it('hash as scrypt$N$r$p$salt$hash, verify the right password and refuse a wrong one', async () => {
    const encoded = await hashPassword('correct horse battery');
    assert.match(encoded, /^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    assert.equal(await verifyPassword('correct horse battery', encoded), true);
    assert.equal(await verifyPassword('correct horse batterY', encoded), false);
  });

  it('salt every hash, so one password hashes differently twice', async () => {
    assert.notEqual(await hashPassword('the same password'), await hashPassword('the same password'));
  });

  it('refuse anything that is not an encoded scrypt hash rather than throw', async () => {
    for (const bad of ['', 'plain', 'scrypt$32768$8$1$salt', 'bcrypt$1$2$3$AAAA$BBBB', 'scrypt$99999999999$8$1$AAAA$BBBB']) {
      assert.equal(await verifyPassword('whatever password', bad), false, bad);
    }
  });

  const table: { password: string; rule: RegExp }[] = [
    { password: 'short', rule: /at least 12 characters/ },
    { password: 'x'.repeat(257), rule: /at most 256 characters/ },
    { password: 'Ada@Example.com', rule: /must not be your email address/ },
  ];
  for (const { password, rule } of table) {
    it(`the policy refuses ${password.slice(0, 20)}${password.length > 20 ? '…' : ''} naming the rule ${rule.source}`, () => {
      assert.throws(
        () => checkPassword(password, 'ada@example.com'),
        (e: unknown) => e instanceof AdminError && e.kind === 'invalid' && rule.test(e.message) && e.field === 'password',
      );
    });
  }

  it('the policy accepts 12 characters and 256, counted as characters rather than bytes', () => {
    checkPassword('ééééééééééé1', 'ada@example.com');
    checkPassword('y'.repeat(256), 'ada@example.com');
  });
});
