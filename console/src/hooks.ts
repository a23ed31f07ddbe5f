/** Data-loading hooks: one-shot loads and live polling that pauses while the tab is hidden. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, permissions, type Permissions, type QueueAction } from './api';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  /** Load again now. */
  reload: () => Promise<void>;
  /** Epoch ms of the last successful load. */
  at: number | undefined;
}

function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError('ClientError', e instanceof Error ? e.message : String(e), 0);
}

/**
 * Load `fn` now and again whenever `deps` change; with `intervalMs` > 0 also every interval (skipped
 * while the browser tab is hidden) and at once when the tab comes back into view. Keeps showing the last
 * data while a reload runs.
 */
export function usePolled<T>(fn: () => Promise<T>, deps: unknown[], intervalMs = 0): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const [at, setAt] = useState<number | undefined>(undefined);
  const fnRef = useRef(fn);
  fnRef.current = fn;
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const g = ++generation.current;
    setLoading(true);
    try {
      const d = await fnRef.current();
      if (g !== generation.current) return;
      setData(d);
      setError(undefined);
      setAt(Date.now());
    } catch (e) {
      if (g !== generation.current) return;
      setError(asApiError(e));
    } finally {
      if (g === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    setData(undefined);
    setError(undefined);
    void reload();
  }, deps);

  useEffect(() => {
    if (intervalMs <= 0) return;
    const t = window.setInterval(() => {
      if (document.visibilityState !== 'hidden') void reload();
    }, intervalMs);
    const onVisible = (): void => {
      if (document.visibilityState === 'visible') void reload();
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => {
      window.clearInterval(t);
      document.removeEventListener('visibilitychange', onVisible);
    };
  }, [intervalMs, ...deps]);

  return { data, error, loading, reload, at };
}

/** Run an action with a busy flag and its error kept for display. */
export function useAction<A extends unknown[], R>(fn: (...a: A) => Promise<R>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const run = useCallback(
    async (...a: A): Promise<R | undefined> => {
      setBusy(true);
      setError(undefined);
      try {
        return await fn(...a);
      } catch (e) {
        setError(asApiError(e));
        return undefined;
      } finally {
        setBusy(false);
      }
    },
    [fn],
  );
  return { run, busy, error, setError };
}

/** A value that only updates `delayMs` after the last change (filters typed into a field). */
export function useDebounced<T>(value: T, delayMs: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = window.setTimeout(() => setV(value), delayMs);
    return () => window.clearTimeout(t);
  }, [value, delayMs]);
  return v;
}

/** The current time, ticking every `ms` (for "3 s ago" labels). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = window.setInterval(() => setNow(Date.now()), ms);
    return () => window.clearInterval(t);
  }, [ms]);
  return now;
}

/** How often a page reads its permissions again: a policy changed by a reload (SIGHUP) shows without reloading the page. */
export const PERMISSIONS_REFRESH_MS = 15_000;

/**
 * What the session's key may do (GET /console/api/permissions), read when the page or queue changes,
 * every PERMISSIONS_REFRESH_MS while the tab is visible, and when the tab comes back into view
 * (usePolled). Until it answers — or when it cannot be read — nothing is withheld: every request is
 * authorized by the server anyway, and a refusal is shown where it happens. A failed re-read keeps the
 * last answer.
 */
export function usePermissions(queue?: string): Permissions | undefined {
  return usePolled(() => permissions(queue), [queue], PERMISSIONS_REFRESH_MS).data;
}

/** False only when the permissions say the key may not take `action` on the queue. */
export function mayOnQueue(p: Permissions | undefined, action: QueueAction): boolean {
  return p?.queue?.actions[action] !== false;
}
