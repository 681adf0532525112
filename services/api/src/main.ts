import { ConfigError, loadConfig } from '@gatehouse/shared';
import { startServer } from './bootstrap/start-server';

/** Starts the Gatehouse API; stops cleanly on SIGTERM/SIGINT. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const say = (line: string) => process.stderr.write(`[gatehouse] ${line}\n`);
  const server = await startServer(config, say);
  say(`API ready: ${server.url}/graphql  (health ${server.url}/healthz, readiness ${server.url}/readyz)`);
  if (config.nodeEnv === 'development') say(`GraphiQL: ${server.url}/graphiql`);

  const shutdown = (signal: string) => {
    say(`${signal} received: finishing in-flight requests and stopping`);
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        say(`error while stopping: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`[gatehouse] failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
