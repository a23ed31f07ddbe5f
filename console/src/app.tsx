/**
 * The shell: reads the session, shows the login page when Ferry asks for credentials, otherwise the
 * header (identity, read-only notice, sign out) and the page the URL names.
 */
import { useCallback, useEffect, useErrorBoundary, useRef, useState } from 'preact/hooks';
import { ApiError, getSession, logout, onSessionLost, type Session } from './api';
import type { ComponentChildren } from 'preact';
import { Logo } from './components/Logo';
import { Alert, Icon, Spinner } from './components/ui';
import { LoginPage } from './pages/LoginPage';
import { QueueFormPage } from './pages/QueueFormPage';
import { QueuePage } from './pages/QueuePage';
import { QueuesPage } from './pages/QueuesPage';
import { SendReceivePage } from './pages/SendReceivePage';
import { href, linkClick, navigate, useLocation } from './router';
import { AppContext, type AppState, type Notice } from './state';

export function App() {
  const [session, setSession] = useState<Session | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const [notices, setNotices] = useState<Notice[]>([]);
  const nextId = useRef(1);

  const refreshSession = useCallback(async () => {
    try {
      setSession(await getSession());
      setError(undefined);
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('ClientError', String(e), 0));
    }
  }, []);

  useEffect(() => {
    onSessionLost(() => void refreshSession());
    void refreshSession();
  }, [refreshSession]);

  const notify = useCallback((n: Omit<Notice, 'id'>) => {
    const id = nextId.current++;
    setNotices((list) => [...list.slice(-3), { ...n, id }]);
    window.setTimeout(() => setNotices((list) => list.filter((x) => x.id !== id)), n.tone === 'error' ? 10_000 : 5_000);
  }, []);

  if (!session) {
    return (
      <div class="boot">
        {error ? (
          <Alert tone="error" title="The console could not start">
            {error.message}{' '}
            <button type="button" class="link-button" onClick={() => void refreshSession()}>
              Try again
            </button>
          </Alert>
        ) : (
          <Spinner label="Loading the console" />
        )}
      </div>
    );
  }

  const state: AppState = { session, refreshSession, notify };
  return (
    <AppContext.Provider value={state}>
      {session.auth === 'sigv4' && !session.authenticated ? <LoginPage /> : <Shell />}
      <div class="toasts" role="status" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} class={`toast toast--${n.tone}`}>
            <Icon name={n.tone === 'success' ? 'check' : n.tone === 'error' ? 'error' : 'info'} />
            <span>{n.text}</span>
            <button
              type="button"
              class="icon-button icon-button--small"
              aria-label="Dismiss notification"
              onClick={() => setNotices((l) => l.filter((x) => x.id !== n.id))}
            >
              <Icon name="close" />
            </button>
          </div>
        ))}
      </div>
    </AppContext.Provider>
  );
}

function Shell() {
  const loc = useLocation();
  // After an in-app navigation, focus goes to the new page (as a page load would put it at the top),
  // so keyboard and screen-reader users start there instead of on a link that no longer exists.
  const firstPath = useRef(loc.path);
  useEffect(() => {
    if (loc.path === firstPath.current) return;
    firstPath.current = '';
    document.getElementById('main')?.focus({ preventScroll: true });
  }, [loc.path]);
  return (
    <AppContext.Consumer>
      {(s) => {
        const { session } = s!;
        return (
          <>
            <a class="skip-link" href="#main">
              Skip to content
            </a>
            <header class="topbar">
              <a class="topbar__brand" href={href('/')} onClick={linkClick('/')}>
                <Logo />
                <span class="topbar__name">Ferry</span>
                <span class="topbar__product">SQS console</span>
              </a>
              <nav class="topbar__nav" aria-label="Main">
                <a href={href('/')} onClick={linkClick('/')} aria-current={loc.path === '/' || loc.path.startsWith('/queues') ? 'page' : undefined}>
                  Queues
                </a>
              </nav>
              <div class="topbar__meta">
                <span class="topbar__region" title="Region and account">
                  {session.region} · {session.accountId}
                </span>
                {session.readOnly && (
                  <span class="badge badge--readonly" title="This console shows queues and messages but changes nothing">
                    <Icon name="lock" size={12} /> Read-only
                  </span>
                )}
                {session.auth === 'sigv4' && session.accessKeyId && <SignOut keyId={session.accessKeyId} />}
              </div>
            </header>
            {session.readOnly && (
              <div class="readonly-banner" role="note">
                <Icon name="eye" />
                <span>
                  <strong>Read-only console.</strong> You can look at queues and messages, but nothing can be created, sent, changed or deleted here.
                </span>
              </div>
            )}
            <main id="main" class="main" tabIndex={-1}>
              <PageBoundary key={loc.path}>
                <Route path={loc.path} query={loc.query} />
              </PageBoundary>
            </main>
            <footer class="footer">
              Ferry {session.version} · SQS endpoint <span class="mono">{window.location.origin}</span> · region {session.region}
            </footer>
          </>
        );
      }}
    </AppContext.Consumer>
  );
}

/** A page that fails to render shows what failed instead of a blank screen; the rest of the app stays. */
function PageBoundary({ children }: { children: ComponentChildren }) {
  const [error, reset] = useErrorBoundary();
  if (error) {
    return (
      <Alert tone="error" title="This page failed to show">
        {error instanceof Error ? error.message : String(error)}{' '}
        <button type="button" class="link-button" onClick={reset}>
          Try again
        </button>
      </Alert>
    );
  }
  return <>{children}</>;
}

function SignOut({ keyId }: { keyId: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <AppContext.Consumer>
      {(s) => (
        <span class="topbar__user">
          <span class="topbar__key" title={`Signed in with the access key ${keyId}`}>
            {keyId}
          </span>
          <button
            type="button"
            class="button button--ghost-dark button--small"
            disabled={busy}
            onClick={async () => {
              setBusy(true);
              try {
                await logout();
              } catch {
                /* the session may be gone already */
              }
              navigate('/', true);
              await s!.refreshSession();
              setBusy(false);
            }}
          >
            <Icon name="logout" /> Sign out
          </button>
        </span>
      )}
    </AppContext.Consumer>
  );
}

function Route({ path, query }: { path: string; query: URLSearchParams }) {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'queues')) return <QueuesPage />;
  if (parts.length === 1 && parts[0] === 'create-queue') return <QueueFormPage mode="create" />;
  if (parts[0] === 'queues' && parts[1]) {
    const name = parts[1];
    if (parts.length === 2) return <QueuePage key={name} name={name} tab={query.get('tab') ?? 'browse'} />;
    if (parts.length === 3 && parts[2] === 'edit') return <QueueFormPage key={name} mode="edit" name={name} />;
    if (parts.length === 3 && parts[2] === 'send-receive') return <SendReceivePage key={name} name={name} />;
  }
  return (
    <div class="page">
      <h1 class="page__title">Page not found</h1>
      <p>
        There is nothing at this address.{' '}
        <a href={href('/')} onClick={linkClick('/')}>
          Go to the queues
        </a>
        .
      </p>
    </div>
  );
}
