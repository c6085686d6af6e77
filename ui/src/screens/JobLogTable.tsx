// Job-log rows as a table: failures highlighted with their detail. Used by the job log and a user's history.
import { formatTime, showValue } from '../components.tsx';
import type { JobLogEntry } from '../types.ts';

const outcomeLabel: Record<string, string> = { success: 'Succeeded', succeeded: 'Succeeded', warning: 'Warning', failure: 'Failed', failed: 'Failed' };
export const outcomeClass = (o: string) => (o.startsWith('fail') ? 'failed' : o === 'warning' ? 'warning' : 'ok');

export function JobLogTable(props: { rows: JobLogEntry[]; caption: string; settingName?: (id: string | null) => string }) {
  return (
    <div class="table-wrap" tabIndex={0} role="region" aria-label="Table, scrolls sideways">
      <table class="job-log">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Outcome</th>
            <th scope="col">Operation</th>
            <th scope="col">User</th>
            {props.settingName && <th scope="col">Setting</th>}
            <th scope="col">Status</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((r) => (
            <tr class={`outcome-${outcomeClass(r.outcome)}`}>
              <td>{formatTime(r.at)}</td>
              <td>
                <span class={`badge ${outcomeClass(r.outcome)}`}>{outcomeLabel[r.outcome] ?? r.outcome}</span>
              </td>
              <td>
                {r.operation}
                {r.resourceType ? ` ${r.resourceType}` : ''}
              </td>
              <td>{showValue(r.userName)}</td>
              {props.settingName && <td>{props.settingName(r.settingId)}</td>}
              <td>{showValue(r.status)}</td>
              <td class="detail">{showValue(r.detail)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
