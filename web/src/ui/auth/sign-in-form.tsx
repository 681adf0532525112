'use client';

import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { callApi, describeError, rememberCsrfToken } from './graphql-client';

const LOGIN = `mutation SignIn($input: LoginInput!) { login(input: $input) { csrfToken user { username displayName } } }`;

/** SignInForm signs a person in with a local password; the session lives in an HTTP-only cookie. */
export function SignInForm({ ssoAvailable, returnTo }: { ssoAvailable: boolean; returnTo: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    const { data, error: apiError } = await callApi<{ login: { csrfToken: string } }>(LOGIN, {
      input: { username: String(form.get('username') ?? ''), password: String(form.get('password') ?? '') },
    });
    setBusy(false);
    if (apiError || !data) {
      setError(apiError ? describeError(apiError) : 'Sign-in failed.');
      return;
    }
    rememberCsrfToken(data.login.csrfToken);
    router.push(returnTo);
    router.refresh();
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in</h1>
      <p>
        <label htmlFor="username">Username</label>
        <br />
        <input id="username" name="username" autoComplete="username" required />
      </p>
      <p>
        <label htmlFor="password">Password</label>
        <br />
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </p>
      {error ? (
        <p className="status-bad" role="alert">
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      {ssoAvailable ? (
        <p>
          <a href={`/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`}>Sign in with single sign-on</a>
        </p>
      ) : null}
    </form>
  );
}
