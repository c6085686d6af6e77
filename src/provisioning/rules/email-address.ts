// The syntax check every email address of a target user passes, whether it is the user's address or a
// custom field of type email. Deliberately simple: one "@", a dotted domain, no whitespace; deliverability
// is the allowed-domains rule's business, not this one's.

/** RFC 5321 §4.5.3.1: 64 characters of local part, 255 of domain; 320 in all is the common bound. */
export const EMAIL_MAX_LENGTH = 320;
const LOCAL_MAX_LENGTH = 64;

export type EmailCheck = { ok: true; value: string } | { ok: false; reason: string };

/** `raw` trimmed, with its domain lower-cased (domains are case-insensitive, local parts need not be). */
export function normaliseEmail(raw: string): EmailCheck {
  const text = raw.trim();
  if (text.length > EMAIL_MAX_LENGTH) return { ok: false, reason: `it is longer than ${EMAIL_MAX_LENGTH} characters` };
  if (/\s/u.test(text)) return { ok: false, reason: 'it contains whitespace' };
  const at = text.indexOf('@');
  if (at < 0 || at !== text.lastIndexOf('@')) return { ok: false, reason: 'an address has exactly one "@"' };
  const local = text.slice(0, at);
  const domain = text.slice(at + 1);
  if (local === '') return { ok: false, reason: 'nothing comes before the "@"' };
  if (local.length > LOCAL_MAX_LENGTH) return { ok: false, reason: `the part before the "@" is longer than ${LOCAL_MAX_LENGTH} characters` };
  if (domain === '') return { ok: false, reason: 'nothing comes after the "@"' };
  const labels = domain.split('.');
  if (labels.length < 2 || labels.some((l) => l === '')) return { ok: false, reason: `"${domain}" is not a dotted domain name` };
  return { ok: true, value: `${local}@${domain.toLowerCase()}` };
}
