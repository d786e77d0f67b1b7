import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import {
  createPgliteDatabase,
  createPostgresDatabase,
  MIGRATIONS_TABLE,
  migrate,
  type SqlDatabase,
} from '../../src/store';

/**
 * The PostgreSQL server the Postgres variants run on. CI (`.ci/run`) always sets it and fails when the
 * server is unreachable; without it the Postgres variants are reported as skipped, never as passed.
 */
export const TEST_DATABASE_URL = process.env.TIERDESK_TEST_DATABASE_URL;

/** The engines a store suite runs on. */
export type StoreKind = SqlDatabase['kind'];

/** What a store suite gets: the shared, migrated database of this file, emptied before each test. */
export interface StoreFixture {
  readonly kind: StoreKind;
  /** The database (valid from beforeAll to afterAll). */
  db(): SqlDatabase;
  /** Opens another connection to the same data (Postgres: same schema; PGlite: not possible → throws). */
  openAnother(): Promise<SqlDatabase>;
}

/** Empties every Tierdesk table of the database (keeps the schema and the applied migrations). */
export async function resetDatabase(db: SqlDatabase): Promise<void> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() AND tablename <> $1`,
    [MIGRATIONS_TABLE],
  );
  if (rows.length === 0) return;
  await db.query(`TRUNCATE ${rows.map((r) => `"${r.name}"`).join(', ')} RESTART IDENTITY CASCADE`);
}

/**
 * Runs `suite` once per engine: on PGlite (in memory) and on PostgreSQL (a fresh schema of its own, so
 * test files can run in parallel, dropped afterwards). One database per file, migrated once (PGlite takes
 * seconds to open), emptied before each test.
 */
export function describeStores(title: string, suite: (fixture: StoreFixture) => void): void {
  for (const kind of ['pglite', 'postgres'] as const) {
    const run = kind === 'postgres' && TEST_DATABASE_URL === undefined ? describe.skip : describe;
    run(`${title} [${kind}]`, () => {
      let db: SqlDatabase | undefined;
      const schema = `td_test_${randomBytes(6).toString('hex')}`;
      const others: SqlDatabase[] = [];
      const openAnother = async (): Promise<SqlDatabase> => {
        if (kind !== 'postgres' || TEST_DATABASE_URL === undefined) {
          throw new Error('PGlite has a single connection: there is no other one to open');
        }
        const other = await createPostgresDatabase({ connectionString: TEST_DATABASE_URL, schema, max: 4 });
        others.push(other);
        return other;
      };
      beforeAll(async () => {
        db =
          kind === 'pglite'
            ? await createPgliteDatabase()
            : await createPostgresDatabase({ connectionString: TEST_DATABASE_URL as string, schema, max: 6 });
        await migrate(db);
      }, 60_000);
      beforeEach(async () => {
        if (db) await resetDatabase(db);
      });
      afterAll(async () => {
        await Promise.all(others.map((o) => o.close()));
        if (db && kind === 'postgres') await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await db?.close();
      });
      suite({
        kind,
        db: () => {
          if (!db) throw new Error('the database is opened in beforeAll');
          return db;
        },
        openAnother,
      });
    });
  }
}
