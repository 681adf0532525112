import { formatClientError, GatehouseClientError, graphql, resolveServer, type Server } from '../client/gatehouse-client';

/** Where a Gatehouse server is and how to authenticate to it (the shared client's Server). */
export type PolicyServer = Server;

/** Reads --url/--token, falling back to GATEHOUSE_URL/GATEHOUSE_TOKEN, then the saved `gatehouse login`, then the local default. */
export function policyServer(options: { url?: string; token?: string }, env: NodeJS.ProcessEnv = process.env): PolicyServer {
  return resolveServer(options, env);
}

// The policy commands talk to the server through the one shared client.
export { formatClientError, GatehouseClientError as PolicyClientError, graphql as policyGraphql };
