// Company Settings > SCIM Settings: the list with each setting's grouping, last activity and 24-hour counts.
import { api, companyPath } from '../api.ts';
import { Loading, formatTime, useLoad } from '../components.tsx';
import { canWrite, useSession } from '../session.tsx';
import type { ScimSetting } from '../types.ts';

export function ScimSettings({ companyId }: { companyId: string }) {
  const { user } = useSession();
  const list = useLoad(() => api<{ items: ScimSetting[] }>('GET', companyPath(companyId, '/scim-settings')), [companyId]);
  return (
    <>
      <div class="title-row">
        <h1>SCIM settings</h1>
        {canWrite(user) && (
          <a class="button primary" href={`/companies/${companyId}/scim-settings/new`}>
            + New
          </a>
        )}
      </div>
      <p>Each SCIM setting has its own token: create one per identity provider.</p>
      <Loading error={list.error} loading={list.loading} />
      {list.data && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Table, scrolls sideways">
          <table>
            <caption class="visually-hidden">SCIM settings</caption>
            <thead>
              <tr>
                <th scope="col">SCIM name</th>
                <th scope="col">Target group</th>
                <th scope="col">Group by</th>
                <th scope="col">Created</th>
                <th scope="col">Last activity</th>
                <th scope="col">24 h succeeded</th>
                <th scope="col">24 h failed</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((s) => (
                <tr>
                  <td>
                    <a href={`/companies/${companyId}/scim-settings/${s.id}`}>{s.name}</a>
                    {s.revokedAt && <span class="badge muted">revoked</span>}
                    {s.testMode && <span class="badge warning">test mode</span>}
                  </td>
                  <td>{s.groupName ?? '—'}</td>
                  <td>{s.syncGroups ? 'IdP groups' : (s.groupBy ?? '—')}</td>
                  <td>{formatTime(s.createdAt)}</td>
                  <td>{formatTime(s.lastActivityAt)}</td>
                  <td>{s.last24Hours?.succeeded ?? 0}</td>
                  <td class={s.last24Hours?.failed ? 'failed-count' : undefined}>{s.last24Hours?.failed ?? 0}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data?.items.length === 0 && <p>No SCIM settings yet. Click "+ New" to connect an identity provider.</p>}
    </>
  );
}
