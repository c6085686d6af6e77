// Company > Audit Log: every admin change with its actor, IP and user agent, old and new values side by side;
// for operators, the same of the changes that belong to no company (operators, their keys, unknown sign-ins).
import { api, companyPath, query, type Page } from '../api.ts';
import { Loading, Pager, formatTime, useCursorPages, useLoad } from '../components.tsx';
import type { AuditEntry } from '../types.ts';

const json = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 2));
const actorName = (a: AuditEntry['actor']) => (typeof a === 'string' ? a : (a.email ?? a.name ?? a.kind ?? a.id ?? '—'));

export function AuditLog({ companyId }: { companyId: string | null }) {
  const pages = useCursorPages(companyId ?? '');
  const path = `/audit-log${query({ limit: 50, cursor: pages.cursor })}`;
  const list = useLoad(() => api<Page<AuditEntry>>('GET', companyId === null ? path : companyPath(companyId, path)), [companyId, pages.cursor]);
  return (
    <>
      <h1>{companyId === null ? 'System audit log' : 'Audit log'}</h1>
      {companyId === null && <p>Changes that belong to no company: operators, their API keys, and sign-ins of unknown emails.</p>}
      <Loading error={list.error} loading={list.loading && !list.data} />
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Table, scrolls sideways">
        <table class="audit">
          <caption class="visually-hidden">Audit log</caption>
          <thead>
            <tr>
              <th scope="col">Log date</th>
              <th scope="col">User</th>
              <th scope="col">Entity</th>
              <th scope="col">Operation</th>
              <th scope="col">Old value</th>
              <th scope="col">New value</th>
              <th scope="col">IP</th>
              <th scope="col">User agent</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((e) => (
              <tr>
                <td>{formatTime(e.at)}</td>
                <td>{actorName(e.actor)}</td>
                <td>{e.entity}</td>
                <td>{e.operation ?? e.action}</td>
                <td>
                  <pre>{json(e.oldValue ?? e.old)}</pre>
                </td>
                <td>
                  <pre>{json(e.newValue ?? e.new)}</pre>
                </td>
                <td>{e.ip ?? '—'}</td>
                <td class="detail">{e.userAgent ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.data?.items.length === 0 && <p>No changes recorded yet.</p>}
      <Pager pages={pages} nextCursor={list.data?.nextCursor} label="Audit log" />
    </>
  );
}
