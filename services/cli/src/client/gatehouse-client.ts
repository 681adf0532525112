import { readConfig } from './client-config';

/** Server is where a Gatehouse API is and the token to send it. */
export interface Server {
  url: string;
  token: string | undefined;
}

/** Flags every server-talking command accepts. */
export interface ServerFlags {
  url?: string;
  token?: string;
}

const DEFAULT_URL = 'http://127.0.0.1:4000';

/**
 * Resolves the server: each of url and token comes from the flag, else GATEHOUSE_URL /
 * GATEHOUSE_TOKEN, else the file `gatehouse login` wrote. The saved token is used only with
 * the saved url, so a token never travels to a server it was not issued for.
 */
export function resolveServer(flags: ServerFlags, env: NodeJS.ProcessEnv = process.env): Server {
  const explicitUrl = flags.url ?? env.GATEHOUSE_URL;
  const explicitToken = flags.token ?? env.GATEHOUSE_TOKEN;
  const saved = explicitUrl !== undefined && explicitToken !== undefined ? undefined : readConfig(env);
  const url = trimUrl(explicitUrl ?? saved?.url ?? DEFAULT_URL);
  const savedToken = saved && trimUrl(saved.url) === url ? saved.token : undefined;
  return { url, token: explicitToken ?? savedToken };
}

function trimUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/** One GraphQL error as the server sent it. */
export interface ServerError {
  message: string;
  extensions?: { code?: string; requestId?: string; [key: string]: unknown };
}

/** GatehouseClientError is a failed call: the server's message, code and request id, or why it could not be reached. */
export class GatehouseClientError extends Error {
  override name = 'GatehouseClientError';

  constructor(
    message: string,
    readonly code: string,
    readonly requestId: string | undefined = undefined,
    readonly errors: ServerError[] = [],
  ) {
    super(message);
  }
}

/** Runs one GraphQL operation against `${url}/graphql`; throws GatehouseClientError on any failure. */
export async function graphql<T>(server: Server, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(server.token ? { authorization: `Bearer ${server.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    throw new GatehouseClientError(`cannot reach ${server.url}: ${cause}`, 'UNREACHABLE');
  }
  const headerId = response.headers.get('x-request-id') ?? undefined;
  const body = (await response.json().catch(() => undefined)) as { data?: T | null; errors?: ServerError[] } | undefined;
  if (body?.errors?.length) {
    const [first] = body.errors;
    const requestId = typeof first!.extensions?.requestId === 'string' ? first!.extensions.requestId : headerId;
    throw new GatehouseClientError(first!.message, first!.extensions?.code ?? 'ERROR', requestId, body.errors);
  }
  if (!response.ok || !body?.data) throw new GatehouseClientError(`${server.url}/graphql answered HTTP ${response.status}`, `HTTP_${response.status}`, headerId);
  return body.data;
}

/** An error as people read it: `CODE: message (request id)`, then any further errors one a line. */
export function formatClientError(error: GatehouseClientError): string {
  const lines = [`${error.code}: ${error.message}${error.requestId ? ` (request ${error.requestId})` : ''}`];
  for (const extra of error.errors.slice(1)) lines.push(`${extra.extensions?.code ?? 'ERROR'}: ${extra.message}`);
  return `${lines.join('\n')}\n`;
}
