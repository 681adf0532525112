import { resolveServer } from '../client/gatehouse-client';

/** Where a Gatehouse server is and how to authenticate to it. */
export interface ServerOptions {
  url: string;
  token: string | undefined;
}

/** Reads --url/--token, falling back to GATEHOUSE_URL/GATEHOUSE_TOKEN, then the saved `gatehouse login`, then the local default. */
export function serverOptions(options: { url?: string; token?: string }, env: NodeJS.ProcessEnv = process.env): ServerOptions {
  return resolveServer(options, env);
}

/** AuditClientError is a failed call to the server, said in words. */
export class AuditClientError extends Error {
  override name = 'AuditClientError';
}

function headers(server: ServerOptions, extra: Record<string, string> = {}): Record<string, string> {
  return { ...extra, ...(server.token ? { authorization: `Bearer ${server.token}` } : {}) };
}

/** Runs one GraphQL operation against `${url}/graphql`; throws with the server's message on error. */
export async function graphql<T>(server: ServerOptions, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: headers(server, { 'content-type': 'application/json' }),
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    throw new AuditClientError(`cannot reach ${server.url}: ${(error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message}`);
  }
  const body = (await response.json().catch(() => undefined)) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] } | undefined;
  if (body?.errors?.length) {
    throw new AuditClientError(body.errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; '));
  }
  if (!response.ok || !body?.data) throw new AuditClientError(`${server.url}/graphql answered HTTP ${response.status}`);
  return body.data;
}

/** Opens `${url}/audit/export?...` and returns its body as a stream of bytes. */
export async function openExport(server: ServerOptions, query: URLSearchParams): Promise<ReadableStream<Uint8Array>> {
  let response: Response;
  try {
    response = await fetch(`${server.url}/audit/export?${query.toString()}`, { headers: headers(server) });
  } catch (error) {
    throw new AuditClientError(`cannot reach ${server.url}: ${(error as Error).message}`);
  }
  if (!response.ok || !response.body) {
    const text = await response.text().catch(() => '');
    throw new AuditClientError(`export failed with HTTP ${response.status}${text ? `: ${text.slice(0, 500)}` : ''}`);
  }
  return response.body;
}
