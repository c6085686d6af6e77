// Time-ordered ids (the UUIDv7 layout, RFC 9562 §5.7): sorting by id is sorting by creation, so a company's
// rows page by (company_id, id) in creation order and a log reads newest first from its primary key.
import { randomBytes } from 'node:crypto';

let lastMs = 0;
let sequence = 0;

export function newId(now = Date.now()): string {
  // Within one millisecond a counter in the random bits keeps ids of one process increasing.
  if (now <= lastMs) {
    now = lastMs;
    sequence++;
  } else {
    lastMs = now;
    sequence = 0;
  }
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = 0x70 | ((sequence >> 8) & 0x0f);
  bytes[7] = sequence & 0xff;
  bytes[8] = 0x80 | (bytes[8]! & 0x3f);
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The smallest id that could have been made at `at`: ids ≥ it were made at or after that time. */
export function idAtTime(at: Date): string {
  const hex = at.getTime().toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

const ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Whether `s` has the shape of an id: a cursor that does not is a typo, not the start of the log. */
export const isId = (s: string): boolean => ID.test(s);
