// A custom field's value as the platform keeps it: canonical text per type, so equal values compare equal
// in the database (a listing by a field's value is an index read) and print the same. What does not fit
// the field's type leaves the field empty; the caller reports the reason in the job log.
// docs/provisioning.md, "Custom-field values".
import type { CustomFieldType } from './types.ts';
import { normaliseEmail } from './email-address.ts';

export const CUSTOM_TEXT_MAX_LENGTH = 2048;

export type Coerced = { ok: true; value: string } | { ok: false; reason: string };

const refuse = (reason: string): Coerced => ({ ok: false, reason });

/** RFC 8259 §6 numbers, plus a leading "+". No thousands separators and no decimal comma: "1,500" is
 *  1500 in one locale and 1.5 in another, so it is refused rather than guessed. */
const NUMBER = /^[+-]?[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** ISO 8601 extended format: a date, then optionally a time and an offset. */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?$/;
const BOOLEANS: ReadonlyMap<string, boolean> = new Map([['true', true], ['false', false], ['yes', true], ['no', false], ['1', true], ['0', false]]);

/** Whether `date` (YYYY-MM-DD) names a day of the Gregorian calendar (no 2024-02-30). */
function isCalendarDate(date: string): boolean {
  const m = DATE.exec(date);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}

/** Text of a scalar: strings trimmed, finite numbers and booleans written out; anything else is undefined. */
function scalarText(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw.trim();
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw);
  if (typeof raw === 'boolean') return String(raw);
  return undefined;
}

function coerceDateTime(text: string): Coerced {
  const m = DATE_TIME.exec(text);
  if (!m || !isCalendarDate(m[1]!)) return refuse('is not a date and time (expected ISO 8601, e.g. 2024-05-01T09:30:00Z)');
  const [hours, minutes, seconds] = [Number(m[2]), Number(m[3]), Number(m[4] ?? 0)];
  if (hours > 23 || minutes > 59 || seconds > 59) return refuse('is not a time of day');
  const offset = m[6];
  // xsd:dateTime without an offset, as SCIM filters read it (scim/filter/validate.ts): UTC.
  const zone = offset === undefined || offset.toUpperCase() === 'Z' ? 'Z' : offset.length === 5 ? `${offset.slice(0, 3)}:${offset.slice(3)}` : offset;
  const ms = Date.parse(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}${m[5] ?? ''}${zone}`);
  return Number.isNaN(ms) ? refuse('is not a date and time') : { ok: true, value: new Date(ms).toISOString() };
}

/** `raw` as `type`'s canonical text, or why it does not fit. */
export function coerceCustomValue(type: CustomFieldType, raw: unknown): Coerced {
  const text = scalarText(raw);
  if (text === undefined) return refuse(Array.isArray(raw) || (typeof raw === 'object' && raw !== null) ? 'is not a single value' : 'is not a value');
  if (text === '') return refuse('is empty');
  switch (type) {
    case 'text':
      return text.length > CUSTOM_TEXT_MAX_LENGTH ? refuse(`is longer than ${CUSTOM_TEXT_MAX_LENGTH} characters`) : { ok: true, value: text };
    case 'number': {
      if (!NUMBER.test(text)) return refuse('is not a number (digits with an optional "." and exponent; no thousands separators)');
      const n = Number(text);
      return Number.isFinite(n) ? { ok: true, value: String(n) } : refuse('is too large for a number');
    }
    case 'email': {
      const email = normaliseEmail(text);
      return email.ok ? email : refuse(`is not an email address: ${email.reason}`);
    }
    case 'date': {
      // A date and time (Entra sends hire dates as "2024-05-01T00:00:00Z") counts by its date as written.
      const date = text.length > 10 && /^\d{4}-\d{2}-\d{2}[Tt ]/.test(text) && coerceDateTime(text).ok ? text.slice(0, 10) : text;
      return isCalendarDate(date) ? { ok: true, value: date } : refuse('is not a date (expected YYYY-MM-DD)');
    }
    case 'datetime':
      return coerceDateTime(text);
    case 'boolean': {
      const value = BOOLEANS.get(text.toLowerCase());
      return value === undefined ? refuse('is not a boolean (true/false, yes/no or 1/0)') : { ok: true, value: String(value) };
    }
  }
}

/** A stored value as JSON for printing: numbers and booleans as themselves, the rest as text. */
export function customValueToJson(type: CustomFieldType, text: string): string | number | boolean {
  if (type === 'number') return Number(text);
  if (type === 'boolean') return text === 'true';
  return text;
}
