import { ConfigError, loadConfig, revertMigrations, runMigrations } from '@gatehouse/shared';
import { resolveDatabase } from './bootstrap/database';
import { allMigrations } from './migrations';

/** `npm run migrate [-- --down N]`: applies (or reverts the last N) migrations of every service. */
async function migrate(): Promise<void> {
  const config = loadConfig();
  const say = (line: string) => process.stderr.write(`[gatehouse] ${line}\n`);
  const database = await resolveDatabase(config, say);
  try {
    const down = process.argv.indexOf('--down');
    if (down >= 0) {
      const count = Number(process.argv[down + 1] ?? 1);
      await revertMigrations(database.url, allMigrations, count);
      say(`Reverted ${count} migration(s)`);
    } else {
      const ran = await runMigrations(database.url, allMigrations);
      say(ran.length ? `Applied: ${ran.join(', ')}` : 'Nothing to apply: the database is up to date');
    }
  } finally {
    await database.stop();
  }
}

migrate().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? '' : '[gatehouse] migration failed: '}${(error as Error).message}\n`);
  process.exit(1);
});
