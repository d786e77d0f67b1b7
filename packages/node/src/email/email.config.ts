import type { Ticket } from '@tierdesk/core';
import * as z from 'zod/mini';
import { EMAIL_LOCALES } from './email.messages';

/** One mail, ready for a transport. */
export interface OutgoingEmail {
  from: string;
  to: string;
  replyTo: string;
  subject: string;
  text: string;
  html: string;
  /** Message-ID including angle brackets, stable per notification (`<notif-<id>@replyDomain>`). */
  messageId: string;
  /** The ticket's previous notification, or undefined for the first. */
  inReplyTo?: string | undefined;
  /** The ticket's earlier notifications, oldest first. */
  references: string[];
  /** Extra headers (`Auto-Submitted: auto-generated`). */
  headers: Record<string, string>;
}

/** Sends one mail. Reject to have the outbox retry it later (with back-off). */
export interface EmailTransport {
  send(message: OutgoingEmail): Promise<{ messageId: string }>;
}

/** SMTP settings of the default transport (nodemailer). */
export interface SmtpOptions {
  host: string;
  port: number;
  /** TLS from the start (port 465). false uses STARTTLS when the server offers it. */
  secure?: boolean | undefined;
  auth?: { user: string; pass: string } | undefined;
}

/** Configuration of outbound email notifications (see the README, "Email: outbound"). */
export interface EmailOptions {
  /** The From address, e.g. `Acme Support <support@acme.example>`. */
  from: string;
  /** The domain of reply addresses: `reply+<token>@<replyDomain>` (its MX must reach the inbound endpoint). */
  replyDomain: string;
  /** Signs reply tokens (≥ 32 characters). Default: the server's `serverSecret`. */
  tokenSecret?: string | undefined;
  /** A custom transport; default SMTP with `smtp`. */
  transport?: EmailTransport | undefined;
  /** SMTP server of the default transport (required without `transport`). */
  smtp?: SmtpOptions | undefined;
  /**
   * The app's ticket page: `{ticketId}` is replaced by the ticket id; without it `/tickets/<id>` is appended.
   */
  appUrl: string;
  /**
   * Language of the mails when the requester's is unknown. Default `en`. Each mail is written in the
   * requester's language when {@link EmailOptions.localeOf} or the widget's diagnostics name one that is
   * supported.
   */
  locale?: (typeof EMAIL_LOCALES)[number] | undefined;
  /**
   * The requester's language, from the host's user records (`'de'`, `'de-AT'`, …; unsupported or undefined
   * falls back to the locale the widget reported with the ticket, then to `locale`).
   */
  localeOf?: ((ticket: Ticket) => string | undefined | Promise<string | undefined>) | undefined;
  /**
   * The public base URL of this API (`https://support-api.acme.example`, with a path prefix if it is
   * mounted under one). With it every mail carries a one-click unsubscribe link (`List-Unsubscribe` +
   * `List-Unsubscribe-Post`, RFC 8058) and the same link in its footer.
   */
  publicUrl?: string | undefined;
  /** Time zone of dates in mails (IANA name). Default `UTC`. */
  timeZone?: string | undefined;
  /** Waits between delivery attempts, ms (default: the webhook schedule, about three days). */
  retrySchedule?: readonly number[] | undefined;
}

const transportSchema = z.custom<EmailTransport>(
  (value) =>
    typeof value === 'object' && value !== null && typeof (value as { send?: unknown }).send === 'function',
  { message: 'transport must have a send(message) method' },
);

/** The schema `createTierdesk` parses `email` with. @internal */
export const EmailOptionsSchema = z
  .object({
    from: z.string().check(z.minLength(3), z.regex(/@/, 'from must contain an address')),
    replyDomain: z.string().check(z.regex(/^[a-z0-9.-]+\.[a-z]{2,}$/i, 'replyDomain must be a domain name')),
    tokenSecret: z.optional(z.string().check(z.minLength(32))),
    transport: z.optional(transportSchema),
    smtp: z.optional(
      z.object({
        host: z.string().check(z.minLength(1)),
        port: z.number().check(z.int(), z.positive()),
        secure: z.optional(z.boolean()),
        auth: z.optional(z.object({ user: z.string(), pass: z.string() })),
      }),
    ),
    appUrl: z.url(),
    publicUrl: z.optional(z.url({ protocol: /^https?$/ })),
    localeOf: z.optional(
      z.custom<NonNullable<EmailOptions['localeOf']>>((value) => typeof value === 'function', {
        message: 'localeOf must be a function',
      }),
    ),
    locale: z._default(z.enum(EMAIL_LOCALES), 'en'),
    timeZone: z._default(
      z.string().check(
        z.refine((tz) => {
          try {
            new Intl.DateTimeFormat('en', { timeZone: tz });
            return true;
          } catch {
            return false;
          }
        }, 'timeZone must be an IANA time zone'),
      ),
      'UTC',
    ),
    retrySchedule: z.optional(z.array(z.number().check(z.nonnegative()))),
  })
  .check(
    z.refine((o) => o.transport !== undefined || o.smtp !== undefined, {
      message: 'email needs smtp settings or a transport',
    }),
  );

/** Parsed email options. @internal */
export type ParsedEmailOptions = z.output<typeof EmailOptionsSchema>;
