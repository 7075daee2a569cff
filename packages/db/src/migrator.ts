import { Migrator } from 'kysely';
import type { Kysely, MigrationProvider, MigrationResultSet } from 'kysely';
import { migrations } from './migrations/index.js';

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createMigrator(db: Kysely<any>): Migrator {
  return new Migrator({ db, provider });
}

export class MigrationError extends Error {
  constructor(
    message: string,
    readonly results: MigrationResultSet['results'],
    override readonly cause: unknown,
  ) {
    super(message, { cause });
    this.name = 'MigrationError';
  }
}

function describe(results: MigrationResultSet['results']): string {
  return (results ?? []).map((r) => `${r.migrationName}: ${r.status}`).join(', ');
}

/** Applies every pending migration; throws a MigrationError naming the failing migration. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function migrateToLatest(db: Kysely<any>): Promise<NonNullable<MigrationResultSet['results']>> {
  const { error, results } = await createMigrator(db).migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error !== undefined || failed !== undefined) {
    const cause = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      `migration failed${failed ? ` in ${failed.migrationName}` : ''}: ${cause} [${describe(results)}]`,
      results,
      error,
    );
  }
  return results ?? [];
}
