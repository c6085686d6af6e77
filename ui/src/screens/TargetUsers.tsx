// Company > Target Users: the table with search, filters, chosen columns (custom fields included) and
// cursor paging. Filters live in the URL, so a reload or a shared link shows the same rows; paging keeps
// the cursors of earlier pages and never asks for an offset or a total.
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, companyPath, query, type Page } from '../api.ts';
import { Loading, Pager, showValue, useCursorPages, useLoad } from '../components.tsx';
import { navigate, setQueryParam, useLocation } from '../router.ts';
import { canWrite, useSession } from '../session.tsx';
import type { CustomField, Group, ScimSetting, TargetUser } from '../types.ts';
import { UserForm } from './UserForm.tsx';

const PAGE_SIZE = 50;

interface Column {
  key: string;
  label: string;
  cell: (u: TargetUser) => ComponentChildren;
}

/** The SCIM setting that owns a user (whose identity provider alone changes it), or null for a manual one. */
export const owningSetting = (u: TargetUser) => (u.source.kind === 'scim' ? { id: u.source.settingId, name: u.source.settingName ?? u.source.settingId } : null);

const platformColumns: Column[] = [
  { key: 'firstName', label: 'First name', cell: (u) => showValue(u.firstName) },
  { key: 'lastName', label: 'Last name', cell: (u) => showValue(u.lastName) },
  { key: 'active', label: 'Status', cell: (u) => <span class={`badge ${u.active ? 'ok' : 'muted'}`}>{u.active ? 'Active' : 'Inactive'}</span> },
  { key: 'department', label: 'Department', cell: (u) => showValue(u.department) },
  { key: 'title', label: 'Title', cell: (u) => showValue(u.title) },
  { key: 'groups', label: 'Groups', cell: (u) => (u.groups.length ? u.groups.join(', ') : '—') },
  {
    key: 'source',
    label: 'Source',
    cell: (u) => {
      const owner = owningSetting(u);
      return owner ? `SCIM: ${owner.name}` : 'Manual';
    },
  },
  { key: 'phone', label: 'Phone', cell: (u) => showValue(u.phone) },
  { key: 'timezone', label: 'Time zone', cell: (u) => showValue(u.timezone) },
  { key: 'preferredLanguage', label: 'Language', cell: (u) => showValue(u.preferredLanguage) },
];
const defaultColumns = ['firstName', 'lastName', 'active', 'department', 'groups', 'source'];

/** The chosen columns, remembered per company in this browser. */
function useColumns(companyId: string) {
  const key = `roster.columns.${companyId}`;
  const read = () => {
    try {
      const v = JSON.parse(localStorage.getItem(key) ?? 'null');
      return Array.isArray(v) ? (v as string[]) : defaultColumns;
    } catch {
      return defaultColumns;
    }
  };
  const [columns, setColumns] = useState<string[]>(read);
  useEffect(() => setColumns(read()), [companyId]);
  const toggle = (column: string, on: boolean) => {
    const next = on ? [...columns.filter((c) => c !== column), column] : columns.filter((c) => c !== column);
    setColumns(next);
    localStorage.setItem(key, JSON.stringify(next));
  };
  return { columns, toggle };
}

export function TargetUsers({ companyId }: { companyId: string }) {
  const { user } = useSession();
  const { search } = useLocation();
  const filters = {
    q: search.get('q') ?? '',
    group: search.get('group') ?? '',
    active: search.get('active') ?? '',
    source: search.get('source') ?? '',
    field: search.get('field') ?? '',
    sort: search.get('sort') ?? '',
  };
  const filterKey = JSON.stringify([companyId, filters]);
  const pages = useCursorPages(filterKey);
  const [adding, setAdding] = useState(false);
  const [q, setQ] = useState(filters.q);
  const { columns, toggle } = useColumns(companyId);

  // The search box updates the URL a moment after typing stops, not on every key.
  useEffect(() => {
    if (q === filters.q) return;
    const t = window.setTimeout(() => setQueryParam('q', q.trim()), 300);
    return () => window.clearTimeout(t);
  }, [q]);

  const meta = useLoad(
    async () => {
      const [fields, groups, settings] = await Promise.all([
        api<{ items: CustomField[] }>('GET', companyPath(companyId, '/custom-fields')),
        api<Page<Group>>('GET', companyPath(companyId, '/groups?limit=1000')),
        api<{ items: ScimSetting[] }>('GET', companyPath(companyId, '/scim-settings')),
      ]);
      return { fields: fields.items, groups: groups.items, settings: settings.items };
    },
    [companyId],
  );
  const list = useLoad(
    () => api<Page<TargetUser>>('GET', companyPath(companyId, `/target-users${query({ ...filters, limit: PAGE_SIZE, cursor: pages.cursor })}`)),
    [filterKey, pages.cursor],
  );

  const fields = meta.data?.fields ?? [];
  const allColumns: Column[] = [
    ...platformColumns,
    ...fields.map((f) => ({ key: `cf:${f.name}`, label: f.name, cell: (u: TargetUser) => showValue(u.customFields[f.name]) })),
  ];
  const shown = allColumns.filter((c) => columns.includes(c.key));
  const [fieldName, fieldValue] = splitField(filters.field);
  const exportHref = `/api/v1${companyPath(companyId, `/target-users/export${query(filters)}`)}`;

  return (
    <>
      <div class="title-row">
        <h1>Target users</h1>
        <div class="actions">
          <a class="button" href={exportHref} download>
            Export CSV
          </a>
          {canWrite(user) && (
            <>
              <a class="button" href={`/companies/${companyId}/custom-fields`}>
                Edit fields
              </a>
              <a class="button" href={`/companies/${companyId}/import`}>
                Import CSV
              </a>
              <button type="button" class="primary" onClick={() => setAdding(true)}>
                + Add user
              </button>
            </>
          )}
        </div>
      </div>

      <form class="filters" role="search" aria-label="Filter target users" onSubmit={(e) => (e.preventDefault(), setQueryParam('q', q.trim()))}>
        <div class="field">
          <label for="tu-search">Search name or email</label>
          <input id="tu-search" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} placeholder="ada@ or Ada Lovelace" />
        </div>
        <div class="field">
          <label for="tu-group">Group</label>
          <select id="tu-group" value={filters.group} onChange={(e) => setQueryParam('group', e.currentTarget.value)}>
            <option value="">Any group</option>
            {meta.data?.groups.map((g) => (
              <option value={g.name}>{g.name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="tu-status">Status</label>
          <select id="tu-status" value={filters.active} onChange={(e) => setQueryParam('active', e.currentTarget.value)}>
            <option value="">Any status</option>
            <option value="true">Active</option>
            <option value="false">Inactive</option>
          </select>
        </div>
        <div class="field">
          <label for="tu-source">Source</label>
          <select id="tu-source" value={filters.source} onChange={(e) => setQueryParam('source', e.currentTarget.value)}>
            <option value="">Any source</option>
            <option value="manual">Manual</option>
            {meta.data?.settings.map((s) => (
              <option value={s.id}>SCIM: {s.name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="tu-sort">Sort</label>
          <select id="tu-sort" value={filters.sort} onChange={(e) => setQueryParam('sort', e.currentTarget.value)}>
            <option value="">Oldest first</option>
            <option value="-createdAt">Newest first</option>
            <option value="email">Email A–Z</option>
            <option value="-email">Email Z–A</option>
          </select>
        </div>
        {fields.length > 0 && (
          <FieldFilter fields={fields} name={fieldName} value={fieldValue} onApply={(v) => setQueryParam('field', v)} />
        )}
        <details class="columns">
          <summary>Columns</summary>
          <fieldset>
            <legend>Show columns</legend>
            {allColumns.map((c, i) => (
              <div class="check">
                <input id={`col-${i}`} type="checkbox" checked={columns.includes(c.key)} onChange={(e) => toggle(c.key, e.currentTarget.checked)} />
                <label for={`col-${i}`}>{c.label}</label>
              </div>
            ))}
          </fieldset>
        </details>
      </form>

      <Loading error={list.error ?? meta.error} loading={list.loading && !list.data} />
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Table, scrolls sideways" aria-busy={list.loading}>
        <table class="users">
          <caption class="visually-hidden">Target users</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              {shown.map((c) => (
                <th scope="col">{c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((u) => (
              <tr>
                <th scope="row">
                  <a href={`/companies/${companyId}/target-users/${u.id}`}>{u.email}</a>
                </th>
                {shown.map((c) => (
                  <td>{c.cell(u)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.data && list.data.items.length === 0 && <p>No target users match these filters.</p>}
      <Pager pages={pages} nextCursor={list.data?.nextCursor} label="Target users" />
      {adding && (
        <UserForm
          companyId={companyId}
          fields={fields}
          onClose={() => setAdding(false)}
          onSaved={(u) => navigate(`/companies/${companyId}/target-users/${u.id}`)}
        />
      )}
    </>
  );
}

const splitField = (f: string): [string, string] => {
  const i = f.indexOf('=');
  return i < 0 ? ['', ''] : [f.slice(0, i), f.slice(i + 1)];
};

function FieldFilter(props: { fields: CustomField[]; name: string; value: string; onApply: (v: string) => void }) {
  const [name, setName] = useState(props.name);
  const [value, setValue] = useState(props.value);
  return (
    <div class="field-filter">
      <div class="field">
        <label for="tu-field">Custom field</label>
        <select id="tu-field" value={name} onChange={(e) => setName(e.currentTarget.value)}>
          <option value="">Any field</option>
          {props.fields.map((f) => (
            <option value={f.name}>{f.name}</option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="tu-field-value">Value</label>
        <input
          id="tu-field-value"
          value={value}
          onInput={(e) => setValue(e.currentTarget.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              props.onApply(name ? `${name}=${value}` : '');
            }
          }}
        />
      </div>
      <button type="button" onClick={() => props.onApply(name ? `${name}=${value}` : '')}>
        Apply
      </button>
    </div>
  );
}
