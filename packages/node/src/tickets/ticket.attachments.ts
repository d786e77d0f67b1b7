import { createHash } from 'node:crypto';
import type { Attachment } from '@tierdesk/core';
import { ApiError } from '../http/api-error';
import type { Identity } from '../identity';
import { createId } from '../ids';
import type { SqlExecutor } from '../store';
import { readTicket } from './ticket.store';

/** A file whose bytes the server keeps (inbound mail), before it is stored. */
export interface AttachmentUpload {
  name: string;
  contentType: string;
  content: Uint8Array;
}

/** An upload with the id its metadata will carry, ready for {@link storeAttachments}. */
export interface PreparedAttachment extends AttachmentUpload {
  id: string;
}

/** Gives each upload an id and returns the timeline metadata that names it. */
export function prepareAttachments(uploads: readonly AttachmentUpload[]): {
  prepared: PreparedAttachment[];
  metadata: Attachment[];
} {
  const prepared = uploads.map((u) => ({ ...u, id: createId('att') }));
  return {
    prepared,
    metadata: prepared.map((p) => ({
      id: p.id,
      name: p.name,
      contentType: p.contentType,
      size: p.content.byteLength,
    })),
  };
}

/**
 * Stores the bytes of prepared attachments for a ticket, in the caller's transaction (the message that
 * names them and the bytes land together, or neither does).
 */
export async function storeAttachments(
  tx: SqlExecutor,
  workspaceId: string,
  ticketId: string,
  prepared: readonly PreparedAttachment[],
): Promise<void> {
  for (const file of prepared) {
    await tx.query(
      `INSERT INTO ticket_attachments (workspace_id, id, ticket_id, name, content_type, size, sha256, content)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [
        workspaceId,
        file.id,
        ticketId,
        file.name,
        file.contentType,
        file.content.byteLength,
        createHash('sha256').update(file.content).digest('hex'),
        file.content,
      ],
    );
  }
}

/**
 * Attachment metadata as API callers send it: `url` (their own storage) is kept, `id` is dropped — only
 * the server names the bytes it keeps.
 */
export function callerAttachments(list: readonly Attachment[]): Attachment[] {
  return list.map((a) => ({
    name: a.name,
    contentType: a.contentType,
    size: a.size,
    ...(a.url === undefined ? {} : { url: a.url }),
  }));
}

// Types a browser would render or run when opened from our origin; served as bytes instead.
const ACTIVE_TYPE =
  /^(text\/html|application\/xhtml|image\/svg|text\/xml|application\/xml|text\/javascript|application\/javascript|application\/ecmascript|text\/ecmascript|multipart\/)/i;
const SAFE_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i;

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII fallback and the real name. */
function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/**
 * Answers a download of a kept attachment: the requester of the ticket (end-user route) or an agent of
 * its workspace (agent route); anyone else gets 404, as for tickets. Always a download
 * (`Content-Disposition: attachment`), never rendered: active types are sent as
 * `application/octet-stream`, with `nosniff` and a sandboxing CSP.
 */
export async function downloadAttachment(
  db: SqlExecutor,
  identity: Identity,
  params: { ticketId: string; attachmentId: string },
): Promise<Response> {
  const notFound = () => new ApiError('not_found', 'No such attachment.');
  const ticket = await readTicket(db, identity.workspaceId, params.ticketId);
  if (ticket === null) throw notFound();
  if (identity.kind === 'user' && ticket.requesterId !== identity.userId) throw notFound();
  const { rows } = await db.query<{
    name: string;
    content_type: string;
    sha256: string;
    content: Uint8Array;
  }>(
    `SELECT name, content_type, sha256, content FROM ticket_attachments
      WHERE workspace_id = $1 AND id = $2 AND ticket_id = $3`,
    [identity.workspaceId, params.attachmentId, params.ticketId],
  );
  const row = rows[0];
  if (row === undefined) throw notFound();
  const type =
    SAFE_TYPE.test(row.content_type) && !ACTIVE_TYPE.test(row.content_type)
      ? row.content_type
      : 'application/octet-stream';
  return new Response(new Uint8Array(row.content), {
    status: 200,
    headers: {
      'content-type': type,
      'content-length': String(row.content.byteLength),
      'content-disposition': contentDisposition(row.name),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
      etag: `"${row.sha256}"`,
    },
  });
}
