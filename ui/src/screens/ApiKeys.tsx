// Company Settings > API keys for scripts: create (the key is shown once), revoke.
import { useState } from 'preact/hooks';
import { api, companyPath } from '../api.ts';
import { Alert, Confirm, CopyButton, Field, Loading, described, formatTime, useLoad, useSubmit } from '../components.tsx';
import { canWrite, useSession } from '../session.tsx';
import type { ApiKey } from '../types.ts';

export function ApiKeys({ companyId }: { companyId: string }) {
  const { user } = useSession();
  const list = useLoad(() => api<{ items: ApiKey[] }>('GET', companyPath(companyId, '/api-keys')), [companyId]);
  const [name, setName] = useState('');
  const [role, setRole] = useState('admin');
  const [created, setCreated] = useState<string | null>(null);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const submit = useSubmit();
  return (
    <>
      <h1>API keys</h1>
      <p>
        Scripts send a key as <code>Authorization: Bearer rk_…</code> to the admin API (<a href="/api/v1/docs">reference</a>).
      </p>
      {created && (
        <div class="secret">
          <Alert kind="info">
            <strong>You will not see this key again.</strong> Copy it now.
          </Alert>
          <label for="new-key">New API key</label>
          <div class="copy-row">
            <input id="new-key" readOnly value={created} />
            <CopyButton text={created} label="Copy API key" />
          </div>
        </div>
      )}
      {canWrite(user) && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            void submit.run(async () => {
              const r = await api<{ key: string }>('POST', companyPath(companyId, '/api-keys'), { name: name || undefined, role });
              setCreated(r.key);
              setName('');
              list.reload();
            });
          }}
        >
          {submit.alertFor(['name', 'role'])}
          <Field id="key-name" label="Name" error={submit.fieldError('name')}>
            <input {...described('key-name', submit.fieldError('name'))} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </Field>
          <Field id="key-role" label="Role" error={submit.fieldError('role')}>
            <select {...described('key-role', submit.fieldError('role'))} value={role} onChange={(e) => setRole(e.currentTarget.value)}>
              <option value="admin">Admin (read and change)</option>
              <option value="viewer">Viewer (read only)</option>
            </select>
          </Field>
          <button type="submit" class="primary" disabled={submit.busy}>
            Create API key
          </button>
        </form>
      )}
      <Loading error={list.error} loading={list.loading && !list.data} />
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Table, scrolls sideways">
        <table>
          <caption class="visually-hidden">API keys</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Key</th>
              <th scope="col">Role</th>
              <th scope="col">Created</th>
              <th scope="col">Last used</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((k) => (
              <tr>
                <td>{k.name ?? '—'}</td>
                <td>
                  <code>{k.prefix}…</code>
                </td>
                <td>{k.role}</td>
                <td>{formatTime(k.createdAt)}</td>
                <td>{formatTime(k.lastUsedAt)}</td>
                <td>
                  {k.revokedAt ? (
                    `Revoked ${formatTime(k.revokedAt)}`
                  ) : canWrite(user) ? (
                    <button type="button" class="link danger" onClick={() => setRevoking(k)} aria-label={`Revoke key ${k.prefix}`}>
                      Revoke
                    </button>
                  ) : (
                    'Active'
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {revoking && (
        <Confirm
          title={`Revoke key ${revoking.prefix}…?`}
          confirmLabel="Revoke key"
          onClose={() => setRevoking(null)}
          onConfirm={async () => {
            await api('DELETE', companyPath(companyId, `/api-keys/${revoking.id}`));
            setRevoking(null);
            list.reload();
          }}
        >
          <p>Scripts using this key stop working at once.</p>
        </Confirm>
      )}
    </>
  );
}
