// The admin UI: the session, the shell (header, company switcher, navigation) and the routes.
import './app.css';
import { render } from 'preact';
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, setCsrfToken, whenSessionEnds } from './api.ts';
import { Alert } from './components.tsx';
import { match, navigate, onLinkClick, useLocation } from './router.ts';
import { SessionContext, canWrite, type SessionState } from './session.tsx';
import type { Company, Session, SessionUser } from './types.ts';
import { AcceptInvitation, ChangePassword, SignIn } from './screens/SignIn.tsx';
import { Companies } from './screens/Companies.tsx';
import { TargetUsers } from './screens/TargetUsers.tsx';
import { TargetUserDetail } from './screens/TargetUserDetail.tsx';
import { CustomFields } from './screens/CustomFields.tsx';
import { GroupDetail, Groups } from './screens/Groups.tsx';
import { ScimSettings } from './screens/ScimSettings.tsx';
import { ScimWizard } from './screens/ScimWizard.tsx';
import { ScimSettingDetail } from './screens/ScimSettingDetail.tsx';
import { JobLog } from './screens/JobLog.tsx';
import { AuditLog } from './screens/AuditLog.tsx';
import { Import } from './screens/Import.tsx';
import { CompanySettings } from './screens/CompanySettings.tsx';
import { ApiKeys } from './screens/ApiKeys.tsx';
import { SystemUsers } from './screens/SystemUsers.tsx';

type Screen = (params: Record<string, string>) => ComponentChildren;
/** `writers`: a screen that only changes things (or lists what the API shows writers alone): a viewer is
 *  neither offered it nor shown it. */
type Route = [pattern: string, screen: Screen, access?: 'writers'];

/** Company-scoped screens, in the navigation's order where they have a nav entry. */
const routes: Route[] = [
  ['/companies', () => <Companies />],
  ['/companies/:id/target-users', (p) => <TargetUsers companyId={p.id!} />],
  ['/companies/:id/target-users/:userId', (p) => <TargetUserDetail companyId={p.id!} userId={p.userId!} />],
  ['/companies/:id/custom-fields', (p) => <CustomFields companyId={p.id!} />],
  ['/companies/:id/groups', (p) => <Groups companyId={p.id!} />],
  ['/companies/:id/groups/:groupId', (p) => <GroupDetail companyId={p.id!} groupId={p.groupId!} />],
  ['/companies/:id/import', (p) => <Import companyId={p.id!} />, 'writers'],
  ['/companies/:id/scim-settings', (p) => <ScimSettings companyId={p.id!} />],
  ['/companies/:id/scim-settings/new', (p) => <ScimWizard companyId={p.id!} />, 'writers'],
  ['/companies/:id/scim-settings/:settingId', (p) => <ScimSettingDetail companyId={p.id!} settingId={p.settingId!} />],
  ['/companies/:id/job-log', (p) => <JobLog companyId={p.id!} />],
  ['/companies/:id/audit-log', (p) => <AuditLog companyId={p.id!} />],
  ['/companies/:id/settings', (p) => <CompanySettings companyId={p.id!} />],
  ['/companies/:id/api-keys', (p) => <ApiKeys companyId={p.id!} />, 'writers'],
  ['/system-users', () => <SystemUsers />, 'writers'],
  ['/audit-log', () => <AuditLog companyId={null} />],
  ['/account', () => <ChangePassword />],
];

const companyNav: [string, string][] = [
  ['target-users', 'Target users'],
  ['groups', 'Groups'],
  ['custom-fields', 'Custom fields'],
  ['import', 'Import CSV'],
  ['scim-settings', 'SCIM settings'],
  ['job-log', 'Job log'],
  ['audit-log', 'Audit log'],
  ['settings', 'Company settings'],
  ['api-keys', 'API keys'],
];

function routeOf(path: string): { screen: Screen; params: Record<string, string>; writers: boolean } | undefined {
  for (const [pattern, screen, access] of routes) {
    const params = match(pattern, path);
    if (params) return { screen, params, writers: access === 'writers' };
  }
  return undefined;
}

/** Whether the user may open the screen at a path: a viewer's navigation leaves out what they cannot use. */
const mayOpen = (user: SessionUser, path: string) => canWrite(user) || !routeOf(path)?.writers;

const home = (user: SessionUser) => (user.role === 'operator' || !user.companyId ? '/companies' : `/companies/${user.companyId}/target-users`);

function Shell(props: { state: SessionState; path: string; children: ComponentChildren }) {
  const { user, companies } = props.state;
  // Off a company's screens (change password, system users) an admin's or viewer's navigation still shows
  // their company's screens.
  const companyId = /^\/companies\/([^/]+)/.exec(props.path)?.[1] ?? user.companyId ?? undefined;
  const section = /^\/companies\/[^/]+\/([^/]+)/.exec(props.path)?.[1];
  const link = (href: string, label: string, active: boolean) => (
    <li>
      <a href={href} aria-current={active ? 'page' : undefined}>
        {label}
      </a>
    </li>
  );
  return (
    <>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class="top">
        <a class="brand" href={home(user)}>
          Roster
        </a>
        {user.role === 'operator' && companies.length > 0 && (
          <div class="switcher">
            <label for="company-switcher">Company</label>
            <select
              id="company-switcher"
              value={companyId ?? ''}
              onChange={(e) => e.currentTarget.value && navigate(`/companies/${e.currentTarget.value}/${section ?? 'target-users'}`)}
            >
              <option value="">All companies</option>
              {companies.map((c) => (
                <option value={c.id}>{c.name}</option>
              ))}
            </select>
          </div>
        )}
        <div class="me">
          <span>
            {user.email} <span class="badge">{user.role}</span>
          </span>
          <a href="/account">Change password</a>
          <button type="button" onClick={() => void props.state.signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <div class="layout">
        <nav class="side" aria-label="Main">
          <ul>
            {user.role === 'operator' && link('/companies', 'Companies', props.path === '/companies')}
            {companyId &&
              companyNav
                .filter(([slug]) => mayOpen(user, `/companies/${companyId}/${slug}`))
                .map(([slug, label]) => link(`/companies/${companyId}/${slug}`, label, section === slug))}
            {mayOpen(user, '/system-users') && link('/system-users', 'System users', props.path === '/system-users')}
            {user.role === 'operator' && link('/audit-log', 'System audit log', props.path === '/audit-log')}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          {props.children}
        </main>
      </div>
    </>
  );
}

function App() {
  const location = useLocation();
  const [user, setUser] = useState<SessionUser | null | undefined>(undefined);
  const [companies, setCompanies] = useState<Company[]>([]);
  const [message, setMessage] = useState<string | undefined>();

  const loadCompanies = () =>
    api<{ items: Company[] }>('GET', '/companies').then(
      (r) => setCompanies(r.items),
      () => setCompanies([]),
    );
  const begin = (s: Session, next?: string) => {
    setCsrfToken(s.csrfToken);
    setUser(s.user);
    setMessage(undefined);
    void loadCompanies();
    navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : home(s.user), { replace: true });
  };

  useEffect(() => {
    whenSessionEnds(() => {
      setUser(null);
      setCsrfToken('');
      setMessage('Your session has ended. Sign in again to continue.');
      const here = window.location.pathname + window.location.search;
      navigate(`/sign-in?next=${encodeURIComponent(here)}`, { replace: true });
    });
    const open = location.path === '/sign-in' || location.path === '/accept-invitation';
    api<Session>('GET', '/session', undefined, { expect401: true }).then(
      (s) => {
        setCsrfToken(s.csrfToken);
        setUser(s.user);
        void loadCompanies();
        if (open || location.path === '/') navigate(home(s.user), { replace: true });
      },
      (e) => {
        setUser(null);
        if (!open) navigate(`/sign-in?next=${encodeURIComponent(location.path + window.location.search)}`, { replace: true });
        if (e instanceof ApiError && e.status !== 401) setMessage(e.message);
      },
    );
  }, []);

  useEffect(() => {
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [location.path]);

  if (user === undefined) return <p role="status">Loading…</p>;
  if (location.path === '/accept-invitation') return <AcceptInvitation onSignedIn={(s) => begin(s)} />;
  if (!user || location.path === '/sign-in')
    return <SignIn message={message} onSignedIn={(s) => begin(s, location.search.get('next') ?? undefined)} />;

  const state: SessionState = {
    user,
    companies,
    reloadCompanies: () => void loadCompanies(),
    signOut: async () => {
      try {
        await api('DELETE', '/session');
      } finally {
        setUser(null);
        setCsrfToken('');
        setMessage('You are signed out.');
        navigate('/sign-in', { replace: true });
      }
    },
  };
  const route = routeOf(location.path);
  if (location.path === '/' || location.path === '') {
    navigate(home(user), { replace: true });
  }
  return (
    <SessionContext.Provider value={state}>
      <Shell state={state} path={location.path}>
        {!route ? (
          <>
            <h1>Page not found</h1>
            <Alert>There is no screen at {location.path}.</Alert>
          </>
        ) : canWrite(user) || !route.writers ? (
          route.screen(route.params)
        ) : (
          <>
            <h1>Nothing to change here</h1>
            <Alert kind="info">You can read this company but not change it: your role is viewer. Ask an admin to make this change.</Alert>
          </>
        )}
      </Shell>
    </SessionContext.Provider>
  );
}

document.addEventListener('click', onLinkClick);
render(<App />, document.getElementById('app')!);
