// Building blocks every screen uses: fields with their API errors, alerts, dialogs that trap focus, the
// cursor pager, the job progress bar and the copy button.
import type { ComponentChildren, JSX } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api } from './api.ts';
import type { Job } from './types.ts';

export const formatTime = (iso: string | null | undefined) => (iso ? new Date(iso).toLocaleString() : '—');

/** A form's submission: while it runs, and what the API refused (field errors or an alert). */
export function useSubmit() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, 'internal', String(e)));
    } finally {
      setBusy(false);
    }
  };
  /** The alert for an error that names no field shown on this form. */
  const alertFor = (shownFields: string[]) =>
    error && !shownFields.some((f) => error.fields[f]) ? <Alert>{error.message}</Alert> : null;
  return { busy, error, run, alertFor, fieldError: (name: string) => error?.fields[name], clear: () => setError(null) };
}

export function Alert({ children, kind = 'error' }: { children: ComponentChildren; kind?: 'error' | 'info' | 'success' }) {
  return (
    <div class={`alert alert-${kind}`} role={kind === 'error' ? 'alert' : 'status'}>
      {children}
    </div>
  );
}

export function Field(props: { id: string; label: string; error?: string | undefined; hint?: string; children: ComponentChildren }) {
  return (
    <div class={`field${props.error ? ' field-invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`}>
          {props.error}
        </p>
      )}
    </div>
  );
}

/** aria attributes tying an input to its Field's hint and error. */
export const described = (id: string, error?: string, hint?: boolean) => {
  const ids = [hint && `${id}-hint`, error && `${id}-error`].filter(Boolean).join(' ');
  return { id, 'aria-invalid': error ? true : undefined, 'aria-describedby': ids || undefined };
};

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/** A modal dialog: focus moves in, Tab stays inside, Escape closes, focus goes back where it was. */
export function Dialog(props: { title: string; onClose: () => void; children: ComponentChildren }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const opener = document.activeElement as HTMLElement | null;
    const box = ref.current!;
    (box.querySelector<HTMLElement>('[autofocus]') ?? box.querySelector<HTMLElement>(FOCUSABLE) ?? box).focus();
    return () => opener?.focus?.();
  }, []);
  const onKeyDown = (e: JSX.TargetedKeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      props.onClose();
    } else if (e.key === 'Tab') {
      const items = Array.from(ref.current!.querySelectorAll<HTMLElement>(FOCUSABLE));
      const first = items[0];
      const last = items[items.length - 1];
      if (!first || !last) return e.preventDefault();
      if (e.shiftKey && document.activeElement === first) {
        e.preventDefault();
        last.focus();
      } else if (!e.shiftKey && document.activeElement === last) {
        e.preventDefault();
        first.focus();
      }
    }
  };
  return (
    <div class="backdrop">
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" ref={ref} tabIndex={-1} onKeyDown={onKeyDown}>
        <h2 id="dialog-title">{props.title}</h2>
        {props.children}
      </div>
    </div>
  );
}

/** "Are you sure?" before something that cannot be undone. */
export function Confirm(props: { title: string; confirmLabel: string; onConfirm: () => Promise<void>; onClose: () => void; children: ComponentChildren }) {
  const submit = useSubmit();
  return (
    <Dialog title={props.title} onClose={props.onClose}>
      {props.children}
      {submit.alertFor([])}
      <div class="actions">
        <button type="button" class="danger" disabled={submit.busy} onClick={() => submit.run(props.onConfirm)}>
          {props.confirmLabel}
        </button>
        <button type="button" autofocus onClick={props.onClose}>
          Cancel
        </button>
      </div>
    </Dialog>
  );
}

/** Cursor paging: the cursors of the pages before this one are kept, so Previous goes back exactly. */
export function useCursorPages(key: string) {
  const [stack, setStack] = useState<(string | null)[]>([null]);
  useEffect(() => setStack([null]), [key]);
  const cursor = stack[stack.length - 1] ?? null;
  return {
    cursor,
    page: stack.length,
    next: (nextCursor: string) => setStack([...stack, nextCursor]),
    previous: () => setStack(stack.slice(0, -1)),
  };
}

export function Pager(props: { pages: ReturnType<typeof useCursorPages>; nextCursor: string | null | undefined; label: string }) {
  const { pages, nextCursor } = props;
  return (
    <nav class="pager" aria-label={`${props.label} pages`}>
      <button type="button" disabled={pages.page === 1} onClick={pages.previous}>
        ← Previous
      </button>
      <span>Page {pages.page}</span>
      <button type="button" disabled={!nextCursor} onClick={() => nextCursor && pages.next(nextCursor)}>
        Next →
      </button>
    </nav>
  );
}

/** Loads data for a screen and reloads when `deps` change; `reload` after a change. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error) => live && setState({ error: error instanceof ApiError ? error : new ApiError(0, 'internal', String(error)), loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

export function Loading({ error, loading }: { error?: ApiError | undefined; loading: boolean }) {
  if (error) return <Alert>{error.message}</Alert>;
  return loading ? <p role="status">Loading…</p> : null;
}

/** A job's progress, read every half second until it ends. */
export function JobProgress(props: { jobId: string; label: string; onDone?: (job: Job) => void }) {
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    let timer: number | undefined;
    const poll = async () => {
      try {
        const j = await api<Job>('GET', `/jobs/${encodeURIComponent(props.jobId)}`);
        if (!live) return;
        setJob(j);
        if (j.status === 'queued' || j.status === 'running') timer = window.setTimeout(poll, 500);
        else props.onDone?.(j);
      } catch (e) {
        if (live) setError(e instanceof ApiError ? e.message : String(e));
      }
    };
    void poll();
    return () => {
      live = false;
      window.clearTimeout(timer);
    };
  }, [props.jobId]);
  if (error) return <Alert>{error}</Alert>;
  const total = job?.total ?? 0;
  const done = job?.done ?? 0;
  const finished = job?.status === 'done';
  const percent = finished ? 100 : total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <div class="job" data-status={job?.status ?? 'queued'}>
      <label for={`job-${props.jobId}`}>{props.label}</label>
      <progress id={`job-${props.jobId}`} max={100} value={percent}>
        {percent}%
      </progress>
      <p role="status" class="job-status">
        {!job && 'Waiting for the job…'}
        {job && job.status === 'queued' && 'Queued…'}
        {job && job.status === 'running' && `${done} of ${total || '?'} done (${percent}%)`}
        {job && job.status === 'done' && `Finished: ${done} of ${total} done.`}
        {job && job.status === 'failed' && `Failed: ${job.error ?? 'unknown error'}`}
        {job && job.status === 'cancelled' && 'Cancelled.'}
      </p>
    </div>
  );
}

export function CopyButton(props: { text: string; label: string }) {
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(props.text);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <>
      <button type="button" onClick={copy} aria-label={props.label}>
        Copy
      </button>
      <span role="status" class="copied">
        {copied ? 'Copied' : ''}
      </span>
    </>
  );
}

/** A value shown in a table cell: booleans, objects and empty values readable. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}
