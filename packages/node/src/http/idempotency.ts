import { createHash } from 'node:crypto';
import { queueWrite, type SqlDatabase, type SqlExecutor } from '../store';
import { ApiError } from './api-error';

/** How long a key replays its first answer. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

/** A stored answer to replay. */
export interface StoredAnswer {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Which request a key belongs to. */
export interface IdempotencyScope {
  workspaceId: string;
  /** The caller (`user:<id>` / `agent:<id>`): keys of different callers never meet. */
  identity: string;
  key: string;
  /** Method, path and body, hashed: the same key with another request is a 422. */
  fingerprint: string;
  nowMs: number;
}

/** Validates an `Idempotency-Key` header value (printable ASCII, 1–255 characters). */
export function parseIdempotencyKey(value: string | null): string | undefined {
  if (value === null) return undefined;
  if (!/^[\x21-\x7e]{1,255}$/.test(value)) {
    throw new ApiError('bad_request', 'Idempotency-Key must be 1 to 255 printable ASCII characters.');
  }
  return value;
}

/** The fingerprint of a request: SHA-256 of method, path with query, and raw body. */
export function fingerprintRequest(method: string, pathWithQuery: string, body: string): string {
  return createHash('sha256').update(`${method}\n${pathWithQuery}\n${body}`).digest('hex');
}

/**
 * Runs a POST at most once per key. The key is claimed and the answer stored in the SAME transaction as
 * the work itself, so a crash between the work and the record cannot happen: either both are committed
 * or neither is, and a retry after a crash replays the first answer or does the work for the first time.
 *
 * A concurrent request with the same key waits on the claimed row (Postgres) or on the single
 * connection (PGlite) and then replays. The same key with a different request is `idempotency_mismatch`
 * (422). A failed attempt (any thrown error) rolls back and leaves the key free for a retry. Keys expire
 * after 24 hours.
 */
export async function runIdempotent(
  db: SqlDatabase,
  scope: IdempotencyScope,
  work: (tx: SqlExecutor) => Promise<StoredAnswer>,
): Promise<StoredAnswer & { replayed: boolean }> {
  return db.transaction(async (tx) => {
    const cutoff = new Date(scope.nowMs - IDEMPOTENCY_TTL_MS).toISOString();
    const claimed = await tx.query(
      `INSERT INTO idempotency_keys (workspace_id, identity, key, request_hash, created_at)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (workspace_id, identity, key) DO UPDATE
         SET request_hash = EXCLUDED.request_hash, status = NULL, response = NULL, created_at = EXCLUDED.created_at
         WHERE idempotency_keys.created_at < $6
       RETURNING 1 AS claimed`,
      [
        scope.workspaceId,
        scope.identity,
        scope.key,
        scope.fingerprint,
        new Date(scope.nowMs).toISOString(),
        cutoff,
      ],
    );
    if (claimed.rowCount === 0) {
      const { rows } = await tx.query<{
        request_hash: string;
        status: number | null;
        response: StoredAnswer | null;
      }>(
        'SELECT request_hash, status, response FROM idempotency_keys WHERE workspace_id = $1 AND identity = $2 AND key = $3',
        [scope.workspaceId, scope.identity, scope.key],
      );
      const row = rows[0];
      if (row === undefined || row.status === null || row.response === null) {
        // Only possible while another transaction holds the row (read committed never shows it half-done).
        throw new ApiError(
          'conflict',
          'A request with this Idempotency-Key is still being processed; retry shortly.',
          {
            headers: { 'retry-after': '1' },
          },
        );
      }
      if (row.request_hash !== scope.fingerprint) {
        throw new ApiError(
          'idempotency_mismatch',
          'This Idempotency-Key was already used for a different request; use a new key for a new request.',
        );
      }
      return { ...row.response, replayed: true };
    }
    const answer = await work(tx);
    // Queued: sent with the work's own writes, in one statement before COMMIT.
    await queueWrite(
      tx,
      'UPDATE idempotency_keys SET status = $4, response = $5 WHERE workspace_id = $1 AND identity = $2 AND key = $3',
      [scope.workspaceId, scope.identity, scope.key, answer.status, JSON.stringify(answer)],
    );
    return { ...answer, replayed: false };
  });
}

/** Deletes expired keys (run periodically; expired keys are already ignored on lookup). */
export async function purgeExpiredIdempotencyKeys(db: SqlExecutor, nowMs: number): Promise<number> {
  const { rowCount } = await db.query('DELETE FROM idempotency_keys WHERE created_at < $1', [
    new Date(nowMs - IDEMPOTENCY_TTL_MS).toISOString(),
  ]);
  return rowCount;
}
