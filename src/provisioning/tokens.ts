// SCIM bearer tokens: 256 random bits, shown once, stored only as a SHA-256 hash. A hash without salt is
// right here: the token is a uniformly random secret, not a password, so there is nothing to brute-force.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const PREFIX = 'rst_';

export interface IssuedToken {
  token: string;
  hash: string;
  /** Shown in listings so an admin can tell tokens apart without seeing one. */
  prefix: string;
}

export function issueToken(): IssuedToken {
  const token = PREFIX + randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token), prefix: token.slice(0, PREFIX.length + 6) };
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}
