// Reading the target-user directory a page at a time. Every filter is an index range walked in id order
// (ids are time-ordered), so the first page and a page a million rows deep cost the same: the cursor is the
// last id seen, never an offset.
import { sql } from 'kysely';
import { foldString } from '../scim/fold.ts';
import { chunks } from './chunks.ts';
import type { Store } from './open.ts';
import { toTargetUserRow, type TargetUserRow } from './target-users.ts';

export interface TargetUserFilter {
  companyId: string;
  email?: string;
  groupId?: string;
  active?: boolean;
  settingId?: string;
  /** A custom field's value, compared ignoring case. */
  field?: { fieldId: string; value: string };
  /** Users whose email, first name or last name starts with this, or whose "first last" does, ignoring case. */
  search?: string;
  /** `id` (creation order, the default) or `email`; descending when `descending`. */
  orderBy?: 'id' | 'email';
  descending?: boolean;
  /** The last user of the previous page: its id, and its folded email when the order is by email. */
  afterId?: string;
  afterEmail?: string;
  limit: number;
}

/** `abc` → the range [abc, abd) of folded emails that start with it. */
function prefixRange(prefix: string): [string, string] {
  const folded = foldString(prefix);
  const last = folded.codePointAt(folded.length - 1) ?? 0;
  return [folded, folded.slice(0, -1) + String.fromCodePoint(last + 1)];
}

export async function pageTargetUsers(store: Store, f: TargetUserFilter): Promise<TargetUserRow[]> {
  const { db, dialect } = store;
  let q = db.selectFrom('target_users as u').selectAll('u').where('u.company_id', '=', f.companyId).where('u.deleted_at', 'is', null);
  // Group and field filters walk their own index (group_id, target_user_id) / (field_id, value_ci,
  // target_user_id) in user-id order and join each hit to its user by primary key.
  if (f.groupId !== undefined) q = q.innerJoin('target_group_members as m', 'm.target_user_id', 'u.id').where('m.group_id', '=', f.groupId);
  if (f.field !== undefined) {
    q = q.innerJoin('target_user_fields as v', 'v.target_user_id', 'u.id').where('v.field_id', '=', f.field.fieldId).where('v.value_ci', '=', foldString(f.field.value));
  }
  const byId = f.groupId !== undefined ? 'm.target_user_id' : f.field !== undefined ? 'v.target_user_id' : 'u.id';
  if (f.email !== undefined) q = q.where('u.email_ci', '=', foldString(f.email));
  if (f.search) {
    // Each alternative is a range of its own index (company_id, column, id); the union is sorted by the order.
    const text = f.search;
    const space = text.indexOf(' ');
    const rest = space > 0 ? text.slice(space + 1).trim() : '';
    q = q.where((w) => {
      const starts = (column: 'u.email_ci' | 'u.first_name_ci' | 'u.last_name_ci', prefix: string) => {
        const [from, to] = prefixRange(prefix);
        return w.and([w(column, '>=', from), w(column, '<', to)]);
      };
      const alternatives = [starts('u.email_ci', text), starts('u.first_name_ci', text), starts('u.last_name_ci', text)];
      // "first last": the last-name range, with the first name checked on its rows; `|| ''` keeps the planner
      // off the first-name index, where a common first name would be thousands of rows.
      if (rest) alternatives.push(w.and([starts('u.last_name_ci', rest), w(sql`u.first_name_ci || ''`, '=', foldString(text.slice(0, space)))]));
      return w.or(alternatives);
    });
  }
  if (f.active !== undefined) q = q.where('u.active', '=', dialect.toBool(f.active));
  if (f.settingId !== undefined) q = q.where('u.scim_setting_id', '=', f.settingId);
  const direction = f.descending ? 'desc' : 'asc';
  const past = f.descending ? '<' : '>';
  if (f.orderBy === 'email') {
    // Keyset on (email_ci, id): the index target_users_email walked from the last row of the previous page.
    if (f.afterId !== undefined && f.afterEmail !== undefined) {
      const [email, id] = [f.afterEmail, f.afterId];
      // A row-value comparison, which both databases walk as one index range (the OR form of the same
      // condition reads the index from its start: 114 ms a page at 1M users).
      q = q.where(sql<boolean>`(u.email_ci, u.id) ${sql.raw(past)} (${email}, ${id})`);
    }
    // A search sorts what its index ranges found: ordered by the column itself, the planner would rather walk
    // the company's whole email index for the order's sake, hoping to meet 100 matches early (a rare name:
    // every user read, 475 ms at 1M). `|| ''` sorts the same but cannot come from an index.
    q = f.search ? q.orderBy(sql`u.email_ci || ''`, direction).orderBy('u.id', direction) : q.orderBy('u.email_ci', direction).orderBy('u.id', direction);
  } else {
    if (f.afterId !== undefined) q = q.where(sql.ref(byId), past, f.afterId);
    q = q.orderBy(sql.ref(byId), direction);
  }
  const rows = await q.limit(f.limit).execute();
  return rows.map((r) => toTargetUserRow(r));
}

/** Custom values of a page of users: user id → field id → value. */
export async function customValuesOfUsers(store: Store, ids: readonly string[]): Promise<Map<string, Map<string, string>>> {
  const found = new Map<string, Map<string, string>>();
  for (const chunk of chunks(ids, 1)) {
    const rows = await store.db.selectFrom('target_user_fields').select(['target_user_id', 'field_id', 'value']).where('target_user_id', 'in', chunk).execute();
    for (const r of rows) {
      let values = found.get(r.target_user_id);
      if (!values) found.set(r.target_user_id, (values = new Map()));
      values.set(r.field_id, r.value);
    }
  }
  return found;
}

/** Group names of a page of users, in name order: user id → names. */
export async function groupNamesOfUsers(store: Store, ids: readonly string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  for (const chunk of chunks(ids, 1)) {
    const rows = await store.db
      .selectFrom('target_group_members as m')
      .innerJoin('target_groups as g', 'g.id', 'm.group_id')
      .select(['m.target_user_id', 'g.name'])
      .where('m.target_user_id', 'in', chunk)
      .where('g.deleted_at', 'is', null)
      .orderBy('g.name_ci')
      .execute();
    for (const r of rows) found.set(r.target_user_id, [...(found.get(r.target_user_id) ?? []), r.name]);
  }
  return found;
}

/** Emails of the managers a page of users resolved to: id → email. */
export async function emailsOf(store: Store, ids: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const chunk of chunks([...new Set(ids)], 1)) {
    const rows = await store.db.selectFrom('target_users').select(['id', 'email']).where('id', 'in', chunk).where('deleted_at', 'is', null).execute();
    for (const r of rows) found.set(r.id, r.email);
  }
  return found;
}
