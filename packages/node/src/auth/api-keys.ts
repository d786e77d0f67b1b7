import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { IdSchema } from '@tierdesk/core';
import type { AgentIdentity } from '../identity';
import { createId } from '../ids';
import type { SqlExecutor } from '../store';

/** The prefix every API key starts with, so keys are recognisable (and scannable in leaked code). */
export const API_KEY_PREFIX = 'tdk_';

// tdk_<id>_<secret>: the id is createId('key') (`key_` + 22 base-62 characters), the secret 32 random
// bytes as base64url (43 characters, 256 bits). Anchored with fixed lengths, because both parts may
// themselves contain `_`.
const API_KEY_PATTERN = /^tdk_(key_[0-9A-Za-z]{22})_([A-Za-z0-9_-]{43})$/;

/** Options of {@link createApiKey}. */
export interface CreateApiKeyOptions {
  /** The workspace the key grants access to (must exist). */
  workspaceId: string;
  /** The agent (or integration acting as one) the key authenticates as. */
  agentId: string;
}

/** A newly created API key. The key is returned only here: only its SHA-256 is stored. */
export interface CreatedApiKey {
  /** The key's id (`key_…`), for listing and revoking; not a secret. */
  id: string;
  /** The full key, `tdk_<id>_<secret>`; show it once to whoever created it. */
  key: string;
}

function hashKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Creates an API key for an agent of a workspace and stores its SHA-256 hash in `api_keys`.
 * Failures of the database (e.g. an unknown workspace violating the foreign key) reject with a
 * StoreError.
 */
export async function createApiKey(db: SqlExecutor, options: CreateApiKeyOptions): Promise<CreatedApiKey> {
  const { workspaceId, agentId } = options;
  if (!IdSchema.safeParse(workspaceId).success) throw new TypeError('workspaceId must be 1 to 64 characters');
  if (!IdSchema.safeParse(agentId).success) throw new TypeError('agentId must be 1 to 64 characters');
  const id = createId('key');
  const key = `${API_KEY_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  await db.query('INSERT INTO api_keys (id, workspace_id, agent_id, key_hash) VALUES ($1, $2, $3, $4)', [
    id,
    workspaceId,
    agentId,
    hashKey(key),
  ]);
  return { id, key };
}

/**
 * Finds the agent an API key authenticates as; `null` for a malformed, unknown or revoked key, or one
 * whose agent has been deactivated (an agent row with `active = false`; keys of integrations without
 * an agent row stay valid). The row is found by the key's public id and the hashes are compared in
 * constant time, so response timing reveals nothing about the secret part.
 */
export async function verifyApiKey(db: SqlExecutor, key: string): Promise<AgentIdentity | null> {
  if (typeof key !== 'string') return null;
  const match = API_KEY_PATTERN.exec(key);
  if (match === null) return null;
  const id = match[1] as string;
  const { rows } = await db.query<{
    workspace_id: string;
    agent_id: string;
    key_hash: string;
    agent_active: boolean | null;
    agent_name: unknown;
  }>(
    `SELECT k.workspace_id, k.agent_id, k.key_hash, a.active AS agent_active, a.data->'name' AS agent_name
       FROM api_keys k
       LEFT JOIN agents a ON a.workspace_id = k.workspace_id AND a.id = k.agent_id
      WHERE k.id = $1 AND k.revoked_at IS NULL`,
    [id],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const expected = Buffer.from(row.key_hash, 'hex');
  const actual = createHash('sha256').update(key, 'utf8').digest();
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
  if (row.agent_active === false) return null;
  return {
    kind: 'agent',
    workspaceId: row.workspace_id,
    agentId: row.agent_id,
    ...(typeof row.agent_name === 'string' ? { name: row.agent_name } : {}),
    via: 'api_key',
  };
}

/**
 * Revokes an API key of a workspace (idempotent: the first revocation time is kept). Returns whether
 * the workspace has a key with this id, so a route can answer 404 for someone else's key.
 */
export async function revokeApiKey(db: SqlExecutor, workspaceId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE workspace_id = $1 AND id = $2',
    [workspaceId, id],
  );
  return rowCount > 0;
}
