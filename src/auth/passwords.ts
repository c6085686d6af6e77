// System users' passwords: scrypt from node:crypto (RFC 7914), encoded as `scrypt$N$r$p$salt$hash` (base64url)
// so the cost can rise later without invalidating stored hashes; compared in constant time.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { AdminError } from '../directory/errors.ts';
import { foldString } from '../scim/fold.ts';

// N = 2^15, r = 8: 32 MiB and tens of milliseconds per hash, which keeps sign-in responsive on a two-core
// server. OWASP's cheat sheet suggests N = 2^17; raising N later leaves stored hashes verifiable (N is encoded).
const N = 2 ** 15;
const R = 8;
const P = 1;
const KEY_LENGTH = 32;
const SALT_BYTES = 16;
/** Refuse stored parameters that would take the process's memory (a corrupted or hostile row). */
const MAX_N = 2 ** 20;

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  // scrypt needs 128 · N · r bytes; Node's default ceiling (32 MiB) is exactly that at N = 2^15, r = 8.
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (e, key) => (e ? reject(e) : resolve(key))));
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(password, salt, N, R, P);
  return ['scrypt', N, R, P, salt.toString('base64url'), hash.toString('base64url')].join('$');
}

/** False for a wrong password and for anything that is not an encoded scrypt hash. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash, ...rest] = encoded.split('$');
  const params = [n, r, p].map(Number);
  if (scheme !== 'scrypt' || rest.length || !salt || !hash || !params.every((x) => Number.isSafeInteger(x) && x > 0) || params[0]! > MAX_N) return false;
  const expected = Buffer.from(hash, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await derive(password, Buffer.from(salt, 'base64url'), params[0]!, params[1]!, params[2]!);
  return timingSafeEqual(actual, expected);
}

let decoy: Promise<string> | undefined;
/** A hash of a random password nobody knows: an unknown email is checked against it, so it costs as much
 *  time as a known one. Made once per process, on first use. */
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(32).toString('base64url'));
  return decoy;
}

/** The password policy (NIST SP 800-63B §3.1.1.2: length over composition rules); AdminError('invalid')
 *  naming the rule, with `field` carrying it for the API's field errors. */
export function checkPassword(password: string, email: string, field = 'password'): void {
  const refuse = (message: string) => {
    throw new AdminError('invalid', message, field);
  };
  const length = [...password.normalize('NFC')].length;
  if (length < PASSWORD_MIN_LENGTH) refuse(`A password needs at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) refuse(`A password has at most ${PASSWORD_MAX_LENGTH} characters`);
  if (foldString(password.trim()) === foldString(email.trim())) refuse('A password must not be your email address');
}
