// The companies an operator manages (an admin sees only their own), and a new company.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Dialog, Field, described, useSubmit } from '../components.tsx';
import { useSession } from '../session.tsx';
import type { Company } from '../types.ts';
import { navigate } from '../router.ts';

export function Companies() {
  const { user, companies, reloadCompanies } = useSession();
  const [creating, setCreating] = useState(false);
  return (
    <>
      <div class="title-row">
        <h1>Companies</h1>
        {user.role === 'operator' && (
          <button type="button" class="primary" onClick={() => setCreating(true)}>
            + New company
          </button>
        )}
      </div>
      <div class="table-wrap" tabIndex={0} role="region" aria-label="Table, scrolls sideways">
        <table>
          <caption class="visually-hidden">Companies</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Active users</th>
              <th scope="col">Licence limit</th>
              <th scope="col">Allowed domains</th>
            </tr>
          </thead>
          <tbody>
            {companies.map((c) => (
              <tr>
                <td>
                  <a href={`/companies/${c.id}/target-users`}>{c.name}</a>
                </td>
                <td>{c.activeUsers}</td>
                <td>{c.licenseLimit ?? 'Unlimited'}</td>
                <td>{c.allowedDomains.length ? c.allowedDomains.join(', ') : 'Any'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {companies.length === 0 && <p>No companies yet.</p>}
      {creating && (
        <NewCompany
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            reloadCompanies();
            navigate(`/companies/${c.id}/target-users`);
          }}
        />
      )}
    </>
  );
}

function NewCompany(props: { onClose: () => void; onCreated: (c: Company) => void }) {
  const [name, setName] = useState('');
  const submit = useSubmit();
  const onSubmit = (e: Event) => {
    e.preventDefault();
    void submit.run(async () => props.onCreated(await api<Company>('POST', '/companies', { name })));
  };
  return (
    <Dialog title="New company" onClose={props.onClose}>
      <form onSubmit={onSubmit}>
        {submit.alertFor(['name'])}
        <Field id="company-name" label="Name" error={submit.fieldError('name')}>
          <input {...described('company-name', submit.fieldError('name'))} required value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={submit.busy}>
            Create company
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
