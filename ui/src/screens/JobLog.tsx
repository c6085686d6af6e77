// Company > Job Log: every provisioning request and what it did, newest first; filters in the URL.
import { api, companyPath, query, type Page } from '../api.ts';
import { Loading, Pager, useCursorPages, useLoad } from '../components.tsx';
import { setQueryParam, useLocation } from '../router.ts';
import type { JobLogEntry, ScimSetting } from '../types.ts';
import { JobLogTable } from './JobLogTable.tsx';

export function JobLog({ companyId }: { companyId: string }) {
  const { search } = useLocation();
  const filters = { setting: search.get('setting') ?? '', outcome: search.get('outcome') ?? '', user: search.get('user') ?? '', since: search.get('since') ?? '', until: search.get('until') ?? '' };
  const key = JSON.stringify([companyId, filters]);
  const pages = useCursorPages(key);
  const settings = useLoad(() => api<{ items: ScimSetting[] }>('GET', companyPath(companyId, '/scim-settings')), [companyId]);
  // The inputs hold the admin's local time; the API is given the moment in UTC.
  const moment = (local: string) => (local ? new Date(local).toISOString() : '');
  const list = useLoad(
    () => api<Page<JobLogEntry>>('GET', companyPath(companyId, `/job-log${query({ ...filters, since: moment(filters.since), until: moment(filters.until), limit: 100, cursor: pages.cursor })}`)),
    [key, pages.cursor],
  );
  const names = new Map(settings.data?.items.map((s) => [s.id, s.name]));
  return (
    <>
      <h1>Job log</h1>
      <form class="filters" role="search" aria-label="Filter the job log" onSubmit={(e) => e.preventDefault()}>
        <div class="field">
          <label for="jl-setting">SCIM setting</label>
          <select id="jl-setting" value={filters.setting} onChange={(e) => setQueryParam('setting', e.currentTarget.value)}>
            <option value="">Any setting</option>
            {settings.data?.items.map((s) => (
              <option value={s.id}>{s.name}</option>
            ))}
          </select>
        </div>
        <div class="field">
          <label for="jl-outcome">Outcome</label>
          <select id="jl-outcome" value={filters.outcome} onChange={(e) => setQueryParam('outcome', e.currentTarget.value)}>
            <option value="">Any outcome</option>
            <option value="success">Succeeded</option>
            <option value="warning">Warning</option>
            <option value="failure">Failed</option>
          </select>
        </div>
        <div class="field">
          <label for="jl-user">User email</label>
          <input id="jl-user" type="search" value={filters.user} onChange={(e) => setQueryParam('user', e.currentTarget.value.trim())} />
        </div>
        <div class="field">
          <label for="jl-since">Since</label>
          <input id="jl-since" type="datetime-local" value={filters.since} onChange={(e) => setQueryParam('since', e.currentTarget.value)} />
        </div>
        <div class="field">
          <label for="jl-until">Until</label>
          <input id="jl-until" type="datetime-local" value={filters.until} onChange={(e) => setQueryParam('until', e.currentTarget.value)} />
        </div>
      </form>
      <Loading error={list.error} loading={list.loading && !list.data} />
      {list.data && <JobLogTable rows={list.data.items} caption="Job log" settingName={(id) => (id ? (names.get(id) ?? id) : 'Manual / CSV')} />}
      {list.data?.items.length === 0 && <p>Nothing in the job log matches.</p>}
      <Pager pages={pages} nextCursor={list.data?.nextCursor} label="Job log" />
    </>
  );
}
