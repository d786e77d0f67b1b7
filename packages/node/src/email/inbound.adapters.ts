import { type AddressObject, simpleParser } from 'mailparser';
import * as z from 'zod/mini';
import { ApiError } from '../http/api-error';
import {
  Base64Schema,
  bareMessageId,
  decodeBase64,
  type InboundAttachment,
  type InboundEmail,
  InboundEmailJsonSchema,
  lowerHeaders,
  parseAddress,
  splitAddresses,
} from './inbound.schema';

function validate<S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> {
  const result = z.safeParse(schema, value);
  if (!result.success) throw ApiError.fromZod('body', result.error.issues);
  return result.data;
}

function sender(from: string): { from: string; fromName: string | undefined } {
  const parsed = parseAddress(splitAddresses(from)[0] ?? from);
  return { from: parsed.address, fromName: parsed.name };
}

/** The documented JSON shape → {@link InboundEmail} (400 with issue paths when it does not match). */
export function fromJsonShape(value: unknown): InboundEmail {
  const mail = validate(InboundEmailJsonSchema, value);
  const headers = lowerHeaders(Object.entries(mail.headers ?? {}));
  return {
    ...sender(mail.from),
    recipients: [...splitAddresses(mail.to), ...splitAddresses(mail.cc)],
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: bareMessageId(mail.messageId ?? headers['message-id']),
    headers,
    contentType: headers['content-type'],
    attachments: (mail.attachments ?? []).map((a) => ({
      filename: a.filename,
      contentType: a.contentType,
      content: decodeBase64(a.contentBase64),
    })),
  };
}

/**
 * Postmark's inbound webhook JSON (https://postmarkapp.com/developer/webhooks/inbound-webhook):
 * `FromFull`, `ToFull`, `CcFull`, `Subject`, `TextBody`, `HtmlBody`, `Headers: [{ Name, Value }]`,
 * `Attachments: [{ Name, Content, ContentType, ContentLength }]`. Postmark's own `MessageID` is its
 * id, not the mail's: the mail's Message-ID is taken from `Headers` and only falls back to it.
 */
const PostmarkSchema = z.object({
  From: z.optional(z.string()),
  FromFull: z.optional(z.object({ Email: z.string(), Name: z.optional(z.string()) })),
  To: z.optional(z.string()),
  ToFull: z.optional(z.array(z.object({ Email: z.string(), Name: z.optional(z.string()) }))),
  Cc: z.optional(z.string()),
  CcFull: z.optional(z.array(z.object({ Email: z.string(), Name: z.optional(z.string()) }))),
  Subject: z.optional(z.string()),
  MessageID: z.optional(z.string()),
  TextBody: z.optional(z.string()),
  HtmlBody: z.optional(z.string()),
  Headers: z.optional(z.array(z.object({ Name: z.string(), Value: z.string() }))),
  Attachments: z.optional(
    z.array(
      z.object({
        Name: z.string(),
        Content: Base64Schema,
        ContentType: z.string(),
        ContentLength: z.optional(z.number()),
      }),
    ),
  ),
});

/** Postmark's inbound JSON → {@link InboundEmail}. */
export function fromPostmark(value: unknown): InboundEmail {
  const mail = validate(PostmarkSchema, value);
  const from = mail.FromFull?.Email ?? mail.From;
  if (from === undefined) {
    throw new ApiError('validation_failed', 'Invalid body: no sender (at body.FromFull)', {
      issues: [{ path: ['FromFull'], code: 'invalid_type', message: 'A sender is required.' }],
    });
  }
  const headers = lowerHeaders((mail.Headers ?? []).map((h) => [h.Name, h.Value] as const));
  const recipients = [
    ...(mail.ToFull?.map((a) => a.Email) ?? splitAddresses(mail.To)),
    ...(mail.CcFull?.map((a) => a.Email) ?? splitAddresses(mail.Cc)),
  ];
  const parsed = parseAddress(from);
  return {
    from: parsed.address,
    fromName: mail.FromFull?.Name || parsed.name,
    recipients,
    subject: mail.Subject ?? '',
    text: mail.TextBody,
    html: mail.HtmlBody,
    messageId: bareMessageId(headers['message-id'] ?? mail.MessageID),
    headers,
    contentType: headers['content-type'],
    attachments: (mail.Attachments ?? []).map((a) => ({
      filename: a.Name,
      contentType: a.ContentType,
      content: decodeBase64(a.Content),
    })),
  };
}

/** Unfolds a raw header block (`Name: value` lines, continuation lines indented) into pairs. */
function parseHeaderBlock(block: string): [string, string][] {
  const out: [string, string][] = [];
  for (const line of block.split(/\r?\n/)) {
    const last = out.at(-1);
    if (/^[ \t]/.test(line) && last !== undefined) {
      last[1] += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon > 0) out.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return out;
}

/**
 * SendGrid Inbound Parse (`multipart/form-data`,
 * https://www.twilio.com/docs/sendgrid/for-developers/parsing-email/setting-up-the-inbound-parse-webhook):
 * fields `from`, `to`, `cc`, `subject`, `text`, `html`, `headers` (the raw header block) and files
 * `attachment1…N`; with "POST the raw, full MIME message" on, a single `email` field holding the MIME.
 */
export async function fromSendgrid(form: FormData): Promise<InboundEmail> {
  const field = (name: string): string | undefined => {
    const value = form.get(name);
    return typeof value === 'string' ? value : undefined;
  };
  const raw = field('email');
  if (raw !== undefined) return fromMime(Buffer.from(raw, 'utf8'));
  const from = field('from');
  if (from === undefined) {
    throw new ApiError('validation_failed', 'Invalid body: no sender (at body.from)', {
      issues: [{ path: ['from'], code: 'invalid_type', message: 'A sender is required.' }],
    });
  }
  const headers = lowerHeaders(parseHeaderBlock(field('headers') ?? ''));
  const attachments: InboundAttachment[] = [];
  for (const [name, value] of form.entries()) {
    if (!/^attachment\d+$/.test(name) || typeof value === 'string') continue;
    attachments.push({
      filename: value.name || name,
      contentType: value.type || 'application/octet-stream',
      content: new Uint8Array(await value.arrayBuffer()),
    });
  }
  return {
    ...sender(from),
    recipients: [...splitAddresses(field('to')), ...splitAddresses(field('cc'))],
    subject: field('subject') ?? '',
    text: field('text'),
    html: field('html'),
    messageId: bareMessageId(headers['message-id']),
    headers,
    contentType: headers['content-type'],
    attachments,
  };
}

function addresses(value: AddressObject | AddressObject[] | undefined): string[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list.flatMap((o) => o.value.map((a) => a.address ?? '').filter((a) => a !== ''));
}

/** A raw MIME message (`message/rfc822`), parsed with mailparser → {@link InboundEmail}. */
export async function fromMime(source: Buffer): Promise<InboundEmail> {
  const mail = await simpleParser(source, { skipTextToHtml: true, skipTextLinks: true });
  const first = mail.from?.value[0];
  if (first?.address === undefined || first.address === '') {
    throw new ApiError('validation_failed', 'Invalid body: the message has no From address', {
      issues: [{ path: ['from'], code: 'invalid_type', message: 'A sender is required.' }],
    });
  }
  // headerLines keep each header as sent ("Name: value", folded); the first of a repeated one wins.
  const headers = lowerHeaders(
    mail.headerLines.map((h) => {
      const colon = h.line.indexOf(':');
      return [
        h.key,
        h.line
          .slice(colon + 1)
          .replace(/\r?\n[ \t]+/g, ' ')
          .trim(),
      ] as const;
    }),
  );
  return {
    from: first.address.toLowerCase(),
    fromName: first.name === '' ? undefined : first.name,
    recipients: [...addresses(mail.to), ...addresses(mail.cc)],
    subject: mail.subject ?? '',
    text: mail.text,
    html: mail.html === false ? undefined : mail.html,
    messageId: bareMessageId(mail.messageId),
    headers,
    contentType: headers['content-type'],
    attachments: mail.attachments.map((a) => ({
      filename: a.filename ?? 'attachment',
      contentType: a.contentType,
      content: new Uint8Array(a.content),
    })),
  };
}
