import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '../../tests/support/databases';
import { takeTicketNumber } from '../tickets/ticket.store';
import {
  createPgliteDatabase,
  createPostgresDatabase,
  defaultMigrationsDir,
  isStoreError,
  MIGRATIONS_TABLE,
  migrate,
  type SqlDatabase,
  type StoreError,
} from './index';

const temporaryDirs: string[] = [];
afterAll(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temporary directory holding the given files. */
function directoryWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'td-migrations-'));
  temporaryDirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** The versions of the `do` migrations shipped with the package, ascending. */
function shippedVersions(): number[] {
  return readdirSync(defaultMigrationsDir())
    .flatMap((name) => /^(\d+)\.do\.[^.]+\.sql$/.exec(name)?.[1] ?? [])
    .map(Number)
    .sort((a, b) => a - b);
}

async function rejectionOf(promise: Promise<unknown>): Promise<StoreError> {
  try {
    await promise;
  } catch (error) {
    expect(isStoreError(error), `expected a StoreError, got ${String(error)}`).toBe(true);
    return error as StoreError;
  }
  throw new Error('expected a rejection, but the promise fulfilled');
}

async function tableNames(db: SqlDatabase): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename',
  );
  return rows.map((row) => row.name);
}

async function appliedVersions(db: SqlDatabase): Promise<number[]> {
  const { rows } = await db.query<{ version: number }>(
    `SELECT version FROM ${MIGRATIONS_TABLE} WHERE version > 0 ORDER BY version`,
  );
  return rows.map((row) => row.version);
}

const engines = ['pglite', 'postgres'] as const;

// One PGlite for the whole file (opening one takes seconds); each test gets a schema of its own.
let sharedPglite: Promise<SqlDatabase> | undefined;
beforeAll(async () => {
  sharedPglite = createPgliteDatabase();
  await sharedPglite;
}, 60_000);
afterAll(async () => {
  await (await sharedPglite)?.close();
});

/**
 * Runs `fn` on an empty schema made the current one: in a shared in-memory PGlite, or on PostgreSQL
 * through a new pool (`open()` opens another instance on the same schema). Dropped afterwards.
 */
async function withFreshDatabase(
  kind: (typeof engines)[number],
  fn: (db: SqlDatabase, open: () => Promise<SqlDatabase>) => Promise<void>,
): Promise<void> {
  const schema = `td_migrate_${randomBytes(6).toString('hex')}`;
  if (kind === 'pglite') {
    if (sharedPglite === undefined) throw new Error('the shared PGlite is opened in beforeAll');
    const db = await sharedPglite;
    // PGlite has one session, so the search_path is the whole database's until reset.
    await db.query(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}"`);
    try {
      await fn(db, () => Promise.reject(new Error('PGlite has a single connection')));
    } finally {
      await db.query(`RESET search_path; DROP SCHEMA "${schema}" CASCADE`);
    }
    return;
  }
  const opened: SqlDatabase[] = [];
  const open = async () => {
    const db = await createPostgresDatabase({
      connectionString: TEST_DATABASE_URL as string,
      schema,
      max: 2,
    });
    opened.push(db);
    return db;
  };
  const db = await open();
  try {
    await fn(db, open);
  } finally {
    const cleaner = await open();
    await cleaner.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await Promise.all(opened.map((each) => each.close()));
  }
}

describe('defaultMigrationsDir', () => {
  it('points at the shipped SQL files, starting with 001.do.init.sql', () => {
    const dir = defaultMigrationsDir();
    expect(existsSync(join(dir, '001.do.init.sql'))).toBe(true);
    expect(shippedVersions()[0]).toBe(1);
  });
});

for (const kind of engines) {
  const run = kind === 'postgres' && TEST_DATABASE_URL === undefined ? describe.skip : describe;

  run(`migrate [${kind}]`, () => {
    it('applies every shipped migration to a fresh database, then nothing (idempotent)', async () => {
      await withFreshDatabase(kind, async (db) => {
        const versions = shippedVersions();
        expect(await migrate(db)).toEqual(versions);
        expect(await appliedVersions(db)).toEqual(versions);
        expect(await tableNames(db)).toEqual(
          expect.arrayContaining(['workspaces', 'tickets', 'outbox', 'timers']),
        );
        expect(await migrate(db)).toEqual([]);
        expect(await appliedVersions(db)).toEqual(versions);
      });
    });

    it('keeps the article search index without a pending list, so bulk-added articles are searched through it', async () => {
      await withFreshDatabase(kind, async (db) => {
        await migrate(db);
        const { rows } = await db.query<{ options: string[] | null }>(
          `SELECT reloptions AS options FROM pg_class WHERE relname = 'articles_search'
              AND relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`,
        );
        expect(rows).toEqual([{ options: ['fastupdate=off'] }]);
      });
    });

    it('numbers tickets from a sequence per workspace that continues the counters before 010', async () => {
      const shipped = readdirSync(defaultMigrationsDir()).filter((name) => name.endsWith('.sql'));
      const filesUpTo = (version: number) =>
        Object.fromEntries(
          shipped
            .filter((name) => Number(name.slice(0, 3)) <= version)
            .map((name) => [name, readFileSync(join(defaultMigrationsDir(), name), 'utf8')]),
        );
      const numbers = async (db: SqlDatabase, workspaceId: string, count: number) => {
        const taken: (number | null)[] = [];
        for (let i = 0; i < count; i++) taken.push(await takeTicketNumber(db, workspaceId));
        return taken;
      };
      await withFreshDatabase(kind, async (db) => {
        // A database from before 010, whose workspaces handed out numbers from their counter.
        await migrate(db, { migrationsDir: directoryWith(filesUpTo(9)) });
        await db.query(
          "INSERT INTO workspaces (id, name, next_ticket_number) VALUES ('ws_old', 'Old', 42), ('ws_new', 'New', 1)",
        );
        await migrate(db, { migrationsDir: directoryWith(filesUpTo(10)) });
        expect(await numbers(db, 'ws_old', 2)).toEqual([42, 43]);
        expect(await numbers(db, 'ws_new', 1)).toEqual([1]);
        expect(await takeTicketNumber(db, 'ws_missing')).toBeNull();
        // A number taken in a transaction that rolls back is not handed out again (a gap, never a reuse).
        await db
          .transaction(async (tx) => {
            expect(await takeTicketNumber(tx, 'ws_old')).toBe(44);
            throw new Error('roll back');
          })
          .catch(() => {});
        expect(await numbers(db, 'ws_old', 1)).toEqual([45]);
        // A workspace inserted later gets its own sequence; deleting it drops the sequence again.
        await db.query("INSERT INTO workspaces (id, name) VALUES ('ws_later', 'Later')");
        expect(await numbers(db, 'ws_later', 2)).toEqual([1, 2]);
        const sequences = async () =>
          (
            await db.query<{ n: number }>(
              "SELECT count(*)::int AS n FROM pg_class WHERE relkind = 'S' AND relname LIKE 'td_ticket_numbers_%' AND relnamespace = current_schema()::regnamespace",
            )
          ).rows[0]?.n;
        expect(await sequences()).toBe(3);
        await db.query("DELETE FROM workspaces WHERE id = 'ws_later'");
        expect(await sequences()).toBe(2);
        // After TRUNCATE (no DELETE trigger) a workspace id that comes back starts afresh, as its rows do.
        await db.query('TRUNCATE workspaces CASCADE');
        await db.query("INSERT INTO workspaces (id, name) VALUES ('ws_old', 'Old again')");
        expect(await numbers(db, 'ws_old', 1)).toEqual([1]);
      });
    });

    it('applies only the migrations added since the last run', async () => {
      const first = { '001.do.first.sql': 'CREATE TABLE first_table (id int PRIMARY KEY);' };
      const second = { ...first, '002.do.second.sql': 'CREATE TABLE second_table (id int PRIMARY KEY);' };
      await withFreshDatabase(kind, async (db) => {
        expect(await migrate(db, { migrationsDir: directoryWith(first) })).toEqual([1]);
        expect(await migrate(db, { migrationsDir: directoryWith(second) })).toEqual([2]);
        // An older instance (fewer files) leaves a newer schema alone instead of moving it down.
        expect(await migrate(db, { migrationsDir: directoryWith(first) })).toEqual([]);
        expect((await tableNames(db)).sort()).toEqual(['first_table', 'second_table', MIGRATIONS_TABLE]);
      });
    });

    it('rejects a broken migration with a migration error and applies none of the run', async () => {
      const dir = directoryWith({
        '001.do.good.sql': 'CREATE TABLE good_table (id int PRIMARY KEY);',
        '002.do.bad.sql': 'CREATE TABLE half_table (id int);\nSELEC broken;',
        '003.do.later.sql': 'CREATE TABLE later_table (id int);',
      });
      await withFreshDatabase(kind, async (db) => {
        const error = await rejectionOf(migrate(db, { migrationsDir: dir }));
        expect(error.code).toBe('migration');
        expect(error.sqlState).toBe('42601');
        expect(error.message).toContain('002.do.bad.sql');
        // One transaction: not even the good first file nor the bookkeeping table survived.
        expect(await tableNames(db)).toEqual([]);
        // Fixing the file lets the next start apply everything.
        writeFileSync(join(dir, '002.do.bad.sql'), 'CREATE TABLE half_table (id int);');
        expect(await migrate(db, { migrationsDir: dir })).toEqual([1, 2, 3]);
      });
    });

    it('rejects an applied migration whose file was edited afterwards (checksum)', async () => {
      const text = 'CREATE TABLE one_table (\n  id int\n);\n';
      const dir = directoryWith({ '001.do.one.sql': text });
      await withFreshDatabase(kind, async (db) => {
        expect(await migrate(db, { migrationsDir: dir })).toEqual([1]);
        // The same text with CRLF line endings (a Windows checkout) is not an edit.
        writeFileSync(join(dir, '001.do.one.sql'), text.replaceAll('\n', '\r\n'));
        expect(await migrate(db, { migrationsDir: dir })).toEqual([]);
        writeFileSync(join(dir, '001.do.one.sql'), 'CREATE TABLE one_table (id bigint);');
        const error = await rejectionOf(migrate(db, { migrationsDir: dir }));
        expect(error.code).toBe('migration');
        expect(error.message).toMatch(/checksum/i);
      });
    });

    it('rejects a missing or empty migrations directory with a migration error', async () => {
      await withFreshDatabase(kind, async (db) => {
        const missing = join(tmpdir(), `td-missing-${randomBytes(6).toString('hex')}`);
        const missingError = await rejectionOf(migrate(db, { migrationsDir: missing }));
        expect(missingError.code).toBe('migration');
        expect(missingError.message).toContain(missing);

        const empty = directoryWith({ 'README.txt': 'no SQL here' });
        expect((await rejectionOf(migrate(db, { migrationsDir: empty }))).code).toBe('migration');
        expect(await tableNames(db)).toEqual([]);
      });
    });

    if (kind === 'postgres') {
      it('applies each migration exactly once when several instances start together', async () => {
        await withFreshDatabase(kind, async (db, open) => {
          const instances = [db, ...(await Promise.all([open(), open(), open()]))];
          const results = await Promise.all(instances.map((instance) => migrate(instance)));
          const versions = shippedVersions();
          expect(results.flat().sort((a, b) => a - b)).toEqual(versions);
          expect(results.filter((applied) => applied.length > 0)).toHaveLength(1);
          expect(await appliedVersions(db)).toEqual(versions);
        });
      });

      it('rejects with unavailable when the database cannot be reached', async () => {
        await withFreshDatabase(kind, async (_db, open) => {
          const closed = await open();
          await closed.close();
          expect((await rejectionOf(migrate(closed))).code).toBe('unavailable');
        });
      });
    }
  });
}

describe('PGlite with a dataDir', () => {
  it('keeps the migrated schema and its data across close and reopen', async () => {
    const dataDir = join(mkdtempSync(join(tmpdir(), 'td-pglite-')), 'data');
    temporaryDirs.push(dataDir);
    const first = await createPgliteDatabase({ dataDir });
    try {
      expect(await migrate(first)).toEqual(shippedVersions());
      await first.query("INSERT INTO workspaces (id, name) VALUES ('ws_kept', 'Kept')");
    } finally {
      await first.close();
    }
    const reopened = await createPgliteDatabase({ dataDir });
    try {
      expect(await migrate(reopened)).toEqual([]);
      const { rows } = await reopened.query('SELECT id, name FROM workspaces');
      expect(rows).toEqual([{ id: 'ws_kept', name: 'Kept' }]);
    } finally {
      await reopened.close();
    }
  }, 60_000);

  it('rejects with unavailable when the dataDir cannot be used', async () => {
    const file = join(directoryWith({ 'not-a-dir': 'x' }), 'not-a-dir');
    expect((await rejectionOf(createPgliteDatabase({ dataDir: file }))).code).toBe('unavailable');
  }, 60_000);
});
