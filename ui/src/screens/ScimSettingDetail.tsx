// One SCIM setting: its activity (requests per hour over 7 days, the last error, the identity provider),
// its rules to edit — a change re-derives its users as a job whose progress bar survives a reload (?job=) —
// and rotate, revoke and delete behind a confirmation.
import { useState } from 'preact/hooks';
import { api, companyPath } from '../api.ts';
import { Alert, Confirm, JobProgress, Loading, formatTime, useLoad, useSubmit } from '../components.tsx';
import { navigate, setQueryParam, useLocation } from '../router.ts';
import { canWrite, useSession } from '../session.tsx';
import type { ScimSetting, ScimStatus } from '../types.ts';
import { GroupSettings, MapFields, loadRuleChoices, rulesBody, type Rules } from './Rules.tsx';
import { ConnectInstructions, TokenOnce } from './ScimWizard.tsx';

type Hour = NonNullable<ScimStatus['hourly']>[number];

/** Requests per hour, stacked succeeded without warning / with a warning / failed, as inline SVG; the table
 *  below says the same in text. `warned` is a part of `succeeded`. */
function ActivityChart({ hourly }: { hourly: Hour[] }) {
  const width = 720;
  const height = 160;
  const max = Math.max(1, ...hourly.map((h) => h.succeeded + h.failed));
  const bar = width / Math.max(1, hourly.length);
  const y = (n: number) => (n / max) * (height - 20);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Requests per hour over the last 7 days, at most ${max} in an hour`}>
        {hourly.map((h, i) => {
          const ok = y(h.succeeded - h.warned);
          const warn = y(h.warned);
          const bad = y(h.failed);
          const x = i * bar;
          return (
            <g>
              <rect class="ok" x={x} width={Math.max(1, bar - 0.5)} y={height - ok} height={ok} />
              <rect class="warn" x={x} width={Math.max(1, bar - 0.5)} y={height - ok - warn} height={warn} />
              <rect class="bad" x={x} width={Math.max(1, bar - 0.5)} y={height - ok - warn - bad} height={bad} />
            </g>
          );
        })}
        <line x1="0" x2={width} y1={height - 0.5} y2={height - 0.5} class="axis" />
        {hourly.map((h, i) =>
          h.hour.endsWith('T00:00:00.000Z') ? (
            <text x={i * bar + 2} y="12" class="tick">
              {new Date(h.hour).toLocaleDateString(undefined, { weekday: 'short' })}
            </text>
          ) : null,
        )}
      </svg>
      <figcaption>
        <span class="key ok">Succeeded</span> <span class="key warn">Warning</span> <span class="key bad">Failed</span> — {max} requests at the busiest hour
      </figcaption>
    </figure>
  );
}

export function ScimSettingDetail({ companyId, settingId }: { companyId: string; settingId: string }) {
  const { user } = useSession();
  const { search } = useLocation();
  const jobId = search.get('job');
  const [confirm, setConfirm] = useState<'rotate' | 'revoke' | 'delete' | null>(null);
  const [token, setToken] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const path = companyPath(companyId, `/scim-settings/${settingId}`);
  const data = useLoad(async () => {
    const [setting, status] = await Promise.all([api<ScimSetting>('GET', path), api<ScimStatus>('GET', `${path}/status`)]);
    return { setting, status };
  }, [path]);
  if (!data.data) return <Loading error={data.error} loading={data.loading} />;
  const { setting, status } = data.data;
  const hourly = status.hourly ?? [];
  const busyHours = hourly.filter((h) => h.succeeded + h.failed > 0);
  const writable = canWrite(user) && !setting.revokedAt;
  return (
    <>
      <p class="crumbs">
        <a href={`/companies/${companyId}/scim-settings`}>← SCIM settings</a>
      </p>
      <div class="title-row">
        <h1>
          {setting.name} {setting.revokedAt && <span class="badge muted">revoked</span>}
        </h1>
        {canWrite(user) && (
          <div class="actions">
            {writable && (
              <>
                <button type="button" onClick={() => setEditing(!editing)} aria-expanded={editing}>
                  Edit
                </button>
                <button type="button" onClick={() => setConfirm('rotate')}>
                  Rotate token
                </button>
                <button type="button" onClick={() => setConfirm('revoke')}>
                  Revoke
                </button>
              </>
            )}
            <button type="button" class="danger" onClick={() => setConfirm('delete')}>
              Delete
            </button>
          </div>
        )}
      </div>
      {jobId && (
        <JobProgress jobId={jobId} label="Re-deriving this setting's users" onDone={() => data.reload()} />
      )}
      {token && <TokenOnce name={setting.name} scimUrl={setting.scimUrl} token={token} companyId={companyId} settingId={setting.id} />}
      {editing && (
        <EditRules
          companyId={companyId}
          setting={setting}
          onSaved={(job) => {
            setEditing(false);
            if (job) setQueryParam('job', job);
            data.reload();
          }}
        />
      )}
      <section aria-labelledby="activity-h">
        <h2 id="activity-h">Activity</h2>
        <dl class="fields">
          <dt>Identity provider</dt>
          <dd>{status.identityProvider ?? 'None seen yet'}</dd>
          <dt>Last request</dt>
          <dd>{formatTime(status.lastRequestAt)}</dd>
          <dt>Last 24 hours</dt>
          <dd>
            {status.last24Hours ? `${status.last24Hours.succeeded} succeeded${status.last24Hours.warned ? ` (${status.last24Hours.warned} with a warning)` : ''}, ${status.last24Hours.failed} failed` : '—'}
          </dd>
          <dt>Last error</dt>
          <dd>
            {status.lastError ? (
              <span class="failed-text">
                {formatTime(status.lastError.at)}: {status.lastError.method} {status.lastError.path} → {status.lastError.status}
                {status.lastError.scimType ? ` ${status.lastError.scimType}` : ''}. {status.lastError.detail}
              </span>
            ) : (
              'None'
            )}
          </dd>
        </dl>
        <ActivityChart hourly={hourly} />
        <details>
          <summary>Requests per hour as a table</summary>
          {busyHours.length ? (
            <div class="table-wrap" tabIndex={0} role="region" aria-label="Table, scrolls sideways">
              <table>
                <caption>Hours with requests, last 7 days</caption>
                <thead>
                  <tr>
                    <th scope="col">Hour</th>
                    <th scope="col">Succeeded without warning</th>
                    <th scope="col">Succeeded with a warning</th>
                    <th scope="col">Failed</th>
                  </tr>
                </thead>
                <tbody>
                  {busyHours.map((h) => (
                    <tr>
                      <td>{formatTime(h.hour)}</td>
                      <td>{h.succeeded - h.warned}</td>
                      <td>{h.warned}</td>
                      <td>{h.failed}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : (
            <p>No requests in the last 7 days.</p>
          )}
        </details>
      </section>
      <section aria-labelledby="rules-h">
        <h2 id="rules-h">Rules</h2>
        <dl class="fields">
          <dt>Token</dt>
          <dd>
            <code>{setting.tokenPrefix ?? '—'}…</code>
          </dd>
          <dt>Mappings</dt>
          <dd>
            {setting.mappings.length
              ? setting.mappings.map((m) => (
                  <div>
                    {m.field} ← <code>{m.expression}</code>
                  </div>
                ))
              : 'Defaults only'}
          </dd>
          <dt>Target group</dt>
          <dd>{setting.groupName ?? '—'}</dd>
          <dt>Grouping</dt>
          <dd>{setting.syncGroups ? 'Synchronised with the identity provider' : setting.groupBy ? `By ${setting.groupBy}` : 'None'}</dd>
          <dt>Test mode</dt>
          <dd>{setting.testMode ? 'On' : 'Off'}</dd>
          <dt>Created</dt>
          <dd>{formatTime(setting.createdAt)}</dd>
        </dl>
        <p>
          <a href={`/companies/${companyId}/job-log?setting=${setting.id}`}>This setting's job log</a>
        </p>
        <ConnectInstructions />
      </section>
      {confirm === 'rotate' && (
        <Confirm
          title="Rotate the token?"
          confirmLabel="Rotate token"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            const r = await api<{ token: string }>('POST', `${path}/rotate`);
            setConfirm(null);
            setToken(r.token);
          }}
        >
          <p>The current token stops working at once. Give the identity provider the new one.</p>
        </Confirm>
      )}
      {confirm === 'revoke' && (
        <Confirm
          title="Revoke this SCIM setting?"
          confirmLabel="Revoke"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await api('POST', `${path}/revoke`);
            setConfirm(null);
            data.reload();
          }}
        >
          <p>The token stops working for good. Users and groups stay.</p>
        </Confirm>
      )}
      {confirm === 'delete' && (
        <Confirm
          title="Delete this SCIM setting?"
          confirmLabel="Delete setting"
          onClose={() => setConfirm(null)}
          onConfirm={async () => {
            await api('DELETE', path);
            navigate(`/companies/${companyId}/scim-settings`);
          }}
        >
          <p>The token stops working; the setting's users and groups become manually managed.</p>
        </Confirm>
      )}
    </>
  );
}

function EditRules(props: { companyId: string; setting: ScimSetting; onSaved: (jobId: string | null) => void }) {
  const s = props.setting;
  const choices = useLoad(() => loadRuleChoices(props.companyId), [props.companyId]);
  const [name, setName] = useState(s.name);
  const [rules, setRules] = useState<Rules>({ mappings: s.mappings.length ? s.mappings : [{ field: '', expression: '' }], groupName: s.groupName ?? '', groupBy: s.groupBy ?? '', syncGroups: s.syncGroups, testMode: s.testMode });
  const submit = useSubmit();
  if (!choices.data) return <Loading error={choices.error} loading={choices.loading} />;
  return (
    <form
      class="panel"
      aria-label="Edit setting"
      onSubmit={(e) => {
        e.preventDefault();
        void submit.run(async () => {
          const r = await api<{ jobId: string | null }>('PATCH', companyPath(props.companyId, `/scim-settings/${s.id}`), { name, ...rulesBody(rules) });
          props.onSaved(r.jobId);
        });
      }}
    >
      <h2>Edit {s.name}</h2>
      {submit.error && (
        <Alert>
          {submit.error.message}
          {Object.entries(submit.error.fields).map(([k, v]) => (
            <p>
              {k}: {v}
            </p>
          ))}
        </Alert>
      )}
      <div class="field">
        <label for="edit-name">SCIM name</label>
        <input id="edit-name" required maxLength={30} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </div>
      <MapFields companyId={props.companyId} fields={choices.data.fields} attributes={choices.data.attributes} rules={rules} onChange={setRules} />
      <GroupSettings fields={choices.data.fields} rules={rules} onChange={setRules} fieldErrors={submit.error?.fields ?? {}} />
      <div class="actions">
        <button type="submit" class="primary" disabled={submit.busy}>
          Save changes
        </button>
      </div>
    </form>
  );
}
