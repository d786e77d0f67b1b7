import type { ClockSummary, Ticket } from '@tierdesk/core';

/** Languages notification mails are written in. */
export const EMAIL_LOCALES = ['en', 'de'] as const;
/** A language of notification mails. */
export type EmailLocale = (typeof EMAIL_LOCALES)[number];

/** Why a notification is sent: an agent's public reply, a status the requester should know, a CSAT request. */
export type EmailNotificationKind = 'agent_reply' | 'status_solved' | 'status_pending' | 'csat_request';

/** One catalog: the same keys in every language, `{name}` placeholders (the React catalogs' style). */
interface EmailCatalog {
  subject: Record<EmailNotificationKind, string>;
  greeting: string;
  greetingAnonymous: string;
  lead: Record<EmailNotificationKind, string>;
  promise: { reply: string; update: string; resolution: string };
  openTicket: string;
  replyHint: string;
  footer: string;
  unsubscribe: string;
}

// Server-side twin of packages/react/src/i18n/messages: plain strings, `{name}` placeholders, no markup.
const CATALOGS: Record<EmailLocale, EmailCatalog> = {
  en: {
    subject: {
      agent_reply: 'New reply on your request #{number}: {subject}',
      status_solved: 'Your request #{number} has been solved: {subject}',
      status_pending: 'We are waiting for your reply on request #{number}: {subject}',
      csat_request: 'How did we do on request #{number}?',
    },
    greeting: 'Hello {name},',
    greetingAnonymous: 'Hello,',
    lead: {
      agent_reply: '{agent} replied to your request “{subject}”:',
      status_solved: 'We marked your request “{subject}” as solved. If something is still wrong, just reply.',
      status_pending: 'We need a bit more information from you on “{subject}”. Please reply when you can.',
      csat_request:
        'Please tell us how satisfied you are with the help on “{subject}”. It takes a few seconds.',
    },
    promise: {
      reply: 'Our next reply is due by {date}.',
      update: 'Our next update is due by {date}.',
      resolution: 'We aim to resolve your request by {date}.',
    },
    openTicket: 'View your request: {url}',
    replyHint: 'You can answer this email directly; your reply is added to the request.',
    footer: 'This is an automatic message about request #{number}.',
    unsubscribe: 'Stop these emails: {url}',
  },
  de: {
    subject: {
      agent_reply: 'Neue Antwort auf Ihre Anfrage #{number}: {subject}',
      status_solved: 'Ihre Anfrage #{number} wurde gelöst: {subject}',
      status_pending: 'Wir warten auf Ihre Antwort zu Anfrage #{number}: {subject}',
      csat_request: 'Wie zufrieden waren Sie mit Anfrage #{number}?',
    },
    greeting: 'Hallo {name},',
    greetingAnonymous: 'Hallo,',
    lead: {
      agent_reply: '{agent} hat auf Ihre Anfrage „{subject}“ geantwortet:',
      status_solved:
        'Wir haben Ihre Anfrage „{subject}“ als gelöst markiert. Falls noch etwas nicht stimmt, antworten Sie einfach.',
      status_pending:
        'Wir benötigen noch Informationen von Ihnen zu „{subject}“. Bitte antworten Sie, sobald Sie können.',
      csat_request:
        'Bitte sagen Sie uns, wie zufrieden Sie mit der Hilfe zu „{subject}“ sind. Es dauert nur Sekunden.',
    },
    promise: {
      reply: 'Unsere nächste Antwort erhalten Sie bis {date}.',
      update: 'Unser nächstes Update erhalten Sie bis {date}.',
      resolution: 'Wir möchten Ihre Anfrage bis {date} lösen.',
    },
    openTicket: 'Ihre Anfrage ansehen: {url}',
    replyHint: 'Sie können direkt auf diese E-Mail antworten; Ihre Antwort wird der Anfrage hinzugefügt.',
    footer: 'Dies ist eine automatische Nachricht zu Anfrage #{number}.',
    unsubscribe: 'Diese E-Mails abbestellen: {url}',
  },
};

function fill(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) =>
    key in values ? String(values[key]) : whole,
  );
}

/** Escapes text for HTML element content and attribute values (no user HTML ever reaches a mail). */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * The ticket's promise to the requester: the earliest running customer-facing SLA clock (kind `sla`;
 * OLA and vendor clocks are internal). Paused clocks (pending, on hold) promise nothing.
 */
export function ticketPromise(ticket: Ticket): ClockSummary | null {
  let best: ClockSummary | null = null;
  for (const clock of ticket.sla) {
    if (clock.kind !== 'sla' || clock.status !== 'running' || clock.dueAt === null) continue;
    if (best === null || Date.parse(clock.dueAt) < Date.parse(best.dueAt as string)) best = clock;
  }
  return best;
}

/** What a notification says, before it becomes a mail. */
export interface NotificationContent {
  kind: EmailNotificationKind;
  ticket: Ticket;
  /** The agent's message (agent_reply only), as plain text: markdown source, shown verbatim. */
  body?: string | undefined;
  /** Who wrote it (agent_reply only). */
  authorName?: string | undefined;
  /** Link back into the app. */
  url: string;
  locale: EmailLocale;
  /** IANA time zone of dates in the mail. */
  timeZone: string;
  /** The requester's one-click unsubscribe link (footer), when the server knows its public URL. */
  unsubscribeUrl?: string | undefined;
}

/** A rendered notification: subject, plain text and HTML (everything user-supplied escaped). */
export interface RenderedNotification {
  subject: string;
  text: string;
  html: string;
}

/** Writes a notification in its locale: text and an HTML twin built from the same escaped parts. */
export function renderNotification(content: NotificationContent): RenderedNotification {
  const catalog = CATALOGS[content.locale];
  const { ticket } = content;
  // Subjects are single-line: a CR/LF in a ticket subject must not reach a header.
  const subjectText = ticket.subject.replace(/[\r\n]+/g, ' ');
  const values = {
    number: ticket.number,
    subject: subjectText,
    agent: content.authorName ?? (content.locale === 'de' ? 'Unser Team' : 'Our team'),
    url: content.url,
  };
  const name = ticket.requester.name;
  const greeting = name === undefined ? catalog.greetingAnonymous : fill(catalog.greeting, { name });
  const lead = fill(catalog.lead[content.kind], values);
  const promiseClock = content.kind === 'status_pending' ? null : ticketPromise(ticket);
  let promise: string | null = null;
  if (promiseClock !== null) {
    const date = new Intl.DateTimeFormat(content.locale, {
      // dateStyle cannot be combined with timeZoneName, and the zone matters in a mail read anywhere.
      year: 'numeric',
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: content.timeZone,
      timeZoneName: 'short',
    }).format(new Date(promiseClock.dueAt as string));
    const template =
      promiseClock.metric === 'resolution'
        ? catalog.promise.resolution
        : promiseClock.metric === 'periodic_update'
          ? catalog.promise.update
          : catalog.promise.reply;
    promise = fill(template, { date });
  }
  const open = fill(catalog.openTicket, values);
  const footer = fill(catalog.footer, values);
  const body = content.kind === 'agent_reply' ? (content.body ?? '') : null;

  const text = [
    greeting,
    '',
    lead,
    ...(body === null ? [] : ['', body]),
    ...(promise === null ? [] : ['', promise]),
    '',
    open,
    catalog.replyHint,
    '',
    '-- ',
    footer,
    ...(content.unsubscribeUrl === undefined
      ? []
      : [fill(catalog.unsubscribe, { url: content.unsubscribeUrl })]),
    '',
  ].join('\n');

  const paragraph = (s: string): string => `<p>${escapeHtml(s)}</p>`;
  const linkLabel = escapeHtml(fill(catalog.openTicket, { ...values, url: '' }).replace(/[:\s]+$/, ''));
  const html = [
    '<!doctype html>',
    `<html lang="${content.locale}"><head><meta charset="utf-8"><title>${escapeHtml(
      fill(catalog.subject[content.kind], values),
    )}</title></head><body>`,
    paragraph(greeting),
    paragraph(lead),
    ...(body === null
      ? []
      : [`<blockquote style="white-space:pre-wrap;margin:0 0 1em;">${escapeHtml(body)}</blockquote>`]),
    ...(promise === null ? [] : [paragraph(promise)]),
    `<p><a href="${escapeHtml(content.url)}">${linkLabel}</a></p>`,
    paragraph(catalog.replyHint),
    `<hr><p style="color:#666;font-size:12px;">${escapeHtml(footer)}${
      content.unsubscribeUrl === undefined
        ? ''
        : ` <a href="${escapeHtml(content.unsubscribeUrl)}">${escapeHtml(
            fill(catalog.unsubscribe, { url: '' }).replace(/[:\s]+$/, ''),
          )}</a>`
    }</p>`,
    '</body></html>',
  ].join('\n');

  return { subject: fill(catalog.subject[content.kind], values), text, html };
}
