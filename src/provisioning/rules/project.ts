// A SCIM User resource through a setting's rules → the target user the platform keeps
// (docs/provisioning.md, "How a SCIM resource becomes a target user"). Pure: nothing here reads the
// database or the clock; the caller writes the result and its warnings in the request's transaction.
import { canonicalLanguage } from './language.ts';
import { booleanish } from '../../scim/dialect.ts';
import { getAttribute } from '../../scim/filter/evaluate.ts';
import type { ReadablePath } from '../../scim/read-path.ts';
import { coerceCustomValue } from './custom-field-values.ts';
import { DEFAULTS } from './defaults.ts';
import { normaliseEmail } from './email-address.ts';
import { compileExpression, readExpression, readExpressionValues } from './expression.ts';
import { mappingTarget } from './fields.ts';
import { groupsFor } from './grouping.ts';
import { resolveTimezone } from './timezone.ts';
import type { CustomFieldDef, PlatformField, ProjectUser, ProjectedUser, Rules } from './types.ts';

/** Longest kept value per text field; a longer one leaves the field empty (with a warning). */
export const FIELD_MAX_LENGTH = { name: 256, department: 256, title: 256, phone: 64, manager: 320 } as const;

type Normalised = { ok: true; value: string } | { ok: false; reason: string };

const upTo =
  (max: number) =>
  (raw: string): Normalised =>
    raw.length > max ? { ok: false, reason: `is longer than ${max} characters` } : { ok: true, value: raw };

const NORMALISE: Readonly<Record<PlatformField, (raw: string) => Normalised>> = {
  email: (raw) => {
    const email = normaliseEmail(raw);
    return email.ok ? email : { ok: false, reason: `is not an email address: ${email.reason}` };
  },
  firstName: upTo(FIELD_MAX_LENGTH.name),
  lastName: upTo(FIELD_MAX_LENGTH.name),
  department: upTo(FIELD_MAX_LENGTH.department),
  title: upTo(FIELD_MAX_LENGTH.title),
  phone: upTo(FIELD_MAX_LENGTH.phone),
  manager: upTo(FIELD_MAX_LENGTH.manager),
  timezone: (raw) => {
    const zone = resolveTimezone(raw).zone;
    return zone === null ? { ok: false, reason: 'is not a country code, Windows or IANA zone' } : { ok: true, value: zone };
  },
  preferredLanguage: (raw) => {
    const tag = canonicalLanguage(raw);
    return tag === null ? { ok: false, reason: 'is not a BCP 47 language tag (such as en-US or de)' } : { ok: true, value: tag };
  },
};

const quote = (s: string): string => JSON.stringify(s.length > 100 ? `${s.slice(0, 100)}…` : s);

const ENTRA_EMAIL_HINT =
  'In Entra ID map mail to emails[type eq "work"].value (Provisioning > Mappings > Provision Microsoft Entra ID Users)';

interface CompiledRules {
  platform: ReadonlyMap<PlatformField, ReadablePath>;
  custom: readonly { field: CustomFieldDef; expr: ReadablePath }[];
  /** Mappings that cannot be applied (rules saved before a custom field was deleted): said on every user. */
  ignored: readonly string[];
}

/** Compiled once per Rules object: a Bulk request or a re-derivation projects many users with one. */
const compiledRules = new WeakMap<Rules, CompiledRules>();

function compile(rules: Rules): CompiledRules {
  const known = compiledRules.get(rules);
  if (known !== undefined) return known;
  const platform = new Map<PlatformField, ReadablePath>();
  const custom: { field: CustomFieldDef; expr: ReadablePath }[] = [];
  const ignored: string[] = [];
  for (const { field, expression } of rules.mappings) {
    const target = mappingTarget(field, rules.customFields);
    const compiled = compileExpression(expression);
    if (target === undefined) ignored.push(`mapping ${field}=${expression} ignored: there is no such field`);
    else if (!compiled.ok) ignored.push(`mapping ${field}=${expression} ignored: ${compiled.detail}`);
    else if (target.kind === 'platform') platform.set(target.field, compiled.value);
    else custom.push({ field: target.field, expr: compiled.value });
  }
  const result = { platform, custom, ignored };
  compiledRules.set(rules, result);
  return result;
}

interface FieldRead {
  value: string | null;
  /** The first value read that did not fit, with why. */
  rejected?: { raw: string; reason: string };
}

/** The first value of `exprs`, in order, that fits `field`: a broken primary email gives way to a valid
 *  other one (Microsoft's validator sends `"value": "emailName357"` as primary beside a real home address). */
function firstFitting(field: PlatformField, exprs: readonly ReadablePath[], resource: Record<string, unknown>): FieldRead {
  let rejected: FieldRead['rejected'];
  for (const expr of exprs) {
    for (const raw of readExpressionValues(expr, resource)) {
      const normalised = NORMALISE[field](raw);
      if (normalised.ok) return rejected === undefined ? { value: normalised.value } : { value: normalised.value, rejected };
      // userName that is not an address is normal (jdoe): only a rejected email element is worth naming.
      if (rejected === undefined && !(field === 'email' && expr.resolved.attr.name === 'userName')) rejected = { raw, reason: normalised.reason };
    }
  }
  return rejected === undefined ? { value: null } : { value: null, rejected };
}

const leftEmpty = (label: string, rejected: { raw: string; reason: string }): string => `${label} ${quote(rejected.raw)} ${rejected.reason}; left empty`;
const passedOver = (label: string, rejected: { raw: string; reason: string }, used: string): string => `${label} ${quote(rejected.raw)} ${rejected.reason}; used ${quote(used)}`;

/** What a mapping or a default held that was not an address, as a clause: `holds "x", which is not …`. */
const heldInstead = (rejected: FieldRead['rejected']): string =>
  rejected === undefined ? 'holds nothing' : `holds ${quote(rejected.raw)}, which ${rejected.reason}`;

/**
 * A mapped field reads its mapping only: an empty mapped department stays empty rather than silently
 * taking the default. Email is mandatory, so a mapped email that yields no address falls back to the
 * defaults (with a warning) before the request fails.
 */
function readField(field: PlatformField, rules: CompiledRules, resource: Record<string, unknown>, warnings: string[]): FieldRead {
  const mapped = rules.platform.get(field);
  const label = mapped === undefined ? field : `${field} (mapped from ${mapped.text})`;
  const read = firstFitting(field, mapped === undefined ? DEFAULTS[field] : [mapped], resource);
  if (read.rejected !== undefined && read.value !== null) warnings.push(passedOver(label, read.rejected, read.value));
  if (read.rejected !== undefined && read.value === null && field !== 'email') warnings.push(leftEmpty(label, read.rejected));
  if (field !== 'email' || read.value !== null || mapped === undefined) return read;
  const fallback = firstFitting(field, DEFAULTS.email, resource);
  if (fallback.value === null) return read.rejected !== undefined ? { value: null, rejected: read.rejected } : fallback;
  warnings.push(`email mapped from ${mapped.text} ${heldInstead(read.rejected)}; used ${fallback.value}, the user's default address`);
  return fallback;
}

function missingEmail(rules: CompiledRules, read: FieldRead): string {
  const mapped = rules.platform.get('email');
  const reason =
    mapped === undefined
      ? `the user has no valid primary or work email in emails${read.rejected === undefined ? '' : ` (${quote(read.rejected.raw)} ${read.rejected.reason})`}`
      : `the mapped attribute ${mapped.text} ${heldInstead(read.rejected)}, the user has no valid primary or work email in emails`;
  return `No usable email address: ${reason} and userName is not an address. ${ENTRA_EMAIL_HINT}`;
}

function text(resource: Record<string, unknown>, name: string): string | null {
  const v = getAttribute(resource, name);
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : null;
}

export const projectUser: ProjectUser = (resource, rules) => {
  const compiled = compile(rules);
  const warnings = [...compiled.ignored];
  const field = (name: PlatformField): string | null => readField(name, compiled, resource, warnings).value;

  const emailRead = readField('email', compiled, resource, warnings);
  const department = field('department');

  const customFields: ProjectedUser['customFields'] = [];
  for (const { field: def, expr } of compiled.custom) {
    const raw = readExpression(expr, resource);
    if (raw === null) continue;
    const coerced = coerceCustomValue(def.type, raw);
    if (coerced.ok) customFields.push({ fieldId: def.id, value: coerced.value });
    else warnings.push(`custom field "${def.name}" (${def.type}) ${quote(raw)} ${coerced.reason}; left empty`);
  }

  const grouping = groupsFor(rules, { department, customFields });
  warnings.push(...grouping.warnings);

  const projected: ProjectedUser = {
    email: emailRead.value,
    firstName: field('firstName'),
    lastName: field('lastName'),
    department,
    title: field('title'),
    phone: field('phone'),
    timezone: field('timezone'),
    preferredLanguage: field('preferredLanguage'),
    manager: field('manager'),
    active: booleanish(getAttribute(resource, 'active')) !== false,
    externalId: text(resource, 'externalId'),
    customFields,
    groups: grouping.groups,
    warnings,
  };
  if (emailRead.value === null) projected.missingEmail = missingEmail(compiled, emailRead);
  return projected;
};
