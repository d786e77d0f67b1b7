export type { StoreErrorCode, StoreErrorOptions } from './errors';
export { isStoreError, StoreError, toStoreError } from './errors';
export type { MigrateOptions } from './migrate';
export { defaultMigrationsDir, MIGRATIONS_TABLE, migrate } from './migrate';
export type { PgliteDatabaseOptions } from './pglite';
export { createPgliteDatabase } from './pglite';
export type { PostgresDatabaseOptions } from './postgres';
export { createPostgresDatabase } from './postgres';
export type { SqlDatabase, SqlExecutor, SqlResult, SqlRow, StoreErrorHandler } from './sql';
