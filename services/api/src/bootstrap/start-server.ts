import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IdentityBootstrap } from '@gatehouse/identity';
import { DemoPromotions, DemoSeeder } from '@gatehouse/pipelines';
import { runMigrations, type Config } from '@gatehouse/shared';
import { allMigrations } from '../migrations';
import { createApp, drainHttp } from './create-app';
import { resolveDatabase } from './database';

/** RunningServer is a started API: where it listens and how to stop it cleanly. */
export interface RunningServer {
  app: NestFastifyApplication;
  url: string;
  databaseUrl: string;
  embedded: boolean;
  stop(): Promise<void>;
}

/** The whole start path: database (embedded or given), migrations, the app, demo data, listening. */
export async function startServer(config: Config, log: (line: string) => void = () => undefined): Promise<RunningServer> {
  const database = await resolveDatabase(config, log);
  try {
    const ran = await runMigrations(database.url, allMigrations);
    if (ran.length > 0) log(`Applied ${ran.length} migration(s): ${ran.join(', ')}`);
    const app = await createApp(config, database.url);
    const bootstrap = await app.get(IdentityBootstrap).ensureAdmin();
    if (bootstrap?.generated) {
      log('First start: created the user "admin" with this API token. It is shown once; store it now:');
      log(`  ${bootstrap.token}`);
    } else if (bootstrap) {
      log('First start: created the user "admin" with the API token from GATEHOUSE_BOOTSTRAP_TOKEN');
    }
    const seedDemo = config.demoData === 'true' || (config.demoData === 'auto' && database.embedded);
    if (seedDemo) {
      await app.get(IdentityBootstrap).seedDemoUsers();
      if (await app.get(DemoSeeder).seedIfEmpty()) {
        await app.get(DemoPromotions).seed();
        log('Seeded the demo bank on an empty database');
      }
      log('Demo users (demo only, password "gatehouse-demo"): admin, viewer, dev, policy, auditor, emergency, lead-1, lead-2, cab-chair');
    }
    await app.listen({ port: config.port, host: config.host });
    const address = app.getHttpAdapter().getInstance().server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    let stopped: Promise<void> | undefined;
    return {
      app,
      url: `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${port}`,
      databaseUrl: database.url,
      embedded: database.embedded,
      // In flight requests finish first, then the shutdown hooks run: the audit sealer (if this
      // process is the leader) seals every committed event and signs the head before the pool closes.
      stop: () =>
        (stopped ??= (async () => {
          try {
            await drainHttp(app);
          } finally {
            try {
              await app.close();
            } finally {
              await database.stop();
            }
          }
        })()),
    };
  } catch (error) {
    await database.stop();
    throw error;
  }
}
