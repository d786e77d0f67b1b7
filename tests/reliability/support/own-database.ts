import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server the PostgreSQL variants run on. CI (`.ci/run`) always sets it; without it
 * those variants are reported as skipped, never as passed.
 */
export const TEST_DATABASE_URL = process.env.TIERDESK_TEST_DATABASE_URL;

/** A database of one's own on a PostgreSQL server: its URL, and a drop for the end of the suite. */
export interface OwnDatabase {
  readonly name: string;
  readonly url: string;
  drop(): Promise<void>;
}

/** The same server URL with another database name. */
export function withDatabase(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

/**
 * Creates `<prefix>_<random>` on the server of `serverUrl`, so that parallel runs and other suites never
 * see this suite's rows or NOTIFY traffic. `drop()` removes it, closing whatever still connects to it.
 */
export async function createOwnDatabase(serverUrl: string, prefix: string): Promise<OwnDatabase> {
  const name = `${prefix}_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    name,
    url: withDatabase(serverUrl, name),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
