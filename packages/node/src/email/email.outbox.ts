import type { Ticket } from '@tierdesk/core';
import { createId } from '../ids';
import { notifyInTransaction, type SqlExecutor } from '../store';
import type { ChangeWriter, TicketChange } from '../tickets/ticket.service';
import { OUTBOX_CHANNEL } from '../webhooks/webhook.outbox';
import type { OutgoingEmail, ParsedEmailOptions } from './email.config';
import {
  EMAIL_LOCALES,
  type EmailLocale,
  type EmailNotificationKind,
  renderNotification,
} from './email.messages';
import { issueReplyToken, replyAddress } from './reply-token';
import { createUnsubscribeToken, unsubscribeUrl } from './unsubscribe';

/** The outbox topic of notification mails. */
export const EMAIL_OUTBOX_TOPIC = 'email';

/** The outbox payload of one notification mail: the finished message, so every attempt sends the same bytes. @internal */
export interface EmailOutboxPayload {
  notificationId: string;
  ticketId: string;
  kind: EmailNotificationKind;
  message: OutgoingEmail;
}

// References grow by one per mail; mail clients only need the recent ones to thread (RFC 5322 §3.6.4
// allows trimming), and very long headers get mails rejected.
const MAX_REFERENCES = 20;

interface Notice {
  kind: EmailNotificationKind;
  body?: string;
  authorName?: string;
}

/** What a change tells the requester, in order. Internal notes and internal moves tell nothing. */
export function noticesOf(change: TicketChange): Notice[] {
  const notices: Notice[] = [];
  for (const event of change.events) {
    if (event.type === 'message.public' && event.role === 'agent') {
      notices.push({
        kind: 'agent_reply',
        body: event.body,
        ...(event.actor.name === undefined ? {} : { authorName: event.actor.name }),
      });
    } else if (event.type === 'status.changed' && event.from !== event.to) {
      if (event.to === 'solved') notices.push({ kind: 'status_solved' });
      // A reply that also sets pending already asks the question: one mail, not two.
      if (event.to === 'pending' && !notices.some((n) => n.kind === 'agent_reply')) {
        notices.push({ kind: 'status_pending' });
      }
    }
  }
  if (change.effects.some((e) => e.type === 'notify' && e.reason === 'csat_request')) {
    notices.push({ kind: 'csat_request' });
  }
  return notices;
}

/** The app's page of a ticket: `{ticketId}` in appUrl is replaced, else `/tickets/<id>` is appended. */
export function ticketUrl(appUrl: string, ticketId: string): string {
  const id = encodeURIComponent(ticketId);
  if (appUrl.includes('{ticketId}')) return appUrl.replaceAll('{ticketId}', id);
  return `${appUrl.replace(/\/+$/, '')}/tickets/${id}`;
}

/** `<notif-<id>@replyDomain>`: the Message-ID of a notification. */
export function notificationMessageId(notificationId: string, replyDomain: string): string {
  return `<notif-${notificationId}@${replyDomain.toLowerCase()}>`;
}

/** Whether a requester opted out of notification mails. */
export async function isOptedOut(
  exec: SqlExecutor,
  workspaceId: string,
  requesterId: string,
): Promise<boolean> {
  const { rows } = await exec.query(
    'SELECT 1 FROM email_opt_outs WHERE workspace_id = $1 AND requester_id = $2',
    [workspaceId, requesterId],
  );
  return rows.length > 0;
}

/**
 * Opts a requester out of notification mails (`optedOut: true`) or back in. Hosts call it from their own
 * settings page or unsubscribe link (see the README); it takes effect for the next change.
 */
export async function setEmailOptOut(
  exec: SqlExecutor,
  workspaceId: string,
  requesterId: string,
  optedOut: boolean,
): Promise<void> {
  if (optedOut) {
    await exec.query(
      'INSERT INTO email_opt_outs (workspace_id, requester_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
      [workspaceId, requesterId],
    );
  } else {
    await exec.query('DELETE FROM email_opt_outs WHERE workspace_id = $1 AND requester_id = $2', [
      workspaceId,
      requesterId,
    ]);
  }
}

/** The supported mail language a locale tag names (`de-AT` → `de`), else undefined. */
export function emailLocaleOf(tag: string | null | undefined): EmailLocale | undefined {
  const language = tag?.trim().toLowerCase().split(/[-_]/)[0];
  return EMAIL_LOCALES.find((l) => l === language);
}

// The host's answer first (it knows its users), then what the widget reported with the ticket.
async function localeFor(tx: SqlExecutor, options: ParsedEmailOptions, ticket: Ticket): Promise<EmailLocale> {
  const fromHost = emailLocaleOf(await options.localeOf?.(ticket));
  if (fromHost !== undefined) return fromHost;
  const { rows } = await tx.query<{ locale: string | null }>(
    `SELECT diagnostics->>'locale' AS locale FROM tickets WHERE workspace_id = $1 AND id = $2`,
    [ticket.workspaceId, ticket.id],
  );
  return emailLocaleOf(rows[0]?.locale) ?? options.locale;
}

async function enqueueNotice(
  tx: SqlExecutor,
  options: ParsedEmailOptions & { tokenSecret: string },
  ticket: Ticket,
  to: string,
  notice: Notice,
): Promise<void> {
  const { rows: earlier } = await tx.query<{ id: string }>(
    'SELECT id FROM email_notifications WHERE ticket_id = $1 ORDER BY seq DESC LIMIT $2',
    [ticket.id, MAX_REFERENCES],
  );
  const references = earlier.map((r) => notificationMessageId(r.id, options.replyDomain)).reverse();
  const notificationId = createId('ntf');
  await tx.query(
    'INSERT INTO email_notifications (id, workspace_id, ticket_id, kind) VALUES ($1, $2, $3, $4)',
    [notificationId, ticket.workspaceId, ticket.id, notice.kind],
  );
  // A fresh token per mail: a leaked address can be revoked alone, and mails never share one.
  const token = await issueReplyToken(
    tx,
    { workspaceId: ticket.workspaceId, ticketId: ticket.id, requesterId: ticket.requester.id },
    options.tokenSecret,
  );
  const locale = await localeFor(tx, options, ticket);
  const unsubscribe =
    options.publicUrl === undefined
      ? undefined
      : unsubscribeUrl(
          options.publicUrl,
          createUnsubscribeToken(
            { workspaceId: ticket.workspaceId, requesterId: ticket.requester.id },
            options.tokenSecret,
          ),
          locale,
        );
  const rendered = renderNotification({
    kind: notice.kind,
    ticket,
    body: notice.body,
    authorName: notice.authorName,
    url: ticketUrl(options.appUrl, ticket.id),
    locale,
    timeZone: options.timeZone,
    unsubscribeUrl: unsubscribe,
  });
  const message: OutgoingEmail = {
    from: options.from,
    to,
    replyTo: replyAddress(token, options.replyDomain),
    subject: rendered.subject,
    text: rendered.text,
    html: rendered.html,
    messageId: notificationMessageId(notificationId, options.replyDomain),
    inReplyTo: references.at(-1),
    references,
    // RFC 3834: tells auto-responders (vacation replies) not to answer, which prevents mail loops.
    headers: {
      'Auto-Submitted': 'auto-generated',
      'X-Tierdesk-Ticket': ticket.id,
      // RFC 2369 + RFC 8058: mail clients show an unsubscribe button that POSTs without a page.
      ...(unsubscribe === undefined
        ? {}
        : { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }),
    },
  };
  const payload: EmailOutboxPayload = { notificationId, ticketId: ticket.id, kind: notice.kind, message };
  await tx.query('INSERT INTO outbox (workspace_id, topic, payload) VALUES ($1, $2, $3::jsonb)', [
    ticket.workspaceId,
    EMAIL_OUTBOX_TOPIC,
    JSON.stringify(payload),
  ]);
}

/**
 * The change writer of outbound email: for every notice of a change (agent reply, solved, pending, CSAT
 * request) it writes a notification row, a reply token and an `email` outbox row in the change's own
 * transaction, then notifies `tierdesk_outbox` (delivered at COMMIT). A rolled-back change sends
 * nothing; a committed one is sent by the email dispatcher. Requesters without an address or opted out
 * get nothing.
 */
export function emailChangeWriter(options: ParsedEmailOptions & { tokenSecret: string }): ChangeWriter {
  return async (tx, change) => {
    const { ticket } = change;
    const to = ticket.requester.email;
    if (to === undefined) return;
    const notices = noticesOf(change);
    if (notices.length === 0) return;
    if (await isOptedOut(tx, ticket.workspaceId, ticket.requester.id)) return;
    for (const notice of notices) await enqueueNotice(tx, options, ticket, to, notice);
    await notifyInTransaction(tx, OUTBOX_CHANNEL, EMAIL_OUTBOX_TOPIC);
  };
}
