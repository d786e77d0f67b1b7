import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The PostgreSQL server the PostgreSQL benchmarks use (`.ci/run` and CI set the same variable). */
export const DATABASE_URL = process.env.TIERDESK_BENCH_DATABASE_URL ?? process.env.TIERDESK_TEST_DATABASE_URL;

/** A database of the benchmark's own, dropped at the end, so no other suite's rows share its tables. */
export interface OwnDatabase {
  readonly url: string;
  drop(): Promise<void>;
}

export async function createOwnDatabase(serverUrl: string, prefix: string): Promise<OwnDatabase> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
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

/** The server's version string, for the report. */
export async function serverVersion(serverUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
    return rows[0]?.server_version ?? 'unknown';
  } finally {
    await client.end();
  }
}
