import { resolveServer } from '../client/gatehouse-client';

/** Where a Gatehouse server is and how to authenticate to it. */
export interface PolicyServer {
  url: string;
  token: string | undefined;
}

/** Reads --url/--token, falling back to GATEHOUSE_URL/GATEHOUSE_TOKEN, then the saved `gatehouse login`, then the local default. */
export function policyServer(options: { url?: string; token?: string }, env: NodeJS.ProcessEnv = process.env): PolicyServer {
  return resolveServer(options, env);
}

/** One GraphQL error as the server sent it. */
export interface ServerError {
  message: string;
  extensions?: { code?: string; problems?: { line: number | null; column: number | null; path: string; message: string }[]; [key: string]: unknown };
}

/** PolicyClientError is a failed call: the server's message and code, or why the server could not be reached. */
export class PolicyClientError extends Error {
  override name = 'PolicyClientError';

  constructor(
    message: string,
    readonly code: string,
    readonly errors: ServerError[] = [],
  ) {
    super(message);
  }
}

/** Runs one GraphQL operation against `${url}/graphql`; throws PolicyClientError with the server's message and code. */
export async function policyGraphql<T>(server: PolicyServer, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(server.token ? { authorization: `Bearer ${server.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
  } catch (error) {
    const cause = (error as Error).cause instanceof Error ? ((error as Error).cause as Error).message : (error as Error).message;
    throw new PolicyClientError(`cannot reach ${server.url}: ${cause}`, 'UNREACHABLE');
  }
  const body = (await response.json().catch(() => undefined)) as { data?: T; errors?: ServerError[] } | undefined;
  if (body?.errors?.length) {
    const [first] = body.errors;
    throw new PolicyClientError(first!.message, first!.extensions?.code ?? 'ERROR', body.errors);
  }
  if (!response.ok || !body?.data) throw new PolicyClientError(`${server.url}/graphql answered HTTP ${response.status}`, `HTTP_${response.status}`);
  return body.data;
}

/** An error as people read it: `CODE: message`, then each located problem on its own line. */
export function formatClientError(error: PolicyClientError): string {
  const lines = [`${error.code}: ${error.message}`];
  for (const extra of error.errors.slice(1)) lines.push(`${extra.extensions?.code ?? 'ERROR'}: ${extra.message}`);
  return `${lines.join('\n')}\n`;
}
