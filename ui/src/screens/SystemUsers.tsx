// System users: the people who sign in to Roster. Invite one (the link is shown once), remove one.
import { useState } from 'preact/hooks';
import { api, query } from '../api.ts';
import { Alert, Confirm, CopyButton, Field, Loading, described, formatTime, useLoad, useSubmit } from '../components.tsx';
import { useSession } from '../session.tsx';
import type { SystemUser } from '../types.ts';

export function SystemUsers() {
  const { user, companies } = useSession();
  const list = useLoad(() => api<{ items: SystemUser[] }>('GET', `/system-users${query({ companyId: user.role === 'operator' ? undefined : user.companyId })}`), []);
  const [email, setEmail] = useState('');
  const [role, setRole] = useState(user.role === 'operator' ? 'operator' : 'admin');
  const [companyId, setCompanyId] = useState(user.companyId ?? '');
  const [invitation, setInvitation] = useState<string | null>(null);
  const [removing, setRemoving] = useState<SystemUser | null>(null);
  const submit = useSubmit();
  const companyName = new Map(companies.map((c) => [c.id, c.name]));
  return (
    <>
      <h1>System users</h1>
      {invitation && (
        <div class="secret">
          <Alert kind="info">
            <strong>Send this invitation link to the new user.</strong> It works once and is not shown again.
          </Alert>
          <label for="invitation-url">Invitation link</label>
          <div class="copy-row">
            <input id="invitation-url" readOnly value={invitation} />
            <CopyButton text={invitation} label="Copy invitation link" />
          </div>
        </div>
      )}
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run(async () => {
            const r = await api<{ invitationUrl: string }>('POST', '/system-users', { email, role, ...(role !== 'operator' ? { companyId } : {}) });
            setInvitation(r.invitationUrl);
            setEmail('');
            list.reload();
          });
        }}
      >
        {submit.alertFor(['email', 'role', 'companyId'])}
        <Field id="su-email" label="Email" error={submit.fieldError('email')}>
          <input {...described('su-email', submit.fieldError('email'))} type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </Field>
        <Field id="su-role" label="Role" error={submit.fieldError('role')}>
          <select {...described('su-role', submit.fieldError('role'))} value={role} onChange={(e) => setRole(e.currentTarget.value)}>
            {user.role === 'operator' && <option value="operator">Operator (every company)</option>}
            <option value="admin">Admin (one company)</option>
            <option value="viewer">Viewer (reads one company)</option>
          </select>
        </Field>
        {role !== 'operator' && user.role === 'operator' && (
          <Field id="su-company" label="Company" error={submit.fieldError('companyId')}>
            <select {...described('su-company', submit.fieldError('companyId'))} required value={companyId} onChange={(e) => setCompanyId(e.currentTarget.value)}>
              <option value="">Choose a company</option>
              {companies.map((c) => (
                <option value={c.id}>{c.name}</option>
              ))}
            </select>
          </Field>
        )}
        <button type="submit" class="primary" disabled={submit.busy}>
          Invite
        </button>
      </form>
      <Loading error={list.error} loading={list.loading && !list.data} />
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Table, scrolls sideways">
        <table>
          <caption class="visually-hidden">System users</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Role</th>
              <th scope="col">Company</th>
              <th scope="col">Status</th>
              <th scope="col">Last sign-in</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((u) => (
              <tr>
                <td>{u.email}</td>
                <td>{u.role}</td>
                <td>{u.companyId ? (companyName.get(u.companyId) ?? u.companyId) : 'All'}</td>
                <td>{u.status}</td>
                <td>{formatTime(u.lastSignInAt)}</td>
                <td>
                  {u.id !== user.id && (
                    <button type="button" class="link danger" onClick={() => setRemoving(u)} aria-label={`Remove ${u.email}`}>
                      Remove
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {removing && (
        <Confirm
          title={`Remove ${removing.email}?`}
          confirmLabel="Remove user"
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await api('DELETE', `/system-users/${removing.id}`);
            setRemoving(null);
            list.reload();
          }}
        >
          <p>Their sessions end at once.</p>
        </Confirm>
      )}
    </>
  );
}
