// Client-side routing on real paths (the history API): the server answers index.html for every UI path, so
// a reload or a shared link opens the same screen.
import { useEffect, useState } from 'preact/hooks';

export interface Location {
  path: string;
  search: URLSearchParams;
  hash: string;
}

const current = (): Location => ({
  path: window.location.pathname,
  search: new URLSearchParams(window.location.search),
  hash: window.location.hash,
});

const listeners = new Set<() => void>();
window.addEventListener('popstate', () => listeners.forEach((l) => l()));

export function navigate(to: string, options: { replace?: boolean } = {}) {
  if (to === window.location.pathname + window.location.search + window.location.hash) return;
  if (options.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  listeners.forEach((l) => l());
}

/** Changes one query parameter of the current address in place (filters, the running job's id). */
export function setQueryParam(name: string, value: string | null) {
  const q = new URLSearchParams(window.location.search);
  if (value === null || value === '') q.delete(name);
  else q.set(name, value);
  const s = q.toString();
  navigate(window.location.pathname + (s ? `?${s}` : ''), { replace: true });
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    listeners.add(update);
    return () => void listeners.delete(update);
  }, []);
  return location;
}

/** Matches `/companies/:id/groups` against a path; the named parts decoded, or null. */
export function match(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/');
  const have = path.replace(/\/+$/, '').split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const w = want[i]!;
    const h = have[i]!;
    if (w.startsWith(':')) params[w.slice(1)] = decodeURIComponent(h);
    else if (w !== h) return null;
  }
  return params;
}

/** Internal links navigate without a page load; modified clicks (new tab) stay the browser's. */
export function onLinkClick(event: MouseEvent) {
  const a = (event.target as Element | null)?.closest?.('a');
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  if (a.target || a.hasAttribute('download') || a.origin !== window.location.origin || a.pathname.startsWith('/api/')) return;
  event.preventDefault();
  navigate(a.pathname + a.search + a.hash);
}
