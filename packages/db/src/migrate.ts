/**
 * Runs every pending migration against DATABASE_URL (or data/app.db) and exits non-zero on error.
 *   pnpm --filter @duban/db migrate      (runs `tsx src/migrate.ts`)
 */
import { pathToFileURL } from 'node:url';
import { createDatabase } from './database.js';
import { readDbEnv } from './env.js';
import { migrateToLatest } from './migrator.js';

export async function runMigrations(url: string | undefined = readDbEnv().databaseUrl): Promise<number> {
  const { db, dialect, close } = createDatabase({ url });
  try {
    const results = await migrateToLatest(db);
    for (const r of results) console.warn(`[${dialect}] ${r.migrationName}: ${r.status}`);
    if (results.length === 0) console.warn(`[${dialect}] already up to date`);
    return 0;
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    return 1;
  } finally {
    await close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMigrations().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
