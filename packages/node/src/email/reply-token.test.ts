import { describe, expect, it } from 'vitest';
import { describeStores } from '../../tests/support/databases';
import {
  createReplyToken,
  issueReplyToken,
  REPLY_TOKEN_LENGTH,
  replyAddress,
  resolveReplyToken,
  tokenFromAddress,
  verifyReplyToken,
} from './reply-token';

const SECRET = 'test-secret-of-at-least-thirty-two-chars';
const claims = { workspaceId: 'ws-a', ticketId: 'tkt_AbCdEfGhIjKlMnOpQrStUv', requesterId: 'user-1' };

describe('reply tokens', () => {
  it('are lower-case [a-z2-7], short enough for a local part, and differ per mail', () => {
    const a = createReplyToken(claims, SECRET);
    const b = createReplyToken(claims, SECRET);
    expect(a).toMatch(/^[a-z2-7]+$/);
    expect(a).toHaveLength(REPLY_TOKEN_LENGTH);
    expect(a).not.toBe(b);
    expect(`reply+${a}`.length).toBeLessThanOrEqual(64);
  });

  it('verify only for the claims and secret they were made with', () => {
    const token = createReplyToken(claims, SECRET);
    expect(verifyReplyToken(token, claims, SECRET)).toBe(true);
    expect(verifyReplyToken(token.toUpperCase(), claims, SECRET)).toBe(true);
    expect(verifyReplyToken(token, { ...claims, ticketId: 'tkt_other' }, SECRET)).toBe(false);
    expect(verifyReplyToken(token, { ...claims, requesterId: 'user-2' }, SECRET)).toBe(false);
    expect(verifyReplyToken(token, { ...claims, workspaceId: 'ws-b' }, SECRET)).toBe(false);
    expect(verifyReplyToken(token, claims, `${SECRET}x`)).toBe(false);
    const last = token.at(-1) === 'a' ? 'b' : 'a';
    expect(verifyReplyToken(token.slice(0, -1) + last, claims, SECRET)).toBe(false);
    expect(verifyReplyToken(token.slice(1), claims, SECRET)).toBe(false);
  });

  it('round-trip through reply addresses, case-insensitively and only for our domain', () => {
    const token = createReplyToken(claims, SECRET);
    const address = replyAddress(token, 'Support.Example.com');
    expect(address).toBe(`reply+${token}@support.example.com`);
    expect(tokenFromAddress(address, 'support.example.com')).toBe(token);
    expect(tokenFromAddress(`Ada <${address.toUpperCase()}>`, 'support.example.com')).toBe(token);
    expect(tokenFromAddress(address, 'evil.example')).toBeNull();
    expect(tokenFromAddress(`help@support.example.com`, 'support.example.com')).toBeNull();
    expect(tokenFromAddress(`reply+short@support.example.com`, 'support.example.com')).toBeNull();
  });
});

describeStores('reply tokens in the store', (store) => {
  async function seedTicket(id: string): Promise<void> {
    const db = store.db();
    await db.query(`INSERT INTO workspaces (id, name) VALUES ('ws-a', 'A') ON CONFLICT DO NOTHING`);
    await db.query(
      `INSERT INTO tickets (id, workspace_id, number, requester_id, status, tier, priority, data, snapshot, version,
         created_at, updated_at)
       VALUES ($1, 'ws-a', (SELECT count(*) + 1 FROM tickets), 'user-1', 'open', 1, 'normal', '{}', '{}', 1, now(), now())`,
      [id],
    );
  }

  it('resolves an issued token to its claims and refuses tampered, foreign and unknown ones', async () => {
    await seedTicket(claims.ticketId);
    await seedTicket('tkt_other');
    const db = store.db();
    const token = await issueReplyToken(db, claims, SECRET);
    expect(await resolveReplyToken(db, token, SECRET)).toEqual(claims);
    expect(await resolveReplyToken(db, token, 'another-secret-another-secret-xx')).toBeNull();
    // A token signed for another ticket under a stored id does not verify against that row's claims.
    const forged = createReplyToken({ ...claims, ticketId: 'tkt_other' }, SECRET, token.slice(0, 16));
    expect(await resolveReplyToken(db, forged, SECRET)).toBeNull();
    expect(await resolveReplyToken(db, createReplyToken(claims, SECRET), SECRET)).toBeNull();
    // An edited row stops verifying: the HMAC covers the claims, not only the id.
    await db.query(`UPDATE email_threads SET ticket_id = 'tkt_other'`);
    expect(await resolveReplyToken(db, token, SECRET)).toBeNull();
  });
});
