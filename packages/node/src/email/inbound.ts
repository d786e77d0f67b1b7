import { createHash, timingSafeEqual } from 'node:crypto';
import type { Ticket } from '@tierdesk/core';
import EmailReplyParser from 'email-reply-parser';
import { convert as htmlToText } from 'html-to-text';
import * as z from 'zod/mini';
import { ApiError, errorResponse } from '../http/api-error';
import { readJsonBody } from '../http/request-body';
import { createId } from '../ids';
import type { SqlDatabase, SqlExecutor } from '../store';
import { type AttachmentUpload, prepareAttachments, storeAttachments } from '../tickets/ticket.attachments';
import type { TicketService } from '../tickets/ticket.service';
import { readTicket } from '../tickets/ticket.store';
import { fromJsonShape, fromMime, fromPostmark, fromSendgrid } from './inbound.adapters';
import type { InboundEmail } from './inbound.schema';
import { resolveReplyToken, tokenFromAddress } from './reply-token';

/** The inbound mail formats the endpoint takes, each at its own path. */
export type InboundEmailFormat = 'tierdesk' | 'postmark' | 'sendgrid';

/** Paths of the inbound endpoint (server-only integration routes, not part of the client contract). */
export const INBOUND_EMAIL_PATHS: Record<InboundEmailFormat, string> = {
  tierdesk: '/v1/email/inbound',
  postmark: '/v1/email/inbound/postmark',
  sendgrid: '/v1/email/inbound/sendgrid',
};

/** Settings of the inbound email endpoint (`createTierdesk({ inboundEmail })`). */
export interface InboundEmailOptions {
  /**
   * The shared secret providers authenticate with (≥ 16 characters): `Authorization: Basic` with it as
   * the password (any user name — what Postmark and SendGrid send for `https://user:secret@host/…`
   * webhook URLs) or `Authorization: Bearer <secret>`.
   */
  secret: string;
  /** The domain of reply addresses (`reply+<token>@<replyDomain>`), as the outbound side uses. */
  replyDomain: string;
  /** The workspace a mail from a new address opens its ticket in. */
  workspaceId: string;
  /**
   * Largest request body (raw MIME or JSON with base64 attachments), bytes. Default 10 MiB. The only
   * limit that refuses a mail (413): within it a mail is stored, whatever its attachments.
   */
  maxBodyBytes?: number;
  /**
   * The secret reply tokens are signed with. Default: the outbound `email.tokenSecret`, else the
   * server's `serverSecret` — what the outbound side signs with.
   */
  tokenSecret?: string;
  /** Most attachments kept per mail (later ones are dropped and named in a note). Default 10. */
  maxAttachments?: number;
  /** Largest attachment kept, bytes (larger ones are dropped and named in a note). Default 5 MiB. */
  maxAttachmentBytes?: number;
  /**
   * Requests per client address (a bucket of `burst` refilled at `perSecond`; 429 with `Retry-After`
   * beyond it). Default 300 burst, 50/s — providers post from few addresses. `false` disables.
   */
  rateLimit?: { burst: number; perSecond: number } | false;
}

/** Why a mail was accepted but deliberately not stored (answered 202 `{ ignored }`). */
export type IgnoredReason =
  | 'auto_submitted'
  | 'precedence'
  | 'auto_reply'
  | 'delivery_status'
  | 'mailer_daemon';

/** Why a mail was refused (403 `forbidden` with this `reason`); nothing is stored. */
export type InboundRefusal = 'token_invalid' | 'sender_mismatch';

/**
 * A refused inbound mail: an answer with `error.code` `forbidden` and a stable `error.reason`
 * ({@link InboundRefusal}), so a provider's log tells a forged token from a spoofed sender.
 */
export class InboundEmailError extends ApiError {
  override name = 'InboundEmailError';
  /** The stable refusal reason. */
  readonly reason: InboundRefusal;
  /** Creates the error. */
  constructor(reason: InboundRefusal, message: string) {
    super('forbidden', message);
    this.reason = reason;
  }
}

/** Why an attachment of an accepted mail was not kept: over `maxAttachmentBytes`, or beyond `maxAttachments`. */
export type DroppedAttachmentReason = 'too_large' | 'too_many';

/** An attachment of an accepted mail that was left out (named in the answer and in a note for agents). */
export interface DroppedAttachment {
  filename: string;
  contentType: string;
  /** Its decoded size, bytes. */
  size: number;
  reason: DroppedAttachmentReason;
}

/**
 * What a stored mail left out: attachments over the limits, and whether its text was cut to the
 * message limit (20 000 characters). Present on an answer only when something was left out.
 */
export interface InboundLeftOut {
  dropped?: DroppedAttachment[];
  textTruncated?: true;
}

/** What the endpoint did with a mail. */
export type InboundOutcome =
  | ({ status: 'created'; ticketId: string } & InboundLeftOut)
  | ({ status: 'replied'; ticketId: string } & InboundLeftOut)
  | { status: 'duplicate'; ticketId: string }
  | { ignored: IgnoredReason };

/** What the endpoint needs from the server. */
export interface InboundEmailDeps {
  db: SqlDatabase;
  tickets: TicketService<never>;
  /** The secret reply tokens are signed with (the outbound side's). */
  tokenSecret: string;
  /** Moves a ticket still at Tier 0 on to L1 (an email reply means they want a person). */
  leaveTierZero: (tx: SqlExecutor, ticket: Ticket, reason: string) => Promise<Ticket>;
}

/**
 * The requester id of a sender without an identity of the host's: `email:<address in lower case>`, or
 * for addresses too long for an id (over 58 characters) `email:~<first 57 hex digits of its SHA-256>`.
 * Stable, so every mail from one address lands with the same requester.
 */
export function emailRequesterId(address: string): string {
  const id = `email:${address.toLowerCase()}`;
  if (id.length <= 64) return id;
  return `email:~${createHash('sha256').update(address.toLowerCase()).digest('hex').slice(0, 57)}`;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** Constant-time check of the shared secret (Basic password or Bearer); hashes make lengths equal. */
export function authenticInbound(request: Request, secret: string): boolean {
  const header = request.headers.get('authorization') ?? '';
  let given: string | undefined;
  const [scheme, value] = header.split(/\s+/, 2);
  if (scheme?.toLowerCase() === 'bearer') given = value;
  else if (scheme?.toLowerCase() === 'basic' && value !== undefined) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    given = colon < 0 ? undefined : decoded.slice(colon + 1);
  }
  if (given === undefined) return false;
  return timingSafeEqual(sha256(given), sha256(secret));
}

/**
 * Why a mail must not be answered or stored (auto-replies and bounces, RFC 3834 / RFC 3464), else
 * null. Storing them would open tickets nobody wrote and, with notifications on, mail loops.
 */
export function loopReason(mail: InboundEmail): IgnoredReason | null {
  const h = mail.headers;
  const autoSubmitted = h['auto-submitted']?.trim().toLowerCase();
  if (autoSubmitted !== undefined && autoSubmitted !== '' && autoSubmitted !== 'no') return 'auto_submitted';
  const precedence = h.precedence?.trim().toLowerCase();
  if (precedence !== undefined && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) {
    return 'precedence';
  }
  if ('x-autoreply' in h || 'x-autorespond' in h) return 'auto_reply';
  const type = mail.contentType?.toLowerCase() ?? '';
  if (type.startsWith('multipart/report') && /report-type\s*=\s*"?delivery-status/.test(type)) {
    return 'delivery_status';
  }
  const local = mail.from.split('@')[0] ?? '';
  if (local === 'mailer-daemon' || local === 'postmaster') return 'mailer_daemon';
  return null;
}

const replyParser = new EmailReplyParser();
const SenderSchema = z.email().check(z.maxLength(254));
const MAX_BODY_CHARS = 20_000;

/**
 * The text a person wrote: the text part (or the HTML converted to text — no markup from mail is
 * ever stored or shown), with quoted history and signature stripped by the reply parser.
 */
export function replyText(mail: InboundEmail): string {
  const text =
    mail.text !== undefined && mail.text.trim() !== ''
      ? mail.text
      : mail.html !== undefined
        ? htmlToText(mail.html, { wordwrap: false, selectors: [{ selector: 'img', format: 'skip' }] })
        : '';
  const visible = replyParser.parseReply(text.replace(/\r\n/g, '\n')).trim();
  // The parser may strip everything (a mail that is only a quote): keep what was sent rather than nothing.
  return visible === '' ? text.trim() : visible;
}

// Mail bodies are bytes (8-bit MIME parts, binary files in a form), not necessarily UTF-8 text.
async function readBodyBytes(request: Request, maxBytes: number): Promise<Buffer> {
  const declared = request.headers.get('content-length');
  const tooLarge = () =>
    new ApiError('payload_too_large', `The mail exceeds the limit of ${maxBytes} bytes.`);
  if (declared !== null && Number(declared) > maxBytes) throw tooLarge();
  if (request.body === null) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

async function readMail(
  request: Request,
  format: InboundEmailFormat,
  maxBytes: number,
): Promise<InboundEmail> {
  const mediaType = request.headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (format === 'sendgrid') {
    if (mediaType !== 'multipart/form-data' && mediaType !== 'application/x-www-form-urlencoded') {
      throw new ApiError('unsupported_media_type', 'SendGrid Inbound Parse posts multipart/form-data.');
    }
    const bytes = await readBodyBytes(request, maxBytes);
    const form = await new Response(new Uint8Array(bytes), {
      headers: { 'content-type': request.headers.get('content-type') ?? '' },
    })
      .formData()
      .catch(() => {
        throw new ApiError('bad_request', 'The form data could not be parsed.');
      });
    return fromSendgrid(form);
  }
  if (format === 'tierdesk' && mediaType === 'message/rfc822') {
    return fromMime(await readBodyBytes(request, maxBytes));
  }
  const { value } = await readJsonBody(request, maxBytes);
  return format === 'postmark' ? fromPostmark(value) : fromJsonShape(value);
}

// PostgreSQL text and jsonb cannot hold NUL; mail can carry it (broken clients, fuzzers). It never
// means anything in a message, so it is dropped rather than failing the mail.
function clean(text: string): string {
  return text.replaceAll('\0', '');
}

// A mail is never refused for a file: the text and the files within the limits are kept, the rest
// is dropped and named (a refusal makes the provider retry and then drop the whole mail).
function sortAttachments(
  mail: InboundEmail,
  maxCount: number,
  maxBytes: number,
): { kept: AttachmentUpload[]; dropped: DroppedAttachment[] } {
  const kept: AttachmentUpload[] = [];
  const dropped: DroppedAttachment[] = [];
  for (const a of mail.attachments) {
    const upload = {
      name: (clean(a.filename).trim() || 'attachment').slice(0, 255),
      contentType: clean(a.contentType).slice(0, 255),
      content: a.content,
    };
    const reason: DroppedAttachmentReason | null =
      a.content.byteLength > maxBytes ? 'too_large' : kept.length >= maxCount ? 'too_many' : null;
    if (reason === null) kept.push(upload);
    else {
      dropped.push({
        filename: upload.name,
        contentType: upload.contentType,
        size: a.content.byteLength,
        reason,
      });
    }
  }
  return { kept, dropped };
}

const TRUNCATION_MARK = '\n\n[…]';

// Cut at a UTF-16 length without splitting a surrogate pair (a lone surrogate cannot be stored in jsonb).
function cutText(text: string, length: number): string {
  const code = text.charCodeAt(length - 1);
  const end = code >= 0xd800 && code <= 0xdbff ? length - 1 : length;
  return text.slice(0, end).trimEnd();
}
// A note names at most this many dropped files (a mail may carry thousands of tiny ones).
const MAX_NOTED_FILES = 20;

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

/** The internal note that tells agents what an accepted mail left out. @internal */
export function leftOutNote(
  leftOut: InboundLeftOut,
  limits: { maxAttachments: number; maxAttachmentBytes: number },
): string {
  const lines = ['Not everything of this email was kept:'];
  if (leftOut.textTruncated) {
    lines.push(`- The text was cut to ${MAX_BODY_CHARS} characters.`);
  }
  const dropped = leftOut.dropped ?? [];
  for (const d of dropped.slice(0, MAX_NOTED_FILES)) {
    const why =
      d.reason === 'too_large'
        ? `over the limit of ${formatBytes(limits.maxAttachmentBytes)} per file`
        : `beyond ${limits.maxAttachments} attachments per email`;
    lines.push(
      `- Attachment "${d.filename}" (${d.contentType || 'unknown type'}, ${formatBytes(d.size)}): ${why}.`,
    );
  }
  if (dropped.length > MAX_NOTED_FILES) {
    lines.push(`- ${dropped.length - MAX_NOTED_FILES} more attachments were dropped.`);
  }
  if (dropped.length > 0)
    lines.push('Ask the requester for the missing files another way if they are needed.');
  return lines.join('\n');
}

// Without a Message-ID, the mail's content is its identity: the same mail posted twice still lands once.
function dedupeKey(mail: InboundEmail): string {
  if (mail.messageId !== undefined) return mail.messageId.slice(0, 998);
  const digest = createHash('sha256')
    .update([mail.from, mail.recipients.join(','), mail.subject, mail.text ?? mail.html ?? ''].join('\0'))
    .digest('hex');
  return `sha256:${digest}`;
}

/** Stores one checked mail: a customer message on its ticket, or a new email ticket. */
export async function receiveInboundEmail(
  deps: InboundEmailDeps,
  options: InboundEmailOptions,
  mail: InboundEmail,
): Promise<InboundOutcome> {
  const ignored = loopReason(mail);
  if (ignored !== null) return { ignored };
  // The sender becomes the requester's email: it must be an address (what the ticket schema accepts).
  if (!z.safeParse(SenderSchema, mail.from).success) {
    throw new ApiError(
      'validation_failed',
      'Invalid body: the sender is not an email address (at body.from)',
      {
        issues: [{ path: ['from'], code: 'invalid_format', message: 'Expected an email address.' }],
      },
    );
  }
  const limits = {
    maxAttachments: options.maxAttachments ?? 10,
    maxAttachmentBytes: options.maxAttachmentBytes ?? 5 * 1024 * 1024,
  };
  const { kept, dropped } = sortAttachments(mail, limits.maxAttachments, limits.maxAttachmentBytes);
  // The bytes are kept (downloadable from the ticket); the message names them by id.
  const { prepared, metadata: attachments } = prepareAttachments(kept);
  let body = clean(replyText(mail)).trim() || '(no text)';
  const textTruncated = body.length > MAX_BODY_CHARS;
  if (textTruncated) body = `${cutText(body, MAX_BODY_CHARS - TRUNCATION_MARK.length)}${TRUNCATION_MARK}`;
  const leftOut: InboundLeftOut = {
    ...(dropped.length === 0 ? {} : { dropped }),
    ...(textTruncated ? { textTruncated: true as const } : {}),
  };
  // Agents learn what is missing in the ticket itself, in the mail's transaction (requesters never see notes).
  const noteLeftOut = async (tx: SqlExecutor, ticketWorkspaceId: string, ticketId: string) => {
    if (dropped.length === 0 && !textTruncated) return;
    await deps.tickets.dispatchIn(
      tx,
      { workspaceId: ticketWorkspaceId, ticketId },
      {
        type: 'NOTE.ADD',
        noteId: createId('note'),
        body: leftOutNote(leftOut, limits),
        actor: { type: 'system', name: 'email' },
      },
    );
  };
  const tokens = mail.recipients
    .map((r) => tokenFromAddress(r, options.replyDomain))
    .filter((t): t is string => t !== null);
  const key = dedupeKey(mail);

  return deps.db.transaction(async (tx) => {
    const token = tokens[0];
    const claims = token === undefined ? null : await resolveReplyToken(tx, token, deps.tokenSecret);
    if (token !== undefined && claims === null) {
      throw new InboundEmailError('token_invalid', 'The reply address is not valid.');
    }
    const workspaceId = claims?.workspaceId ?? options.workspaceId;
    // The Message-ID row is written in the same transaction as the message: both land, or neither.
    // A concurrent copy waits on the row's lock and then finds it.
    const claimed = await tx.query(
      `INSERT INTO email_inbound_messages (workspace_id, message_id, ticket_id) VALUES ($1, $2, '')
       ON CONFLICT (workspace_id, message_id) DO NOTHING`,
      [workspaceId, key],
    );
    if (claimed.rowCount === 0) {
      const { rows } = await tx.query<{ ticket_id: string }>(
        'SELECT ticket_id FROM email_inbound_messages WHERE workspace_id = $1 AND message_id = $2',
        [workspaceId, key],
      );
      return { status: 'duplicate', ticketId: rows[0]?.ticket_id ?? '' };
    }
    let outcome: { status: 'created' | 'replied'; ticketId: string } & InboundLeftOut;
    if (claims !== null) {
      const stored = await readTicket(tx, claims.workspaceId, claims.ticketId);
      if (stored === null || stored.requesterId !== claims.requesterId) {
        throw new InboundEmailError('token_invalid', 'The reply address is not valid.');
      }
      // A token is bound to its requester: a mail from anyone else with a copy of the address is refused.
      if (stored.data.requester.email?.toLowerCase() !== mail.from) {
        throw new InboundEmailError('sender_mismatch', 'The sender is not the requester of this ticket.');
      }
      const actor = {
        type: 'customer' as const,
        id: stored.requesterId,
        ...(stored.data.requester.name === undefined ? {} : { name: stored.data.requester.name }),
      };
      if (stored.data.status === 'closed') {
        // A closed ticket takes no messages; refusing would make the provider retry and then drop the
        // mail. The answer opens a follow-up ticket for the same requester instead.
        const followUp = await deps.tickets.create(
          {
            workspaceId: claims.workspaceId,
            requester: stored.data.requester,
            actor,
            subject: clean(mail.subject).trim().slice(0, 300) || stored.data.subject,
            body,
            attachments,
            channel: 'email',
          },
          { tx },
        );
        outcome = { status: 'created', ticketId: followUp.id, ...leftOut };
        await storeAttachments(tx, claims.workspaceId, followUp.id, prepared);
        await noteLeftOut(tx, claims.workspaceId, followUp.id);
        await tx.query(
          'UPDATE email_inbound_messages SET ticket_id = $3 WHERE workspace_id = $1 AND message_id = $2',
          [workspaceId, key, outcome.ticketId],
        );
        return outcome;
      }
      const ticket = (await deps.tickets.dispatchIn(
        tx,
        { workspaceId: claims.workspaceId, ticketId: claims.ticketId, requesterId: claims.requesterId },
        { type: 'MESSAGE.CUSTOMER', messageId: createId('msg'), body, attachments, actor },
      )) as Ticket;
      await storeAttachments(tx, claims.workspaceId, ticket.id, prepared);
      if (ticket.tier === 0) await deps.leaveTierZero(tx, ticket, 'the requester replied by email');
      await noteLeftOut(tx, claims.workspaceId, ticket.id);
      outcome = { status: 'replied', ticketId: ticket.id, ...leftOut };
    } else {
      const requesterId = emailRequesterId(mail.from);
      const name = mail.fromName?.slice(0, 200);
      const ticket = await deps.tickets.create(
        {
          workspaceId,
          requester: { id: requesterId, email: mail.from, ...(name === undefined ? {} : { name }), tags: [] },
          actor: { type: 'customer', id: requesterId, ...(name === undefined ? {} : { name }) },
          subject: clean(mail.subject).trim().slice(0, 300) || '(no subject)',
          body,
          attachments,
          channel: 'email',
        },
        { tx },
      );
      await storeAttachments(tx, workspaceId, ticket.id, prepared);
      await noteLeftOut(tx, workspaceId, ticket.id);
      outcome = { status: 'created', ticketId: ticket.id, ...leftOut };
    }
    await tx.query(
      'UPDATE email_inbound_messages SET ticket_id = $3 WHERE workspace_id = $1 AND message_id = $2',
      [workspaceId, key, outcome.ticketId],
    );
    return outcome;
  });
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
  });
}

/**
 * The handler of one inbound path: authenticates (401 without the secret, before reading the body),
 * reads the format, ignores loops (202 `{ ignored }`), stores the rest (201 created / 200 replied or
 * duplicate; attachments over the limits are dropped and listed as `dropped`), refuses bad tokens and
 * spoofed senders (403 with `error.reason`) and bodies over `maxBodyBytes` (413).
 */
export function inboundEmailHandler(
  deps: InboundEmailDeps,
  options: InboundEmailOptions,
  format: InboundEmailFormat,
): (request: Request) => Promise<Response> {
  if (options.secret.length < 16) throw new TypeError('inboundEmail.secret must have at least 16 characters');
  return async (request) => {
    if (!authenticInbound(request, options.secret)) {
      return errorResponse(
        new ApiError('unauthorized', 'Send the inbound secret (HTTP Basic password or Bearer).', {
          headers: { 'www-authenticate': 'Basic realm="tierdesk-email"' },
        }),
      );
    }
    const mail = await readMail(request, format, options.maxBodyBytes ?? 10 * 1024 * 1024);
    try {
      const outcome = await receiveInboundEmail(deps, options, mail);
      if ('ignored' in outcome) return json(202, outcome);
      return json(outcome.status === 'created' ? 201 : 200, outcome);
    } catch (error) {
      if (error instanceof InboundEmailError) {
        const body = error.toBody();
        return json(error.status, { error: { ...body.error, reason: error.reason } });
      }
      throw error;
    }
  };
}
