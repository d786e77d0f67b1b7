import { createHash } from 'node:crypto';
import { beforeEach, expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import { isStoreError } from '../store';
import { createApiKey, revokeApiKey, verifyApiKey } from './api-keys';

describeStores('API keys', (fixture) => {
  beforeEach(async () => {
    await fixture.db().query(`INSERT INTO workspaces (id, name) VALUES ('ws_a', 'A'), ('ws_b', 'B')`);
  });

  it('creates a key of the documented format and stores only its SHA-256', async () => {
    const db = fixture.db();
    const { id, key } = await createApiKey(db, { workspaceId: 'ws_a', agentId: 'agt_1' });
    expect(id).toMatch(/^key_[0-9A-Za-z]{22}$/);
    expect(key.startsWith(`tdk_${id}_`)).toBe(true);
    const secret = key.slice(`tdk_${id}_`.length);
    expect(Buffer.from(secret, 'base64url').length).toBe(32); // 256 bits
    const { rows } = await db.query('SELECT * FROM api_keys');
    expect(rows).toHaveLength(1);
    const row = rows[0] as Record<string, unknown>;
    expect(row.key_hash).toBe(createHash('sha256').update(key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(secret);
  });

  it('verifies a key as the agent it was created for', async () => {
    const db = fixture.db();
    const { key } = await createApiKey(db, { workspaceId: 'ws_a', agentId: 'agt_1' });
    await expect(verifyApiKey(db, key)).resolves.toEqual({
      kind: 'agent',
      workspaceId: 'ws_a',
      agentId: 'agt_1',
      via: 'api_key',
    });
  });

  it("takes the agent's name from the agents table and refuses keys of deactivated agents", async () => {
    const db = fixture.db();
    await db.query(`INSERT INTO agents (workspace_id, id, data, active) VALUES ('ws_a', 'agt_1', $1, true)`, [
      JSON.stringify({ id: 'agt_1', name: 'Grace', tiers: [1] }),
    ]);
    const { key } = await createApiKey(db, { workspaceId: 'ws_a', agentId: 'agt_1' });
    await expect(verifyApiKey(db, key)).resolves.toMatchObject({ agentId: 'agt_1', name: 'Grace' });
    await db.query(`UPDATE agents SET active = false WHERE id = 'agt_1'`);
    await expect(verifyApiKey(db, key)).resolves.toBeNull();
  });

  it('rejects unknown, altered and malformed keys', async () => {
    const db = fixture.db();
    const { id, key } = await createApiKey(db, { workspaceId: 'ws_a', agentId: 'agt_1' });
    const last = key.at(-1) === 'A' ? 'B' : 'A';
    const samples = [
      `${key.slice(0, -1)}${last}`, // same id, wrong secret
      `tdk_key_${'0'.repeat(22)}_${key.slice(-43)}`, // unknown id, right secret
      `tdk_${id}_${key.slice(-43).slice(0, 42)}`, // truncated
      `${key}x`,
      key.toUpperCase(),
      `tdk_${id}`,
      'tdk_',
      '',
      `Bearer ${key}`,
      `tdk_${id}_${"'; DROP TABLE api_keys; --".padEnd(43, 'x')}`,
    ];
    for (const sample of samples) await expect(verifyApiKey(db, sample)).resolves.toBeNull();
    await expect(verifyApiKey(db, 42 as unknown as string)).resolves.toBeNull();
    // The original still works, so the rejections are not a broken verifier.
    await expect(verifyApiKey(db, key)).resolves.not.toBeNull();
  });

  it('revokes a key of its own workspace only, idempotently', async () => {
    const db = fixture.db();
    const first = await createApiKey(db, { workspaceId: 'ws_a', agentId: 'agt_1' });
    const second = await createApiKey(db, { workspaceId: 'ws_a', agentId: 'agt_1' });
    await expect(revokeApiKey(db, 'ws_b', first.id)).resolves.toBe(false);
    await expect(verifyApiKey(db, first.key)).resolves.not.toBeNull();

    await expect(revokeApiKey(db, 'ws_a', first.id)).resolves.toBe(true);
    await expect(verifyApiKey(db, first.key)).resolves.toBeNull();
    await expect(verifyApiKey(db, second.key)).resolves.not.toBeNull();

    const { rows } = await db.query<{ revoked_at: Date }>('SELECT revoked_at FROM api_keys WHERE id = $1', [
      first.id,
    ]);
    const revokedAt = rows[0]?.revoked_at;
    expect(revokedAt).toBeInstanceOf(Date);
    await expect(revokeApiKey(db, 'ws_a', first.id)).resolves.toBe(true);
    const again = await db.query<{ revoked_at: Date }>('SELECT revoked_at FROM api_keys WHERE id = $1', [
      first.id,
    ]);
    expect(again.rows[0]?.revoked_at.getTime()).toBe(revokedAt?.getTime());
    await expect(revokeApiKey(db, 'ws_a', 'key_unknown')).resolves.toBe(false);
  });

  it('rejects a key for an unknown workspace with a StoreError', async () => {
    const error = await createApiKey(fixture.db(), { workspaceId: 'ws_nope', agentId: 'agt_1' }).catch(
      (e) => e,
    );
    expect(isStoreError(error)).toBe(true);
    await expect(createApiKey(fixture.db(), { workspaceId: '', agentId: 'agt_1' })).rejects.toThrow(
      TypeError,
    );
  });

  it.skipIf(fixture.kind !== 'postgres')(
    'sees a key created through another connection (another instance)',
    async () => {
      const other = await fixture.openAnother();
      const { key } = await createApiKey(other, { workspaceId: 'ws_a', agentId: 'agt_2' });
      await expect(verifyApiKey(fixture.db(), key)).resolves.toMatchObject({ agentId: 'agt_2' });
    },
  );
});
