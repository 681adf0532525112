'use client';

/**
 * RouteError is every route's error boundary: what broke while rendering, and a way to try
 * again. API errors are shown in the page itself with their request id (see ApiErrorNotice);
 * this catches the rest, whose server-side details Next.js keeps in the server log under the digest.
 */
export function RouteError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <section className="card notice-error" role="alert">
      <h2>This page could not be shown</h2>
      <p>{error.message}</p>
      {error.digest ? (
        <p className="muted">
          Reference <code>{error.digest}</code> (in the portal&apos;s log).
        </p>
      ) : null}
      <button type="button" onClick={reset}>
        Try again
      </button>
    </section>
  );
}
