// Company Settings: licence limit and mode with the current usage as a gauge, allowed domains, language.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Alert, Field, Loading, described, useLoad, useSubmit } from '../components.tsx';
import { canWrite, useSession } from '../session.tsx';
import type { Company } from '../types.ts';

export function CompanySettings({ companyId }: { companyId: string }) {
  const { user, reloadCompanies } = useSession();
  const company = useLoad(() => api<Company>('GET', `/companies/${companyId}`), [companyId]);
  const [form, setForm] = useState({ name: '', licenseLimit: '', licenseEnforce: false, allowedDomains: '', language: '' });
  const [saved, setSaved] = useState(false);
  const submit = useSubmit();
  useEffect(() => {
    const c = company.data;
    if (c) setForm({ name: c.name, licenseLimit: c.licenseLimit == null ? '' : String(c.licenseLimit), licenseEnforce: !!c.licenseEnforce, allowedDomains: c.allowedDomains.join(', '), language: c.language ?? '' });
  }, [company.data]);
  if (!company.data) return <Loading error={company.error} loading={company.loading} />;
  const c = company.data;
  const usage = c.licenseLimit ? Math.round((c.activeUsers / c.licenseLimit) * 100) : null;
  const readOnly = !canWrite(user);
  const fe = submit.fieldError;
  return (
    <>
      <h1>Company settings</h1>
      <section aria-labelledby="licence-h">
        <h2 id="licence-h">Licence usage</h2>
        {c.licenseLimit ? (
          <>
            <label for="licence-gauge">
              {c.activeUsers} of {c.licenseLimit} active target users ({usage}%)
            </label>
            <meter id="licence-gauge" min={0} max={c.licenseLimit} low={c.licenseLimit * 0.8} high={c.licenseLimit * 0.95} optimum={0} value={c.activeUsers}>
              {usage}%
            </meter>
            {c.licenseExceeded && <Alert>The licence is exceeded.</Alert>}
          </>
        ) : (
          <p>{c.activeUsers} active target users; no licence limit.</p>
        )}
      </section>
      {saved && <Alert kind="success">Settings saved.</Alert>}
      {submit.alertFor(['name', 'licenseLimit', 'licenseEnforce', 'allowedDomains', 'language'])}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          setSaved(false);
          void submit.run(async () => {
            await api('PATCH', `/companies/${companyId}`, {
              name: form.name,
              licenseLimit: form.licenseLimit === '' ? null : Number(form.licenseLimit),
              licenseEnforce: form.licenseLimit === '' ? false : form.licenseEnforce,
              allowedDomains: form.allowedDomains.split(/[\s,]+/).filter(Boolean),
              language: form.language.trim() || null,
            });
            setSaved(true);
            company.reload();
            reloadCompanies();
          });
        }}
      >
        <fieldset disabled={readOnly}>
          <legend>Settings</legend>
          <Field id="co-name" label="Name" error={fe('name')}>
            <input {...described('co-name', fe('name'))} required value={form.name} onInput={(e) => setForm({ ...form, name: e.currentTarget.value })} />
          </Field>
          <Field id="co-limit" label="Licence limit (active users)" error={fe('licenseLimit')} hint="Leave empty for unlimited.">
            <input {...described('co-limit', fe('licenseLimit'), true)} type="number" min={0} value={form.licenseLimit} onInput={(e) => setForm({ ...form, licenseLimit: e.currentTarget.value })} />
          </Field>
          <div class="check">
            <input id="co-enforce" type="checkbox" checked={form.licenseEnforce} onChange={(e) => setForm({ ...form, licenseEnforce: e.currentTarget.checked })} />
            <label for="co-enforce">Enforce the limit (refuse new users beyond it; otherwise only warn)</label>
          </div>
          {fe('licenseEnforce') && <p class="field-error">{fe('licenseEnforce')}</p>}
          <Field id="co-domains" label="Allowed domains" error={fe('allowedDomains')} hint="Comma-separated, e.g. acme.com, acme.co.uk. Empty: any domain.">
            <input {...described('co-domains', fe('allowedDomains'), true)} value={form.allowedDomains} onInput={(e) => setForm({ ...form, allowedDomains: e.currentTarget.value })} />
          </Field>
          <Field id="co-language" label="Default language" error={fe('language')} hint="A language tag such as de or pt-BR. Empty: English.">
            <input {...described('co-language', fe('language'), true)} value={form.language} onInput={(e) => setForm({ ...form, language: e.currentTarget.value })} />
          </Field>
          <button type="submit" class="primary" disabled={submit.busy}>
            Save settings
          </button>
        </fieldset>
      </form>
    </>
  );
}
