// Which of the setting's groups a target user belongs to (product-spec.md a.4), and whether a setting's
// rules can work at all. docs/provisioning.md, "Grouping".
import { foldString } from '../../scim/fold.ts';
import { compileExpression } from './expression.ts';
import { mappingTarget } from './fields.ts';
import type { CustomFieldDef, GroupOrigin, Rules } from './types.ts';

export const GROUP_NAME_MAX_LENGTH = 256;

export interface GroupingInput {
  /** The projected department (trimmed, or null). */
  department: string | null;
  /** The projected custom-field values. */
  customFields: readonly { fieldId: string; value: string }[];
}

export interface Grouping {
  groups: { name: string; origin: GroupOrigin }[];
  warnings: string[];
}

/** The value `groupBy` names for this user: the department, or a custom field's value. */
function groupValue(rules: Pick<Rules, 'groupBy' | 'customFields'>, input: GroupingInput): string | null {
  if (rules.groupBy === null) return null;
  const by = foldString(rules.groupBy.trim());
  if (by === 'department') return input.department;
  const field = rules.customFields.find((f) => foldString(f.name) === by);
  return input.customFields.find((v) => v.fieldId === field?.id)?.value ?? null;
}

/**
 * With grouping criteria, a user with a value joins the group named exactly after it (surrounding
 * whitespace trimmed; apostrophes, slashes, accents and emoji kept) and a user without one joins the
 * setting's group, if any ("The users who don't have mapped information will be synchronized to the target
 * group that is chosen"). Without criteria every user joins the setting's group; with neither, none.
 */
export function groupsFor(rules: Pick<Rules, 'groupName' | 'groupBy' | 'customFields'>, input: GroupingInput): Grouping {
  const warnings: string[] = [];
  const value = groupValue(rules, input)?.trim() ?? '';
  if (value.length > GROUP_NAME_MAX_LENGTH) {
    warnings.push(`${rules.groupBy} value "${value.slice(0, 100)}…" is longer than ${GROUP_NAME_MAX_LENGTH} characters, the longest group name; no group made for it`);
  } else if (value !== '') {
    return { groups: [{ name: value, origin: 'rule' }], warnings };
  }
  const fallback = rules.groupName?.trim() ?? '';
  return { groups: fallback === '' ? [] : [{ name: fallback, origin: 'setting' }], warnings };
}

export type RulesCheck = { ok: true } | { ok: false; problems: string[] };

/** Whether a setting's rules can work against the company's custom fields; each problem names its offender. */
export function validateRules(rules: Pick<Rules, 'mappings' | 'groupName' | 'groupBy'>, customFields: readonly CustomFieldDef[]): RulesCheck {
  const problems: string[] = [];
  const mapped = new Map<string, string>();
  for (const { field, expression } of rules.mappings) {
    const target = mappingTarget(field, customFields);
    if (target === undefined) {
      problems.push(`--map ${field}=…: "${field}" is neither a platform field (email, firstName, lastName, department, title, phone, timezone, preferredLanguage, manager) nor a custom field of this company`);
      continue;
    }
    const key = target.kind === 'platform' ? target.field : `custom:${target.field.id}`;
    const name = target.kind === 'platform' ? target.field : target.field.name;
    if (mapped.has(key)) {
      problems.push(`--map ${field}=…: "${name}" is already mapped (from ${mapped.get(key)}); map each field once`);
      continue;
    }
    mapped.set(key, expression);
    const check = compileExpression(expression);
    if (!check.ok) problems.push(`--map ${field}=${expression}: ${check.detail}`);
  }
  if (rules.groupBy !== null) {
    const by = rules.groupBy.trim();
    const target = mappingTarget(by, customFields);
    if (target?.kind === 'platform' && target.field !== 'department') {
      problems.push(`--group-by ${by}: group by department or a text custom field, not by ${target.field}`);
    } else if (target === undefined) {
      problems.push(`--group-by ${by}: there is no custom field "${by}" in this company (group by department or a text custom field)`);
    } else if (target.kind === 'custom' && target.field.type !== 'text') {
      problems.push(`--group-by ${by}: "${target.field.name}" is a ${target.field.type} field; only text fields group users`);
    } else if (target.kind === 'custom' && !mapped.has(`custom:${target.field.id}`)) {
      problems.push(`--group-by ${by}: "${target.field.name}" is not mapped, so no user would ever have a value; add --map "${target.field.name}=…"`);
    }
  }
  if (rules.groupName !== null) {
    const length = rules.groupName.trim().length;
    if (length === 0 || length > GROUP_NAME_MAX_LENGTH) problems.push(`--group-name: a group name has 1 to ${GROUP_NAME_MAX_LENGTH} characters, got ${length}`);
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}
