// Target Users > Import CSV: choose a file, read the dry run's counts and per-row problems, import; the
// import runs as a job whose id stays in the URL (?job=), so its progress bar survives a reload.
import { useState } from 'preact/hooks';
import { api, companyPath } from '../api.ts';
import { Alert, JobProgress, showValue, useSubmit } from '../components.tsx';
import { setQueryParam, useLocation } from '../router.ts';
import type { ImportPreview } from '../types.ts';

export function Import({ companyId }: { companyId: string }) {
  const { search } = useLocation();
  const jobId = search.get('job');
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const submit = useSubmit();
  const path = companyPath(companyId, '/target-users/import');
  const send = (dryRun: boolean) =>
    submit.run(async () => {
      if (!file) return;
      const raw = { body: file, contentType: 'text/csv' };
      if (dryRun) setPreview(await api<ImportPreview>('POST', `${path}?dryRun=true`, undefined, { raw }));
      else {
        const r = await api<{ jobId: string }>('POST', path, undefined, { raw });
        setPreview(null);
        setQueryParam('job', r.jobId);
      }
    });
  return (
    <>
      <p class="crumbs">
        <a href={`/companies/${companyId}/target-users`}>← Target users</a>
      </p>
      <h1>Import target users from CSV</h1>
      {jobId && <JobProgress jobId={jobId} label="Importing" />}
      <p>
        Columns: <code>email</code>, <code>firstName</code>, <code>lastName</code>, <code>department</code>, <code>title</code>, <code>phone</code>,{' '}
        <code>timezone</code>, <code>preferredLanguage</code>, <code>manager</code> and one per custom field (headers matched ignoring case). Users are matched by
        email; users a SCIM setting manages are reported, not changed.
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void send(true);
        }}
      >
        <div class="field">
          <label for="csv-file">CSV file</label>
          <input
            id="csv-file"
            type="file"
            accept=".csv,text/csv"
            onChange={(e) => {
              setFile(e.currentTarget.files?.[0] ?? null);
              setPreview(null);
            }}
          />
        </div>
        {submit.alertFor([])}
        <div class="actions">
          <button type="submit" disabled={!file || submit.busy}>
            Preview (dry run)
          </button>
        </div>
      </form>
      {preview && (
        <section aria-labelledby="preview-h">
          <h2 id="preview-h">Preview</h2>
          <dl class="counts">
            {(['rows', 'create', 'update', 'unchanged', 'skipped', 'failed'] as const).map((k) => (
              <div>
                <dt>{k[0]!.toUpperCase() + k.slice(1)}</dt>
                <dd>{preview[k]}</dd>
              </div>
            ))}
          </dl>
          <h3>Columns</h3>
          <ul>
            {preview.columns.map((c) => (
              <li>
                {c.header} → {c.field ?? <em>ignored</em>}
              </li>
            ))}
          </ul>
          {preview.problems.length > 0 && (
            <>
              <h3>Problems</h3>
              <div class="table-wrap" tabIndex={0} role="region" aria-label="Table, scrolls sideways">
                <table class="problems">
                  <caption class="visually-hidden">Rows with problems</caption>
                  <thead>
                    <tr>
                      <th scope="col">Row</th>
                      <th scope="col">Email</th>
                      <th scope="col">Outcome</th>
                      <th scope="col">Field</th>
                      <th scope="col">Message</th>
                    </tr>
                  </thead>
                  <tbody>
                    {preview.problems.map((p) => (
                      <tr class={p.outcome === 'failed' ? 'outcome-failed' : 'outcome-warning'}>
                        <td>{p.row}</td>
                        <td>{showValue(p.email)}</td>
                        <td>{p.outcome}</td>
                        <td>{showValue(p.field)}</td>
                        <td class="detail">{showValue(p.message)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              {preview.truncated && <Alert kind="info">Only the first problems are listed.</Alert>}
            </>
          )}
          <div class="actions">
            <button type="button" class="primary" disabled={submit.busy} onClick={() => void send(false)}>
              Import {preview.create + preview.update} users
            </button>
          </div>
        </section>
      )}
    </>
  );
}
