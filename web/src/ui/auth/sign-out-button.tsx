'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { callApi, describeError, rememberCsrfToken } from './graphql-client';

/** SignOutButton ends the portal session. */
export function SignOutButton() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        onClick={async () => {
          const { error: apiError } = await callApi<{ logout: boolean }>('mutation { logout }');
          if (apiError) return setError(describeError(apiError));
          rememberCsrfToken(null);
          router.push('/sign-in');
          router.refresh();
        }}
      >
        Sign out
      </button>
      {error ? <span role="alert"> {error}</span> : null}
    </>
  );
}
