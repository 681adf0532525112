import { configPath, removeConfig, writeConfig } from '../client/client-config';
import { guarded, printJson, UsageError, type CommandOutput } from '../client/command-output';
import { graphql, resolveServer, type Server, type ServerFlags } from '../client/gatehouse-client';

const ME = '{ me { username roles } }';

/** Me is who a token belongs to. */
export interface Me {
  username: string;
  roles: string[];
}

/** Options of `gatehouse login`; without a token, `readToken` supplies it (stdin in the CLI). */
export interface LoginOptions {
  url: string;
  token?: string;
  json?: boolean;
}

/** Checks the token against the server with `me`, then saves url and token (0600); nothing is saved when the check fails. */
export async function loginAction(options: LoginOptions, readToken: () => Promise<string>, output: CommandOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return guarded(output, options.json, async () => {
    const token = (options.token ?? (await readToken())).trim();
    if (!token) throw new UsageError('no token: pass --token or pipe it on stdin');
    const server: Server = { url: options.url.replace(/\/+$/, ''), token };
    const { me } = await graphql<{ me: Me }>(server, ME);
    const path = writeConfig({ url: server.url, token, username: me.username }, env);
    if (options.json) printJson(output, { url: server.url, username: me.username, roles: me.roles, config: path });
    else output.out(`Logged in to ${server.url} as ${me.username} (${me.roles.join(', ') || 'no roles'}); saved to ${path}\n`);
    return 0;
  });
}

/** Removes the saved login. */
export function logoutAction(options: { json?: boolean }, output: CommandOutput, env: NodeJS.ProcessEnv = process.env): number {
  const path = configPath(env);
  const removed = removeConfig(env);
  if (options.json) printJson(output, { removed, config: path });
  else output.out(removed ? `Logged out; removed ${path}\n` : `Not logged in (no ${path})\n`);
  return 0;
}

/** Says who the resolved server thinks you are. */
export async function whoamiAction(flags: ServerFlags & { json?: boolean }, output: CommandOutput, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return guarded(output, flags.json, async () => {
    const server = resolveServer(flags, env);
    const { me } = await graphql<{ me: Me }>(server, ME);
    if (flags.json) printJson(output, { url: server.url, ...me });
    else output.out(`${me.username} at ${server.url} (${me.roles.join(', ') || 'no roles'})\n`);
    return 0;
  });
}

/** Reads all of stdin (for `echo $TOKEN | gatehouse login --url ...`). */
export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  if ((stream as NodeJS.ReadStream).isTTY) throw new UsageError('no token: pass --token or pipe it on stdin');
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
