/**
 * @endure/server — public entry point.
 *
 * Starts a Temporal-compatible server (gRPC WorkflowService) backed by an
 * embedded SQLite file, a PostgreSQL database (`store: 'postgres'`), or memory (`store: 'memory'`). See docs/architecture.md for how the parts fit.
 */
export { EndureServer } from './server.js';
export { DatabaseInUseError } from './persistence/sqlite/exclusive-lock.js';
export type { EndureServerOptions, Limits, LogFormat, LogLevel, StoreKind } from './config.js';
export { LIMIT_BY_TEMPORAL_NAME, limitsFromTemporalNames } from './config.js';
export type { AdvanceableClock, Clock } from './common/clock.js';
export { TimeSkippingClock } from './common/time-skipping-clock.js';
export type { TimeSkipper } from './timers/time-skipper.js';
export { migratePostgresSchema } from './persistence/postgres/migrate-schema.js';
export { MigrateDataError, migrateData } from './persistence/migrate-data.js';
export type { MigrateDataOptions, MigrateDataSummary, MigratedTable } from './persistence/migrate-data.js';
export { SqliteBackupError, backupSqliteDatabase } from './persistence/sqlite/backup.js';
export type { SqliteBackupOptions, SqliteBackupProgress, SqliteBackupSummary } from './persistence/sqlite/backup.js';
