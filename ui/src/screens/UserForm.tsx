// Adding or editing a target user no SCIM setting manages: the platform fields and the company's custom
// fields. An empty field clears it on edit.
import { useState } from 'preact/hooks';
import { api, companyPath } from '../api.ts';
import { Dialog, Field, described, useSubmit } from '../components.tsx';
import type { CustomField, TargetUser } from '../types.ts';

const platformFields: [keyof TargetUser & string, string, string][] = [
  ['email', 'Email', 'email'],
  ['firstName', 'First name', 'text'],
  ['lastName', 'Last name', 'text'],
  ['department', 'Department', 'text'],
  ['title', 'Title', 'text'],
  ['phone', 'Phone', 'tel'],
  ['timezone', 'Time zone', 'text'],
  ['preferredLanguage', 'Preferred language', 'text'],
];

const inputType: Record<string, string> = { number: 'number', email: 'email', date: 'date', datetime: 'datetime-local' };

export function UserForm(props: { companyId: string; fields: CustomField[]; user?: TargetUser; onClose: () => void; onSaved: (u: TargetUser) => void }) {
  const u = props.user;
  const [values, setValues] = useState<Record<string, string>>(() =>
    Object.fromEntries(platformFields.map(([k]) => [k, u && typeof u[k] === 'string' ? (u[k] as string) : ''])),
  );
  const [active, setActive] = useState(u?.active ?? true);
  const [custom, setCustom] = useState<Record<string, string>>(() =>
    Object.fromEntries(props.fields.map((f) => [f.name, u?.customFields[f.name] == null ? '' : String(u.customFields[f.name])])),
  );
  const submit = useSubmit();
  const onSubmit = (e: Event) => {
    e.preventDefault();
    void submit.run(async () => {
      const body: Record<string, unknown> = { active };
      for (const [k] of platformFields) if (u || values[k]) body[k] = values[k] || (u ? null : undefined);
      const customFields: Record<string, unknown> = {};
      for (const f of props.fields) {
        const v = custom[f.name] ?? '';
        if (v === '' && !u) continue;
        customFields[f.name] = v === '' ? null : f.type === 'number' ? Number(v) : f.type === 'boolean' ? v === 'true' : v;
      }
      if (Object.keys(customFields).length) body.customFields = customFields;
      const path = companyPath(props.companyId, u ? `/target-users/${u.id}` : '/target-users');
      props.onSaved(await api<TargetUser>(u ? 'PATCH' : 'POST', path, body));
    });
  };
  const shown = [...platformFields.map(([k]) => k), 'active', ...props.fields.map((f) => `customFields.${f.name}`)];
  return (
    <Dialog title={u ? `Edit ${u.email}` : 'Add user'} onClose={props.onClose}>
      <form onSubmit={onSubmit}>
        {submit.alertFor(shown)}
        <div class="grid">
          {platformFields.map(([k, label, type]) => (
            <Field id={`user-${k}`} label={label} error={submit.fieldError(k)}>
              <input
                {...described(`user-${k}`, submit.fieldError(k))}
                type={type}
                required={k === 'email'}
                value={values[k]}
                onInput={(e) => setValues({ ...values, [k]: e.currentTarget.value })}
              />
            </Field>
          ))}
          {props.fields.map((f, i) => {
            const id = `user-cf-${i}`;
            const error = submit.fieldError(`customFields.${f.name}`) ?? submit.fieldError(f.name);
            return (
              <Field id={id} label={`${f.name} (${f.type})`} error={error}>
                {f.type === 'boolean' ? (
                  <select {...described(id, error)} value={custom[f.name]} onChange={(e) => setCustom({ ...custom, [f.name]: e.currentTarget.value })}>
                    <option value="">—</option>
                    <option value="true">Yes</option>
                    <option value="false">No</option>
                  </select>
                ) : (
                  <input {...described(id, error)} type={inputType[f.type] ?? 'text'} value={custom[f.name]} onInput={(e) => setCustom({ ...custom, [f.name]: e.currentTarget.value })} />
                )}
              </Field>
            );
          })}
        </div>
        <div class="check">
          <input id="user-active" type="checkbox" checked={active} onChange={(e) => setActive(e.currentTarget.checked)} />
          <label for="user-active">Active (receives simulations and training)</label>
        </div>
        <div class="actions">
          <button type="submit" class="primary" disabled={submit.busy}>
            {u ? 'Save changes' : 'Add user'}
          </button>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Dialog>
  );
}
