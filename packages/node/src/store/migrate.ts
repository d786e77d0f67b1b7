import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isStoreError, StoreError } from './errors';
import type { SqlDatabase } from './sql';

/** Options of {@link migrate}. */
export interface MigrateOptions {
  /**
   * The directory of versioned postgrator files (`001.do.init.sql`, …). Default: the migrations that
   * ship with this package.
   */
  migrationsDir?: string;
}

/** The table recording applied migrations, in the current schema; named so it never meets another app's. */
export const MIGRATIONS_TABLE = 'tierdesk_migrations';

// pg_advisory_xact_lock key: the bytes of "tierdesk" as a bigint. Every Tierdesk instance uses it, so
// instances starting together against one database take turns instead of migrating twice.
const MIGRATION_LOCK_KEY = '8388347322939306859';

// The source file lives in src/store/ next to migrations/; the bundle lives in dist/ next to the
// migrations the build copies to dist/migrations. The CJS bundle has __dirname and an empty
// import.meta (esbuild), ESM has import.meta.url and no __dirname, hence the order of the checks.
function moduleDirectory(): string {
  return typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
}

/** The directory of the SQL migrations shipped with the package, in source and in the build. */
export function defaultMigrationsDir(): string {
  return join(moduleDirectory(), 'migrations');
}

/**
 * Brings the database schema up to the newest versioned migration with postgrator and returns the
 * versions applied now (empty when it was already current). Safe to call on every start.
 *
 * The whole run is one transaction on one connection: either every pending migration and its record
 * in {@link MIGRATIONS_TABLE} land, or none does. On PostgreSQL that transaction first takes a
 * transaction-scoped advisory lock, held on that same connection until COMMIT, so several instances
 * starting at once run the migrations exactly once; the others wait, then find nothing to do. PGlite
 * has a single connection and needs no lock. The schema never moves down: an older instance starting
 * against a newer schema (a rolling deploy) leaves it alone rather than running undo scripts.
 *
 * Failures reject with a StoreError: `unavailable` when the database cannot be reached, otherwise
 * `migration` (the SQLSTATE of a failing statement is kept).
 */
export async function migrate(db: SqlDatabase, options: MigrateOptions = {}): Promise<number[]> {
  const migrationsDir = options.migrationsDir ?? defaultMigrationsDir();
  if (!existsSync(migrationsDir)) {
    throw new StoreError('migration', `The migrations directory ${migrationsDir} does not exist.`);
  }
  // postgrator is ESM-only; a dynamic import loads it from the CJS build too, and only when migrating.
  const { default: Postgrator } = await import('postgrator');
  let current: string | undefined;
  try {
    return await db.transaction(async (tx) => {
      if (db.kind === 'postgres') await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
      const { rows } = await tx.query<{ schema: string | null }>('SELECT current_schema() AS schema');
      const schema = rows[0]?.schema;
      if (schema === null || schema === undefined) {
        throw new StoreError('migration', 'The search_path names no existing schema to migrate.');
      }
      const postgrator = new Postgrator({
        driver: 'pg',
        // Only SQL: a .js file in the directory must never be imported and run.
        migrationPattern: `${migrationsDir.replaceAll('\\', '/')}/*.sql`,
        // Qualified, because postgrator otherwise finds a same-named table in any schema of the database.
        schemaTable: `${schema}.${MIGRATIONS_TABLE}`,
        // A checkout that turned LF into CRLF (git on Windows) must not fail the checksum of an applied file.
        newline: 'LF',
        execQuery: (query) => tx.query(query),
      });
      postgrator.on('migration-started', (migration) => {
        current = migration.filename;
      });
      const databaseVersion = await postgrator.getDatabaseVersion();
      const newestVersion = await postgrator.getMaxVersion();
      // A directory without a single migration is a packaging or configuration mistake: "nothing to do"
      // would start a server on an empty schema.
      if (!Number.isFinite(newestVersion)) {
        throw new StoreError(
          'migration',
          `The migrations directory ${migrationsDir} holds no NNN.do.<name>.sql file.`,
        );
      }
      const target = Math.max(databaseVersion, newestVersion);
      const applied = await postgrator.migrate(String(target));
      return applied.map((migration) => migration.version);
    });
  } catch (error) {
    if (isStoreError(error) && (error.code === 'unavailable' || error.code === 'migration')) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    const where = current === undefined ? '' : ` in ${current}`;
    throw new StoreError('migration', `Migrating failed${where}: ${reason}`, {
      sqlState: isStoreError(error) ? error.sqlState : undefined,
      constraint: isStoreError(error) ? error.constraint : undefined,
      cause: error,
    });
  }
}
