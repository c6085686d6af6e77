// Target Users > Edit fields: the company's custom fields and "+ Add custom field" with a type.
import { useState } from 'preact/hooks';
import { api, companyPath } from '../api.ts';
import { Dialog, Field, Loading, described, formatTime, useLoad, useSubmit } from '../components.tsx';
import { canWrite, useSession } from '../session.tsx';
import type { CustomField } from '../types.ts';

export const fieldTypes: [string, string][] = [
  ['text', 'Text'],
  ['number', 'Numeric'],
  ['email', 'Email'],
  ['date', 'Date'],
  ['datetime', 'Date and time'],
  ['boolean', 'Boolean'],
];
const typeLabel = Object.fromEntries(fieldTypes);

export function CustomFields({ companyId }: { companyId: string }) {
  const { user } = useSession();
  const [adding, setAdding] = useState(false);
  const list = useLoad(() => api<{ items: CustomField[] }>('GET', companyPath(companyId, '/custom-fields')), [companyId]);
  return (
    <>
      <p class="crumbs">
        <a href={`/companies/${companyId}/target-users`}>← Target users</a>
      </p>
      <div class="title-row">
        <h1>Custom fields</h1>
        {canWrite(user) && (
          <button type="button" class="primary" onClick={() => setAdding(true)}>
            + Add custom field
          </button>
        )}
      </div>
      <p>Custom fields are extra columns of every target user. Map them from SCIM attributes in a SCIM setting, or fill them by CSV import.</p>
      <Loading error={list.error} loading={list.loading} />
      {list.data && (
        <div class="table-wrap" tabIndex={0} role="region" aria-label="Table, scrolls sideways">
          <table>
            <caption class="visually-hidden">Custom fields</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Created</th>
              </tr>
            </thead>
            <tbody>
              {list.data.items.map((f) => (
                <tr>
                  <td>{f.name}</td>
                  <td>{typeLabel[f.type] ?? f.type}</td>
                  <td>{formatTime(f.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {list.data?.items.length === 0 && <p>You do not have any custom field yet.</p>}
      {adding && (
        <AddField
          companyId={companyId}
          onClose={() => setAdding(false)}
          onAdded={() => {
            setAdding(false);
            list.reload();
          }}
        />
      )}
    </>
  );
}

function AddField(props: { companyId: string; onClose: () => void; onAdded: () => void }) {
  const [name, setName] = useState('');
  const [type, setType] = useState('text');
  const submit = useSubmit();
  const onSubmit = (e: Event) => {
    e.preventDefault();
    void submit.run(async () => {
      await api('POST', companyPath(props.companyId, '/custom-fields'), { name, type });
      props.onAdded();
    });
  };
  return (
    <Dialog title="Add custom field" onClose={props.onClose}>
      <form onSubmit={onSubmit}>
        {submit.alertFor(['name', 'type'])}
        <Field id="cf-name" label="Field name" error={submit.fieldError('name')}>
          <input {...described('cf-name', submit.fieldError('name'))} required maxLength={64} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </Field>
        <Field id="cf-type" label="Type" error={submit.fieldError('type')}>
          <select {...described('cf-type', submit.fieldError('type'))} value={type} onChange={(e) => setType(e.currentTarget.value)}>
            {fieldTypes.map(([v, l]) => (
              <option value={v}>{l}</option>
            ))}
          </select>
        </Field>
        <div class="actions">
          <button type="submit" class="primary" disabled={submit.busy}>
            Save
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
