// Sign-in, accepting an invitation (its token in the URL fragment, never sent in a request line) and
// changing the password.
import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { Alert, Field, described, useSubmit } from '../components.tsx';
import type { Session } from '../types.ts';

export function SignIn(props: { message?: string | undefined; onSignedIn: (s: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = useSubmit();
  const onSubmit = (e: Event) => {
    e.preventDefault();
    void submit.run(async () => {
      props.onSignedIn(await api<Session>('POST', '/session', { email, password }, { expect401: true }));
    });
  };
  return (
    <main id="main" class="narrow">
      <h1>Sign in to Roster</h1>
      {props.message && !submit.error && <Alert kind="info">{props.message}</Alert>}
      {submit.alertFor(['email', 'password'])}
      <form onSubmit={onSubmit}>
        <Field id="email" label="Email" error={submit.fieldError('email')}>
          <input {...described('email', submit.fieldError('email'))} type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </Field>
        <Field id="password" label="Password" error={submit.fieldError('password')}>
          <input {...described('password', submit.fieldError('password'))} type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="primary" disabled={submit.busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}

export function AcceptInvitation(props: { onSignedIn: (s: Session) => void }) {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const [password, setPassword] = useState('');
  const [repeat, setRepeat] = useState('');
  const submit = useSubmit();
  const mismatch = repeat !== '' && repeat !== password ? 'The passwords differ.' : undefined;
  const onSubmit = (e: Event) => {
    e.preventDefault();
    if (mismatch) return;
    void submit.run(async () => {
      props.onSignedIn(await api<Session>('POST', '/invitations/accept', { token, password }, { expect401: true }));
    });
  };
  return (
    <main id="main" class="narrow">
      <h1>Accept your invitation</h1>
      {!token && <Alert>This link holds no invitation token. Open the exact link you were sent.</Alert>}
      {submit.alertFor(['password'])}
      <form onSubmit={onSubmit}>
        <Field id="new-password" label="Choose a password" error={submit.fieldError('password')} hint="At least 12 characters.">
          <input {...described('new-password', submit.fieldError('password'), true)} type="password" autocomplete="new-password" required minLength={12} value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </Field>
        <Field id="repeat-password" label="Repeat the password" error={mismatch}>
          <input {...described('repeat-password', mismatch)} type="password" autocomplete="new-password" required value={repeat} onInput={(e) => setRepeat(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="primary" disabled={submit.busy || !token}>
          Set password and sign in
        </button>
      </form>
    </main>
  );
}

export function ChangePassword() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const [done, setDone] = useState(false);
  const submit = useSubmit();
  const onSubmit = (e: Event) => {
    e.preventDefault();
    setDone(false);
    void submit.run(async () => {
      await api('POST', '/session/password', { currentPassword, newPassword }, { expect401: true });
      setCurrent('');
      setNew('');
      setDone(true);
    });
  };
  return (
    <>
      <h1>Change password</h1>
      {done && <Alert kind="success">Your password is changed.</Alert>}
      {submit.alertFor(['currentPassword', 'newPassword'])}
      <form onSubmit={onSubmit} class="narrow">
        <Field id="current-password" label="Current password" error={submit.fieldError('currentPassword')}>
          <input {...described('current-password', submit.fieldError('currentPassword'))} type="password" autocomplete="current-password" required value={currentPassword} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </Field>
        <Field id="changed-password" label="New password" error={submit.fieldError('newPassword')} hint="At least 12 characters.">
          <input {...described('changed-password', submit.fieldError('newPassword'), true)} type="password" autocomplete="new-password" required minLength={12} value={newPassword} onInput={(e) => setNew(e.currentTarget.value)} />
        </Field>
        <button type="submit" class="primary" disabled={submit.busy}>
          Change password
        </button>
      </form>
    </>
  );
}
