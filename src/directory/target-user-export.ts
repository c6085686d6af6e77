// The target users a query selects as a CSV file an import takes back unchanged: the import's columns in its
// order, then `active` and `source`; UTF-8 with a BOM (Excel reads a file without one in the machine's code
// page) and CRLF line ends. Streamed a page at a time by keyset, so a million users never sit in memory.
import { stringify } from 'csv-stringify/sync';
import { foldString } from '../scim/fold.ts';
import { escapeCell } from './csv-cells.ts';
import { customFieldsOf } from '../store/custom-fields.ts';
import type { Store } from '../store/open.ts';
import { listScimSettings } from '../store/scim-settings.ts';
import { customValuesOfUsers, emailsOf, pageTargetUsers } from '../store/target-user-reads.ts';
import type { TargetUserRow } from '../store/target-users.ts';
import { PLATFORM_FIELDS } from '../provisioning/rules/types.ts';
import { targetUserFilter, type TargetUserQuery } from './target-users.ts';

const PAGE = 1000;

const line = (cells: readonly string[]) => stringify([cells.map(escapeCell)], { record_delimiter: 'windows' });

/** The CSV of the users a TargetUserQuery selects (same filters as listTargetUsers, without limit/after),
 *  streamed page by page: header, then rows. */
export async function* exportTargetUsers(store: Store, query: Omit<TargetUserQuery, 'limit' | 'after'>): AsyncGenerator<string> {
  const { company, filter } = await targetUserFilter(store, query);
  const fields = await customFieldsOf(store, company.id);
  const settingName = new Map((await listScimSettings(store, company.id)).map((s) => [s.id, s.name]));
  yield `\uFEFF${line([...PLATFORM_FIELDS, ...fields.map((f) => f.name), 'active', 'source'])}`;
  let after: { afterId?: string; afterEmail?: string } = {};
  for (;;) {
    const rows = await pageTargetUsers(store, { ...filter, ...after, limit: PAGE });
    if (!rows.length) return;
    const values = await customValuesOfUsers(store, rows.map((r) => r.id));
    const managers = await emailsOf(store, rows.flatMap((r) => (r.sourceKind === 'scim' && r.managerId ? [r.managerId] : [])));
    // A SCIM user's manager reference is often the IdP's id of the manager: its email reads better. Other
    // users' references are written as given, so that they import back unchanged.
    const manager = (r: TargetUserRow) => (r.sourceKind === 'scim' && r.managerId ? (managers.get(r.managerId) ?? r.managerValue) : r.managerValue);
    const source = (r: TargetUserRow) => (r.sourceKind === 'scim' ? `scim:${(r.settingId && settingName.get(r.settingId)) ?? r.settingId}` : r.sourceKind);
    yield rows
      .map((r) =>
        line([
          r.email,
          r.firstName ?? '',
          r.lastName ?? '',
          r.department ?? '',
          r.title ?? '',
          r.phone ?? '',
          r.timezone ?? '',
          r.preferredLanguage ?? '',
          manager(r) ?? '',
          ...fields.map((f) => values.get(r.id)?.get(f.id) ?? ''),
          String(r.active),
          source(r),
        ]),
      )
      .join('');
    if (rows.length < PAGE) return;
    const last = rows.at(-1)!;
    after = { afterId: last.id, ...(filter.orderBy === 'email' ? { afterEmail: foldString(last.email) } : {}) };
  }
}
