// Random secrets (session and invitation tokens, API keys) and their stored form. A secret of 256 random bits
// needs no slow hash or salt: SHA-256 leaves nothing to brute-force, and a lookup is one unique-index probe.
import { createHash, randomBytes } from 'node:crypto';

/** 32 random bytes, base64url (43 characters). */
export function randomSecret(): string {
  return randomBytes(32).toString('base64url');
}

export const SECRET_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
