// Who is signed in and which company the screens show, shared by the shell and every screen.
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Company, SessionUser } from './types.ts';

export interface SessionState {
  user: SessionUser;
  companies: Company[];
  /** Reloads the company list (after a create or a settings change). */
  reloadCompanies: () => void;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in screen');
  return s;
}

export const canWrite = (user: SessionUser) => user.role !== 'viewer';
