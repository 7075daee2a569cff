// Schema types
export type * from './tables/index.js';
export { CLOSED_TASK_STAGES } from './tables/tasks.table.js';

// Connection, dialect helpers, migrations
export { createDatabase, findRepoRoot, resolveSqlitePath, withStatementCache } from './database.js';
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
export type { DbOrTrx } from './executor.js';
export { inTransaction } from './executor.js';
export { GroupCommitter, groupCommitterOf, inGroupCommit, onGroupCommit } from './group-commit.js';
export type { GroupCommitOptions, GroupCommitStats } from './group-commit.js';
export { createMigrator, migrateToLatest, MigrationError, pendingMigrations } from './migrator.js';
export { migrations } from './migrations/index.js';
export { newId, nowIso, parseJson, toJson } from './ids.js';

// Audit hash chain
export {
  AUDIT_HASHED_FIELDS,
  GENESIS_HASH,
  appendAudit,
  canonicalAuditPayload,
  canonicalAuditPayloadReference,
  canonicalJson,
  computeAuditHash,
  databaseWritesAuditPayload,
  getAuditHead,
  iterateAudit,
  listAudit,
  verifyAuditChain,
} from './audit.js';
export type {
  AppendAuditOptions,
  AuditFilters,
  AuditHashedRow,
  AuditPage,
  AuditProblem,
  AuditRecordInput,
  VerifyAuditOptions,
  VerifyAuditResult,
} from './audit.js';

// Signed audit checkpoints (kept outside the database)
export {
  CHECKPOINT_VERSION,
  checkpointSigningPayload,
  createAuditCheckpoint,
  keyFingerprint,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpointSignature,
  verifyLogAgainstCheckpoint,
} from './checkpoint.js';
export type { AuditCheckpoint, CheckpointBody, CheckpointProblem, CheckpointVerdict, CheckpointVerifyOptions } from './checkpoint.js';
export {
  ARCHIVE_VERSION,
  buildArchive,
  checkArchiveFile,
  listArchiveRegister,
  manifestOf,
  onlineChainStart,
  recordsDigest,
  registerRow,
  verifyAuditHistory,
  verifyManifestSignature,
} from './audit-archive.js';
export type { ArchiveFile, ArchiveFileCheck, ArchiveManifest, HistoryProblem, HistoryVerdict } from './audit-archive.js';

// Repositories
export * from './repositories/units.js';
export * from './repositories/users.js';
export * from './repositories/sessions.js';
export * from './repositories/plans.js';
export * from './repositories/tasks.js';
export * from './repositories/task-facts.js';
export * from './repositories/submissions.js';
export * from './repositories/files.js';
export * from './repositories/progress-reports.js';
export * from './repositories/rectification-items.js';
export * from './repositories/ratings.js';
export * from './repositories/extension-requests.js';
export * from './repositories/stats.js';
export * from './repositories/supervision.js';
export * from './repositories/dashboard.js';
export * from './repositories/plan-stats.js';
export * from './repositories/rate-limits.js';

// Test support
export { ALL_DIALECTS, createTestDatabase, templateOf, testDialects, withAuditGuardsDropped } from './testing.js';
export type { TestDatabase, TestDatabaseTemplate } from './testing.js';

// Backup and restore (SQLite)
export { assertSqliteIntact, backupSqlite, restoreSqlite } from './backup.js';
