/**
 * App-wide state: the session (who is signed in, read-only or not) and transient notifications.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Session } from './api';

export interface AppState {
  session: Session;
  /** Re-read the session (after login, logout, or a 401). */
  refreshSession: () => Promise<void>;
  notify: (n: Omit<Notice, 'id'>) => void;
}

export interface Notice {
  id: number;
  tone: 'success' | 'error' | 'info';
  text: string;
}

export const AppContext = createContext<AppState | null>(null);

export function useApp(): AppState {
  const s = useContext(AppContext);
  if (!s) throw new Error('useApp outside the app');
  return s;
}

/** True when the console may change things (not read-only). */
export function useCanChange(): boolean {
  return !useApp().session.readOnly;
}

/** Who a missing permission is about, for the notes beside withheld actions: "the access key AKIA…". */
export function useKeyName(): string {
  const { session } = useApp();
  return session.accessKeyId ? `the access key ${session.accessKeyId}` : 'this console’s identity';
}
