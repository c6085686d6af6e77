// Target Users > Groups: every group with its source and member count, and one group's members, paged.
import { useState } from 'preact/hooks';
import { api, companyPath, query, type Page } from '../api.ts';
import { Confirm, Dialog, Field, Loading, Pager, described, useCursorPages, useLoad, useSubmit } from '../components.tsx';
import { canWrite, useSession } from '../session.tsx';
import type { Group } from '../types.ts';

const sourceLabel: Record<string, string> = { idp: 'Identity provider', setting: 'SCIM setting', rule: 'Grouping rule', manual: 'Manual' };

export function Groups({ companyId }: { companyId: string }) {
  const { user } = useSession();
  const pages = useCursorPages(companyId);
  const [adding, setAdding] = useState(false);
  const [deleting, setDeleting] = useState<Group | null>(null);
  const list = useLoad(() => api<Page<Group>>('GET', companyPath(companyId, `/groups${query({ limit: 100, cursor: pages.cursor })}`)), [companyId, pages.cursor]);
  return (
    <>
      <div class="title-row">
        <h1>Groups</h1>
        {canWrite(user) && (
          <button type="button" class="primary" onClick={() => setAdding(true)}>
            + New group
          </button>
        )}
      </div>
      <Loading error={list.error} loading={list.loading && !list.data} />
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Table, scrolls sideways">
        <table>
          <caption class="visually-hidden">Groups</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Source</th>
              <th scope="col">Members</th>
              {canWrite(user) && <th scope="col">Actions</th>}
            </tr>
          </thead>
          <tbody>
            {list.data?.items.map((g) => (
              <tr>
                <td>
                  <a href={`/companies/${companyId}/groups/${g.id}`}>{g.name}</a>
                </td>
                <td>{sourceLabel[g.source] ?? g.source}</td>
                <td>{g.memberCount}</td>
                {canWrite(user) && (
                  <td>
                    {g.source !== 'idp' && (
                      <button type="button" class="link danger" onClick={() => setDeleting(g)} aria-label={`Delete group ${g.name}`}>
                        Delete
                      </button>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {list.data?.items.length === 0 && <p>No groups yet.</p>}
      <Pager pages={pages} nextCursor={list.data?.nextCursor} label="Groups" />
      {adding && <NewGroup companyId={companyId} onClose={() => setAdding(false)} onAdded={() => (setAdding(false), list.reload())} />}
      {deleting && (
        <Confirm
          title={`Delete group ${deleting.name}?`}
          confirmLabel="Delete group"
          onClose={() => setDeleting(null)}
          onConfirm={async () => {
            await api('DELETE', companyPath(companyId, `/groups/${deleting.id}`));
            setDeleting(null);
            list.reload();
          }}
        >
          <p>Deleting a group does not delete its users.</p>
        </Confirm>
      )}
    </>
  );
}

function NewGroup(props: { companyId: string; onClose: () => void; onAdded: () => void }) {
  const [name, setName] = useState('');
  const submit = useSubmit();
  return (
    <Dialog title="New group" onClose={props.onClose}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit.run(async () => {
            await api('POST', companyPath(props.companyId, '/groups'), { name });
            props.onAdded();
          });
        }}
      >
        {submit.alertFor(['name'])}
        <Field id="group-name" label="Name" error={submit.fieldError('name')}>
          <input {...described('group-name', submit.fieldError('name'))} required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={submit.busy}>
            Create group
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}

interface Member {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  active: boolean;
}

export function GroupDetail({ companyId, groupId }: { companyId: string; groupId: string }) {
  const pages = useCursorPages(groupId);
  const members = useLoad(
    () => api<Page<Member>>('GET', companyPath(companyId, `/groups/${groupId}/members${query({ limit: 100, cursor: pages.cursor })}`)),
    [companyId, groupId, pages.cursor],
  );
  return (
    <>
      <p class="crumbs">
        <a href={`/companies/${companyId}/groups`}>← Groups</a>
      </p>
      <h1>Group members</h1>
      <Loading error={members.error} loading={members.loading && !members.data} />
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Table, scrolls sideways">
        <table>
          <caption class="visually-hidden">Members</caption>
          <thead>
            <tr>
              <th scope="col">Email</th>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {members.data?.items.map((m) => (
              <tr>
                <td>
                  <a href={`/companies/${companyId}/target-users/${m.id}`}>{m.email}</a>
                </td>
                <td>{[m.firstName, m.lastName].filter(Boolean).join(' ') || '—'}</td>
                <td>{m.active ? 'Active' : 'Inactive'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {members.data?.items.length === 0 && <p>This group has no members.</p>}
      <Pager pages={pages} nextCursor={members.data?.nextCursor} label="Members" />
    </>
  );
}
