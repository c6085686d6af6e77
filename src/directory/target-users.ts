// The target-user directory as an admin reads it: a page of users with their custom values, groups and
// source, and one user with its job-log history. Every read is an index range (store/target-user-reads.ts).
import { foldString } from '../scim/fold.ts';
import { effectiveLanguage } from '../provisioning/rules/language.ts';
import { findCompany, type CompanyRow } from '../store/companies.ts';
import { customFieldNamed, customFieldsOf } from '../store/custom-fields.ts';
import { jobLogOfTargetUser, type JobLogEntry } from '../store/job-log.ts';
import type { Store } from '../store/open.ts';
import { listScimSettings } from '../store/scim-settings.ts';
import { groupNamed } from '../store/target-groups.ts';
import { customValuesOfUsers, emailsOf, groupNamesOfUsers, pageTargetUsers, type TargetUserFilter } from '../store/target-user-reads.ts';
import { emailDomain, findTargetUser, type TargetUserRow } from '../store/target-users.ts';
import { requireCompany } from './companies.ts';
import { AdminError } from './errors.ts';

/** Mail goes only to the company's allowed domains, when it has set any; subdomains only when listed. */
export function isDeliverable(email: string, allowedDomains: readonly string[]): boolean {
  return allowedDomains.length === 0 || allowedDomains.includes(emailDomain(email));
}

const MAX_PAGE = 1000;
const DEFAULT_PAGE = 100;

/** The rows an admin's page holds: DEFAULT_PAGE unless asked, never more than MAX_PAGE. */
export function pageSize(limit: number | undefined): number {
  const n = limit ?? DEFAULT_PAGE;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PAGE) throw new AdminError('invalid', `--limit must be from 1 to ${MAX_PAGE}, got ${n}`);
  return n;
}

export interface TargetUserQuery {
  companyId: string;
  email?: string;
  /** A group's name, ignoring case. */
  group?: string;
  active?: boolean;
  /** A SCIM setting's id: the users it provisions. */
  source?: string;
  /** `NAME=VALUE`: users whose custom field NAME holds VALUE, ignoring case. */
  field?: string;
  /** Search: users whose email, first or last name (or "first last") starts with this, ignoring case; results come in email order. */
  q?: string;
  /** `createdAt` (the default), `email`, or either with a leading `-` for descending. */
  sort?: string;
  limit?: number;
  /** The id of the last user of the previous page. */
  after?: string;
}

export const SORTS = ['createdAt', '-createdAt', 'email', '-email'] as const;

/** The page order a query asks for; a search is always in email order, so it walks the email index. */
function orderOf(q: TargetUserQuery): { orderBy: 'id' | 'email'; descending: boolean } {
  const sort = q.sort ?? (q.q ? 'email' : 'createdAt');
  if (!(SORTS as readonly string[]).includes(sort)) throw new AdminError('invalid', `sort must be one of ${SORTS.join(', ')}, got "${sort}"`, 'sort');
  const orderBy = sort.endsWith('email') || q.q ? 'email' : 'id';
  // Email order needs the email index; a group or field filter walks its own index in id order.
  if (orderBy === 'email' && (q.group !== undefined || q.field !== undefined)) {
    throw new AdminError('invalid', 'Search and sorting by email cannot be combined with a group or custom-field filter; filter first, then page in creation order', 'sort');
  }
  return { orderBy, descending: sort.startsWith('-') };
}

export interface TargetUserJson {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  active: boolean;
  department: string | null;
  title: string | null;
  phone: string | null;
  timezone: string | null;
  /** The user's own language, else the company's, else English. */
  preferredLanguage: string;
  /** The target user the manager reference resolved to, else the raw reference, else null. */
  manager: { id: string; email: string } | string | null;
  customFields: Record<string, string>;
  groups: string[];
  source: { kind: string; settingId: string | null; settingName: string | null };
  deliverable: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Rows of one page turned into what an admin reads: a fixed number of queries per page, whatever its size. */
async function present(store: Store, company: CompanyRow, rows: TargetUserRow[]): Promise<TargetUserJson[]> {
  const ids = rows.map((r) => r.id);
  const [values, groups, managers, fields, settings] = await Promise.all([
    customValuesOfUsers(store, ids),
    groupNamesOfUsers(store, ids),
    emailsOf(store, rows.flatMap((r) => (r.managerId ? [r.managerId] : []))),
    customFieldsOf(store, company.id),
    listScimSettings(store, company.id),
  ]);
  const fieldName = new Map(fields.map((f) => [f.id, f.name]));
  const settingName = new Map(settings.map((s) => [s.id, s.name]));
  return rows.map((r) => {
    const managerEmail = r.managerId ? managers.get(r.managerId) : undefined;
    return {
      id: r.id,
      email: r.email,
      firstName: r.firstName,
      lastName: r.lastName,
      active: r.active,
      department: r.department,
      title: r.title,
      phone: r.phone,
      timezone: r.timezone,
      preferredLanguage: effectiveLanguage(r.preferredLanguage, company.language),
      manager: r.managerId && managerEmail ? { id: r.managerId, email: managerEmail } : r.managerValue,
      customFields: Object.fromEntries([...(values.get(r.id) ?? new Map<string, string>())].map(([id, v]) => [fieldName.get(id) ?? id, v])),
      groups: groups.get(r.id) ?? [],
      source: { kind: r.sourceKind, settingId: r.settingId, settingName: r.settingId ? (settingName.get(r.settingId) ?? null) : null },
      deliverable: isDeliverable(r.email, company.allowedDomains),
      createdAt: r.createdAt,
      updatedAt: r.updatedAt,
    };
  });
}

/** The store filter a query stands for (without its page): group and custom field resolved by name. */
export async function targetUserFilter(store: Store, q: Omit<TargetUserQuery, 'limit'>): Promise<{ company: CompanyRow; filter: Omit<TargetUserFilter, 'limit'> }> {
  const company = await requireCompany(store, q.companyId);
  let groupId: string | undefined;
  if (q.group !== undefined) {
    const group = await groupNamed(store, company.id, q.group);
    // An unknown group is a typo, not an empty page.
    if (!group || group.deletedAt) throw new AdminError('notFound', `The company has no group named "${q.group}" (roster group list --company ${company.id})`);
    groupId = group.id;
  }
  let field: { fieldId: string; value: string } | undefined;
  if (q.field !== undefined) {
    const eq = q.field.indexOf('=');
    if (eq <= 0) throw new AdminError('invalid', `--field expects NAME=VALUE (a custom field's name and a value), got "${q.field}"`);
    const def = await customFieldNamed(store, company.id, q.field.slice(0, eq).trim());
    if (!def) throw new AdminError('notFound', `The company has no custom field named "${q.field.slice(0, eq).trim()}" (roster custom-field list --company ${company.id})`);
    field = { fieldId: def.id, value: q.field.slice(eq + 1).trim() };
  }
  const order = orderOf(q);
  let afterEmail: string | undefined;
  if (q.after !== undefined && order.orderBy === 'email') {
    const last = await findTargetUser(store, q.after);
    if (!last || last.companyId !== company.id) throw new AdminError('invalid', `The cursor "${q.after}" is not a user of this company; start again from the first page`, 'cursor');
    afterEmail = foldString(last.email);
  }
  const filter = {
    companyId: company.id,
    email: q.email?.trim(),
    search: q.q?.trim() || undefined,
    groupId,
    active: q.active,
    settingId: q.source,
    field,
    ...order,
    afterId: q.after,
    afterEmail,
  };
  return { company, filter };
}

export async function listTargetUsers(store: Store, q: TargetUserQuery): Promise<TargetUserJson[]> {
  const limit = pageSize(q.limit);
  const { company, filter } = await targetUserFilter(store, q);
  return present(store, company, await pageTargetUsers(store, { ...filter, limit }));
}

export interface JobLogJson {
  id: string;
  at: string;
  settingId: string | null;
  idp: string | null;
  operation: string;
  resourceType: string | null;
  resourceId: string | null;
  userName: string | null;
  targetUserId: string | null;
  outcome: string;
  status: number | null;
  detail: string | null;
}

export const jobLogJson = (e: JobLogEntry): JobLogJson => ({
  id: e.id,
  at: e.at,
  settingId: e.settingId,
  idp: e.idp,
  operation: e.operation,
  resourceType: e.resourceType,
  resourceId: e.resourceId,
  userName: e.userName,
  targetUserId: e.targetUserId,
  outcome: e.outcome,
  status: e.status,
  detail: e.detail,
});

/** One live target user of any company, as lists show it. */
export async function getTargetUser(store: Store, id: string): Promise<TargetUserJson> {
  const user = await findTargetUser(store, id);
  const company = user && !user.deletedAt ? await findCompany(store, user.companyId) : undefined;
  if (!user || !company) throw new AdminError('notFound', `No target user with id ${id}`);
  const [shown] = await present(store, company, [user]);
  return shown!;
}

/** The user with its latest job-log rows (newest first). */
export async function showTargetUser(store: Store, id: string, historyLimit = 100): Promise<TargetUserJson & { jobLog: JobLogJson[] }> {
  return { ...(await getTargetUser(store, id)), jobLog: (await jobLogOfTargetUser(store, id, historyLimit)).map(jobLogJson) };
}
