import { Migrator } from 'kysely';
import type { Kysely, MigrationProvider, MigrationResultSet } from 'kysely';
import { migrations } from './migrations/index.js';

const provider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function createMigrator(db: Kysely<any>): Migrator {
  // Migrations are named by lane (2026_12_04_01xx, 04xx, 06xx …) and land in any order: a database
  // that already ran a later-named one must still take an earlier-named one that arrived after it.
  return new Migrator({ db, provider, allowUnorderedMigrations: true });
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

/** Names of the migrations this code has that the database has not applied (none: the schema is current). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const infos = await createMigrator(db).getMigrations();
  return infos.filter((m) => m.executedAt === undefined).map((m) => m.name);
}
