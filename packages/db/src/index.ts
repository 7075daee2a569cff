export type * from './tables/index.js';
export { createDatabase, findRepoRoot, resolveSqlitePath } from './database.js';
export type { CreateDatabaseOptions, DatabaseHandle } from './database.js';
export {
  createAuditGuards,
  dialectOf,
  dropAuditGuards,
  escapeLike,
  isPostgresUrl,
  likeContains,
  sequenceColumn,
} from './dialect.js';
export type { DialectName } from './dialect.js';
export { createMigrator, migrateToLatest, MigrationError } from './migrator.js';
export { migrations } from './migrations/index.js';
export { newId, nowIso, parseJson, toJson, todayIso } from './ids.js';
