import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SqlExecutor } from '../store';

/**
 * Reply addresses of notification mails: `reply+<token>@<replyDomain>`.
 *
 * Why the token does not encode the ids: ticket ids are 26 mixed-case characters and requester ids are
 * whatever the host's identity tokens carry, while a mailbox local part is case-insensitive and limited
 * to 64 octets (RFC 5321 §4.5.3.1.1). Three ids in a case-safe alphabet do not fit. The token is
 * therefore `<tokenId><mac>`: a random id (16 base-32 characters, 80 bits) naming an `email_threads` row
 * that holds the claims, and an HMAC-SHA256 (first 100 bits, 20 characters) over the id AND the claims
 * with the server secret. Nobody can forge a token for another ticket or requester without the secret,
 * not even with a copy of the table, and every mail gets its own token.
 *
 * The alphabet is RFC 4648 base-32 in lower case (`a-z2-7`): safe in a local part, in URLs, and under
 * the case folding some mail servers apply.
 */

/** What a reply address is bound to. */
export interface ReplyTokenClaims {
  /** The workspace of the ticket. */
  workspaceId: string;
  /** The ticket a reply continues. */
  ticketId: string;
  /** The requester allowed to reply with it (the inbound side checks the sender against them). */
  requesterId: string;
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** Characters of the random token id (80 bits). */
export const TOKEN_ID_LENGTH = 16;
/** Characters of the truncated HMAC (100 bits). */
const MAC_LENGTH = 20;
/** Total token length: 36, so `reply+<token>` stays far below the 64-octet local-part limit. */
export const REPLY_TOKEN_LENGTH = TOKEN_ID_LENGTH + MAC_LENGTH;
const TOKEN_PATTERN = new RegExp(`^[a-z2-7]{${REPLY_TOKEN_LENGTH}}$`);
/** A version tag in the signed text, so a later token format can never verify as this one. */
const DOMAIN_TAG = 'tierdesk-reply-v1';

function base32(bytes: Uint8Array, length: number): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5 && out.length < length) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
    if (out.length === length) break;
  }
  return out;
}

function mac(tokenId: string, claims: ReplyTokenClaims, secret: string): string {
  // NUL separators: no id contains one, so two different claim sets never sign the same text.
  const text = [DOMAIN_TAG, tokenId, claims.workspaceId, claims.ticketId, claims.requesterId].join('\0');
  return base32(createHmac('sha256', secret).update(text).digest(), MAC_LENGTH);
}

/** A new random token id (the `email_threads` key). */
function newTokenId(): string {
  return base32(randomBytes(10), TOKEN_ID_LENGTH);
}

/**
 * Signs claims under a token id: `<tokenId><mac>`. Pure; {@link issueReplyToken} also stores the row
 * that {@link resolveReplyToken} needs to recover the claims.
 */
export function createReplyToken(
  claims: ReplyTokenClaims,
  secret: string,
  tokenId: string = newTokenId(),
): string {
  return tokenId + mac(tokenId, claims, secret);
}

/** The token id part of a well-formed token (the `email_threads` key), else null. */
export function replyTokenId(token: string): string | null {
  const t = token.toLowerCase();
  return TOKEN_PATTERN.test(t) ? t.slice(0, TOKEN_ID_LENGTH) : null;
}

/** Whether token is a valid signature over these claims (constant-time compare). */
export function verifyReplyToken(token: string, claims: ReplyTokenClaims, secret: string): boolean {
  const tokenId = replyTokenId(token);
  if (tokenId === null) return false;
  const expected = Buffer.from(mac(tokenId, claims, secret));
  const given = Buffer.from(token.toLowerCase().slice(TOKEN_ID_LENGTH));
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/**
 * Creates a token for claims and stores its `email_threads` row on exec (run it in the transaction
 * that queues the mail, so a rolled-back change leaves no address behind).
 */
export async function issueReplyToken(
  exec: SqlExecutor,
  claims: ReplyTokenClaims,
  secret: string,
): Promise<string> {
  const tokenId = newTokenId();
  await exec.query(
    'INSERT INTO email_threads (token_id, workspace_id, ticket_id, requester_id) VALUES ($1, $2, $3, $4)',
    [tokenId, claims.workspaceId, claims.ticketId, claims.requesterId],
  );
  return createReplyToken(claims, secret, tokenId);
}

/**
 * The claims of a token: null when it is malformed, unknown, or its signature does not match the stored
 * claims. This is what the inbound side calls with the token of a reply address.
 */
export async function resolveReplyToken(
  exec: SqlExecutor,
  token: string,
  secret: string,
): Promise<ReplyTokenClaims | null> {
  const tokenId = replyTokenId(token);
  if (tokenId === null) return null;
  const { rows } = await exec.query<{ workspace_id: string; ticket_id: string; requester_id: string }>(
    'SELECT workspace_id, ticket_id, requester_id FROM email_threads WHERE token_id = $1',
    [tokenId],
  );
  const row = rows[0];
  if (row === undefined) return null;
  const claims = { workspaceId: row.workspace_id, ticketId: row.ticket_id, requesterId: row.requester_id };
  return verifyReplyToken(token, claims, secret) ? claims : null;
}

/** `reply+<token>@<replyDomain>`. */
export function replyAddress(token: string, replyDomain: string): string {
  return `reply+${token}@${replyDomain.toLowerCase()}`;
}

/**
 * The token of a reply address of ours (`reply+<token>@<replyDomain>`, case-insensitive, also inside
 * `Name <addr>`), else null. It only parses; {@link resolveReplyToken} decides whether it is valid.
 */
export function tokenFromAddress(address: string, replyDomain: string): string | null {
  const bracketed = /<([^<>]*)>\s*$/.exec(address);
  const addr = (bracketed?.[1] ?? address).trim().toLowerCase();
  const at = addr.lastIndexOf('@');
  if (at < 0 || addr.slice(at + 1) !== replyDomain.toLowerCase()) return null;
  const local = addr.slice(0, at);
  if (!local.startsWith('reply+')) return null;
  const token = local.slice('reply+'.length);
  return replyTokenId(token) === null ? null : token;
}
