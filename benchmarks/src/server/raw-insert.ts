// The ceiling ticket creation is measured against: single-row INSERTs of a ticket-sized row, each its
// own autocommitted statement, from `connections` concurrent callers, on the same engine.
import { randomBytes } from 'node:crypto';

type Query = (sql: string, params: unknown[]) => Promise<unknown>;

/** Inserts for `durationMs` from `connections` concurrent loops; returns inserts/s and latency. */
export async function rawInsertCeiling(
  query: Query,
  row: Record<string, unknown>,
  { connections, durationMs }: { connections: number; durationMs: number },
): Promise<{ rps: number; p50Ms: number; p99Ms: number; inserts: number }> {
  await query(
    `CREATE TABLE IF NOT EXISTS bench_raw_inserts (
       id text PRIMARY KEY, workspace_id text NOT NULL, requester_id text NOT NULL,
       data jsonb NOT NULL, created_at timestamptz NOT NULL)`,
    [],
  );
  const data = JSON.stringify(row);
  const latencies: number[] = [];
  const prefix = randomBytes(4).toString('hex');
  let n = 0;
  const startedAt = performance.now();
  const endAt = startedAt + durationMs;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      while (performance.now() < endAt) {
        const i = n++;
        const t0 = performance.now();
        await query(
          'INSERT INTO bench_raw_inserts (id, workspace_id, requester_id, data, created_at) VALUES ($1, $2, $3, $4, now())',
          [`raw_${prefix}_${i}`, 'bench', `user-${c}`, data],
        );
        latencies.push(performance.now() - t0);
      }
    }),
  );
  const elapsedS = (performance.now() - startedAt) / 1000;
  await query('TRUNCATE bench_raw_inserts', []);
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.ceil(p * latencies.length) - 1)] ?? 0;
  return { rps: latencies.length / elapsedS, p50Ms: at(0.5), p99Ms: at(0.99), inserts: latencies.length };
}
