/**
 * Sign in with an access key id and secret (Ferry runs with --auth sigv4). The server keeps the
 * session; the secret is sent once over this request and never stored in the browser.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, login } from '../api';
import { Logo } from '../components/Logo';
import { Alert, Field } from '../components/ui';
import { useApp } from '../state';

export function LoginPage() {
  const { session, refreshSession } = useApp();
  const [keyId, setKeyId] = useState('');
  const [secret, setSecret] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>(undefined);
  const [touched, setTouched] = useState(false);
  const first = useRef<HTMLInputElement>(null);

  useEffect(() => {
    document.title = 'Sign in · Ferry';
    first.current?.focus();
  }, []);

  const submit = async (e: Event) => {
    e.preventDefault();
    setTouched(true);
    if (!keyId || !secret) return;
    setBusy(true);
    setError(undefined);
    try {
      await login(keyId.trim(), secret);
      await refreshSession();
    } catch (err) {
      if (err instanceof ApiError && err.code === 'InvalidCredentials') setError('The access key ID or the secret access key is not valid.');
      else if (err instanceof ApiError && err.status === 429) setError('Too many sign-in attempts. Wait a moment and try again.');
      else setError(err instanceof Error ? err.message : String(err));
      // The refused secret is cleared; the banner says why, so no "required" message under the field.
      setSecret('');
      setTouched(false);
      setBusy(false);
    }
  };

  return (
    <div class="login">
      <main class="login__card">
        <div class="login__brand">
          <Logo />
          <span>Ferry</span>
        </div>
        <h1 class="login__title">Sign in to the console</h1>
        <p class="login__lead">
          This Ferry checks AWS Signature Version 4. Sign in with one of its access keys; the console then acts with that key’s permissions.
        </p>
        {error && <Alert tone="error" title={error} />}
        <form onSubmit={submit} noValidate>
          <Field label="Access key ID" error={touched && !keyId ? 'Enter your access key ID.' : undefined}>
            {(a) => (
              <input
                {...a}
                ref={first}
                class="input"
                autocomplete="username"
                spellcheck={false}
                value={keyId}
                onInput={(e) => setKeyId(e.currentTarget.value)}
              />
            )}
          </Field>
          <Field label="Secret access key" error={touched && !secret ? 'Enter the secret access key.' : undefined}>
            {(a) => (
              <input
                {...a}
                class="input"
                type="password"
                autocomplete="current-password"
                value={secret}
                onInput={(e) => setSecret(e.currentTarget.value)}
              />
            )}
          </Field>
          <button type="submit" class="button button--primary button--block" disabled={busy}>
            {busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
        <p class="login__foot">
          {session.region} · account {session.accountId} · Ferry {session.version}
        </p>
      </main>
    </div>
  );
}
