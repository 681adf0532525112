/** ApiProblem is an API error as the portal shows it: the message, its code and the request id to quote. */
export interface ApiProblem {
  message: string;
  code?: string;
  reason?: string;
  requestId?: string;
}

/** ApiErrorNotice shows an API error where the data would have been, with the request id to quote. */
export function ApiErrorNotice({ error, title = 'The API refused this request' }: { error: ApiProblem; title?: string }) {
  return (
    <section className="card notice-error" role="alert" data-testid="api-error">
      <h2>{title}</h2>
      <p>{error.message}</p>
      <p className="muted">
        {error.code ? (
          <>
            Code <code>{error.code}</code>
            {error.reason ? (
              <>
                {' '}
                (<code>{error.reason}</code>)
              </>
            ) : null}
            .{' '}
          </>
        ) : null}
        {error.requestId ? (
          <>
            Request id <code data-testid="request-id">{error.requestId}</code>
          </>
        ) : null}
      </p>
    </section>
  );
}
