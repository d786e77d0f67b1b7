import type { SqlExecutor } from '../../../packages/node/src/store';

/** One digest per Tierdesk table (row count and an md5 over every row's text), to prove nothing changed. */
export type TableChecksums = Record<string, string>;

/**
 * Builds a function that digests every table of the current schema in one query. Comparing two digests
 * tells exactly which tables a request changed (e.g. "nothing stored on rejection").
 */
export async function createTableChecksum(db: SqlExecutor): Promise<() => Promise<TableChecksums>> {
  const { rows } = await db.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename`,
  );
  const names = rows.map((r) => r.name).filter((n) => /^[a-z_][a-z0-9_]*$/.test(n));
  if (names.length === 0) throw new Error('no tables to checksum: is the database migrated?');
  const sql = `SELECT ${names
    .map(
      (n) =>
        `(SELECT count(*)::text || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM "${n}" t) AS "${n}"`,
    )
    .join(', ')}`;
  return async () => {
    const result = await db.query<TableChecksums>(sql);
    return result.rows[0] as TableChecksums;
  };
}

/** The tables whose digest differs between two checksums. */
export function changedTables(before: TableChecksums, after: TableChecksums): string[] {
  return Object.keys({ ...before, ...after }).filter((name) => before[name] !== after[name]);
}
