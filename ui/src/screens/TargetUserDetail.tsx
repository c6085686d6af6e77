// One target user: fields, groups, the owning setting and the job-log history. A SCIM-owned user is its
// identity provider's and is shown read-only; a manual one can be edited and deleted.
import { useState } from 'preact/hooks';
import { api, companyPath } from '../api.ts';
import { Alert, Confirm, Loading, formatTime, showValue, useLoad } from '../components.tsx';
import { navigate } from '../router.ts';
import { canWrite, useSession } from '../session.tsx';
import type { CustomField, JobLogEntry, TargetUser } from '../types.ts';
import { JobLogTable } from './JobLogTable.tsx';
import { owningSetting } from './TargetUsers.tsx';
import { UserForm } from './UserForm.tsx';

export function TargetUserDetail({ companyId, userId }: { companyId: string; userId: string }) {
  const { user: me } = useSession();
  const [editing, setEditing] = useState(false);
  const [deleting, setDeleting] = useState(false);
  const data = useLoad(async () => {
    const [u, fields] = await Promise.all([
      api<TargetUser & { jobLog?: JobLogEntry[] }>('GET', companyPath(companyId, `/target-users/${userId}`)),
      api<{ items: CustomField[] }>('GET', companyPath(companyId, '/custom-fields')),
    ]);
    return { u, fields: fields.items };
  }, [companyId, userId]);
  if (!data.data) return <Loading error={data.error} loading={data.loading} />;
  const { u, fields } = data.data;
  const name = [u.firstName, u.lastName].filter(Boolean).join(' ');
  const owner = owningSetting(u);
  const manager = u.manager && typeof u.manager === 'object' ? u.manager.email : u.manager;
  const rows: [string, unknown][] = [
    ['Email', u.email],
    ['First name', u.firstName],
    ['Last name', u.lastName],
    ['Status', u.active ? 'Active' : 'Inactive'],
    ['Department', u.department],
    ['Title', u.title],
    ['Phone', u.phone],
    ['Time zone', u.timezone],
    ['Preferred language', u.preferredLanguage],
    ['Manager', manager],
    ['External id', u.externalId],
    ['Mail delivered', u.deliverable === undefined ? undefined : u.deliverable],
    ['Created', formatTime(u.createdAt)],
    ['Updated', formatTime(u.updatedAt)],
  ];
  return (
    <>
      <p class="crumbs">
        <a href={`/companies/${companyId}/target-users`}>← Target users</a>
      </p>
      <div class="title-row">
        <h1>{name || u.email}</h1>
        {!owner && canWrite(me) && (
          <div class="actions">
            <button type="button" onClick={() => setEditing(true)}>
              Edit
            </button>
            <button type="button" class="danger" onClick={() => setDeleting(true)}>
              Delete
            </button>
          </div>
        )}
      </div>
      {owner && (
        <Alert kind="info">
          Managed by SCIM setting <a href={`/companies/${companyId}/scim-settings/${owner.id}`}>{owner.name}</a>. Change this
          user in the identity provider; Roster shows it read-only.
        </Alert>
      )}
      <div class="columns-2">
        <section aria-labelledby="fields-h">
          <h2 id="fields-h">Fields</h2>
          <dl class="fields">
            {rows.map(([k, v]) => (
              <>
                <dt>{k}</dt>
                <dd>{showValue(v)}</dd>
              </>
            ))}
            {fields.map((f) => (
              <>
                <dt>{f.name}</dt>
                <dd>{showValue(u.customFields[f.name])}</dd>
              </>
            ))}
          </dl>
        </section>
        <section aria-labelledby="groups-h">
          <h2 id="groups-h">Groups</h2>
          {u.groups.length ? (
            <ul>
              {u.groups.map((g) => (
                <li>{g}</li>
              ))}
            </ul>
          ) : (
            <p>In no group.</p>
          )}
          <h2>Source</h2>
          <p>{owner ? `SCIM setting ${owner.name}` : 'Added manually or by CSV import'}</p>
        </section>
      </div>
      <section aria-labelledby="history-h">
        <h2 id="history-h">Job-log history</h2>
        {u.jobLog?.length ? <JobLogTable rows={u.jobLog} caption={`Job log of ${u.email}`} /> : <p>Nothing in the job log for this user yet.</p>}
      </section>
      {editing && (
        <UserForm
          companyId={companyId}
          fields={fields}
          user={u}
          onClose={() => setEditing(false)}
          onSaved={() => {
            setEditing(false);
            data.reload();
          }}
        />
      )}
      {deleting && (
        <Confirm
          title={`Delete ${u.email}?`}
          confirmLabel="Delete user"
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await api('DELETE', companyPath(companyId, `/target-users/${u.id}`));
            navigate(`/companies/${companyId}/target-users`);
          }}
        >
          <p>The user is removed from the directory and from every group. Their job-log history stays.</p>
        </Confirm>
      )}
    </>
  );
}
