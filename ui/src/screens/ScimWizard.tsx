// "+ New" SCIM setting: name → Map Fields → Group Settings → the SCIM URL and the token, shown once.
import { useState } from 'preact/hooks';
import { api, companyPath } from '../api.ts';
import { Alert, CopyButton, Field, Loading, described, useLoad, useSubmit } from '../components.tsx';
import type { ScimSetting } from '../types.ts';
import { GroupSettings, MapFields, loadRuleChoices, rulesBody, type Rules } from './Rules.tsx';

const steps = ['Name', 'Map Fields', 'Group Settings', 'Token'];

export function ScimWizard({ companyId }: { companyId: string }) {
  const choices = useLoad(() => loadRuleChoices(companyId), [companyId]);
  const [step, setStep] = useState(0);
  const [name, setName] = useState('');
  const [rules, setRules] = useState<Rules>({ mappings: [{ field: '', expression: '' }], groupName: '', groupBy: '', syncGroups: false, testMode: false });
  const [created, setCreated] = useState<{ setting: ScimSetting; token: string; scimUrl: string } | null>(null);
  const submit = useSubmit();
  if (!choices.data) return <Loading error={choices.error} loading={choices.loading} />;
  const create = () =>
    submit.run(async () => {
      setCreated(await api('POST', companyPath(companyId, '/scim-settings'), { name: name.trim(), ...rulesBody(rules) }));
      setStep(3);
    });
  const next = (e: Event) => {
    e.preventDefault();
    if (step < 2) setStep(step + 1);
    else void create();
  };
  return (
    <>
      <p class="crumbs">
        <a href={`/companies/${companyId}/scim-settings`}>← SCIM settings</a>
      </p>
      <h1>New SCIM setting</h1>
      <ol class="steps" aria-label="Steps">
        {steps.map((s, i) => (
          <li aria-current={i === step ? 'step' : undefined} class={i < step ? 'done' : undefined}>
            {s}
          </li>
        ))}
      </ol>
      {created ? (
        <TokenOnce name={created.setting.name} scimUrl={created.scimUrl} token={created.token} companyId={companyId} settingId={created.setting.id} />
      ) : (
        <form onSubmit={next}>
          {submit.alertFor(step === 0 ? ['name'] : [])}
          {submit.error && step !== 0 && Object.keys(submit.error.fields).length > 0 && (
            <Alert>
              {Object.entries(submit.error.fields).map(([k, v]) => (
                <p>
                  {k}: {v}
                </p>
              ))}
            </Alert>
          )}
          {step === 0 && (
            <Field id="setting-name" label="SCIM name" error={submit.fieldError('name')} hint="Name this SCIM configuration, e.g. after the identity provider (1–30 characters).">
              <input {...described('setting-name', submit.fieldError('name'), true)} required maxLength={30} value={name} onInput={(e) => setName(e.currentTarget.value)} />
            </Field>
          )}
          {step === 1 && <MapFields companyId={companyId} fields={choices.data.fields} attributes={choices.data.attributes} rules={rules} onChange={setRules} />}
          {step === 2 && <GroupSettings fields={choices.data.fields} rules={rules} onChange={setRules} fieldErrors={submit.error?.fields ?? {}} />}
          <div class="actions">
            {step > 0 && (
              <button type="button" onClick={() => setStep(step - 1)}>
                Back
              </button>
            )}
            <button type="submit" class="primary" disabled={submit.busy}>
              {step < 2 ? 'Next' : 'Save and show token'}
            </button>
          </div>
        </form>
      )}
    </>
  );
}

/** The URL and the token with copy buttons, the warning that the token is shown once, and how to connect. */
export function TokenOnce(props: { name: string; scimUrl?: string | undefined; token: string; companyId: string; settingId: string }) {
  const url = props.scimUrl ?? `${window.location.origin}/scim/v2`;
  return (
    <section aria-labelledby="token-h">
      <h2 id="token-h">Connect {props.name}</h2>
      <Alert kind="info">
        <strong>You will not see this token again.</strong> Copy it now and store it somewhere safe; if it is lost, rotate the setting for a new one.
      </Alert>
      <div class="secret">
        <label for="scim-url">SCIM URL (tenant URL)</label>
        <div class="copy-row">
          <input id="scim-url" readOnly value={url} />
          <CopyButton text={url} label="Copy SCIM URL" />
        </div>
        <label for="scim-token">Token</label>
        <div class="copy-row">
          <input id="scim-token" readOnly value={props.token} data-testid="scim-token" />
          <CopyButton text={props.token} label="Copy token" />
        </div>
      </div>
      <ConnectInstructions />
      <p>
        <a class="button" href={`/companies/${props.companyId}/scim-settings/${props.settingId}`}>
          Done: go to the setting
        </a>
      </p>
    </section>
  );
}

export function ConnectInstructions() {
  return (
    <details class="connect">
      <summary>How to connect your identity provider</summary>
      <dl>
        <dt>Microsoft Entra ID</dt>
        <dd>
          Enterprise application → Provisioning → Automatic. Enter the SCIM URL as <em>Tenant URL</em> and the token as <em>Secret Token</em>, then <em>Test
          Connection</em>. Entra's default mapping of <code>mail</code> to <code>emails[type eq "work"].value</code> gives every user an email.
        </dd>
        <dt>Okta</dt>
        <dd>
          A SCIM 2.0 app integration: the SCIM URL as <em>SCIM connector base URL</em>, <code>userName</code> as the unique identifier field, authentication mode
          <em> HTTP Header</em> with the token. Push Groups to mirror groups.
        </dd>
        <dt>OneLogin</dt>
        <dd>
          SCIM Provisioner with SCIM v2 Enterprise: the SCIM URL as <em>SCIM Base URL</em> and the token as <em>SCIM Bearer Token</em>.
        </dd>
        <dt>JumpCloud</dt>
        <dd>
          Identity Management → SCIM 2.0: the SCIM URL as <em>Base URL</em> and the token as <em>Token Key</em>.
        </dd>
      </dl>
    </details>
  );
}
