import { chmodSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** ClientConfig is what `gatehouse login` keeps: the server and the token to use with it. */
export interface ClientConfig {
  url: string;
  token: string;
  username?: string;
}

/** Where the config file is: `$XDG_CONFIG_HOME/gatehouse/config.json`, else `~/.config/gatehouse/config.json`. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(homedir(), '.config');
  return join(base, 'gatehouse', 'config.json');
}

/** Reads the config file; undefined when there is none. A file others may read is refused, as ssh does. */
export function readConfig(env: NodeJS.ProcessEnv = process.env): ClientConfig | undefined {
  const path = configPath(env);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0) {
    throw new Error(`${path} is readable by others (mode ${(statSync(path).mode & 0o777).toString(8)}); run chmod 600 ${path} or gatehouse login again`);
  }
  const parsed = JSON.parse(text) as Partial<ClientConfig>;
  if (typeof parsed.url !== 'string' || typeof parsed.token !== 'string') throw new Error(`${path} has no url and token; run gatehouse login again`);
  return { url: parsed.url, token: parsed.token, ...(parsed.username ? { username: parsed.username } : {}) };
}

/** Writes the config file with mode 0600 (its folder 0700) and checks the mode took; returns the path. */
export function writeConfig(config: ClientConfig, env: NodeJS.ProcessEnv = process.env): string {
  const path = configPath(env);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // writeFileSync's mode applies only to a new file; chmod covers one that existed with looser bits.
  writeFileSync(path, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
  const mode = statSync(path).mode & 0o777;
  if (process.platform !== 'win32' && mode !== 0o600) {
    rmSync(path, { force: true });
    throw new Error(`could not make ${path} private (mode ${mode.toString(8)}); nothing was kept`);
  }
  return path;
}

/** Removes the config file; says whether there was one. */
export function removeConfig(env: NodeJS.ProcessEnv = process.env): boolean {
  const path = configPath(env);
  try {
    rmSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
