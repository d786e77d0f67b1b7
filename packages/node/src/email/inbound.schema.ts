import * as z from 'zod/mini';

/** Standard base64 (RFC 4648 §4), line breaks allowed: anything else is refused, never decoded to garbage. */
export const Base64Schema = z.string().check(z.regex(/^[A-Za-z0-9+/\s]*={0,2}\s*$/, 'Expected base64.'));

/**
 * The documented JSON shape of `POST /v1/email/inbound` (`Content-Type: application/json`): one
 * received mail, already parsed by the host's mail pipeline. Addresses may be bare (`ann@example.com`)
 * or with a display name (`Ann <ann@example.com>`); `to` and `cc` take one string or a list.
 */
export const InboundEmailJsonSchema = z.object({
  from: z.string().check(z.minLength(3), z.maxLength(998)),
  to: z.union([z.string().check(z.maxLength(10_000)), z.array(z.string().check(z.maxLength(998)))]),
  cc: z.optional(
    z.union([z.string().check(z.maxLength(10_000)), z.array(z.string().check(z.maxLength(998)))]),
  ),
  subject: z.string().check(z.maxLength(998)),
  text: z.optional(z.string()),
  html: z.optional(z.string()),
  messageId: z.optional(z.string().check(z.maxLength(998))),
  inReplyTo: z.optional(z.string().check(z.maxLength(998))),
  references: z.optional(z.union([z.string(), z.array(z.string())])),
  headers: z.optional(z.record(z.string(), z.string())),
  attachments: z.optional(
    z.array(
      z.object({
        filename: z.string().check(z.minLength(1), z.maxLength(255)),
        contentType: z.string().check(z.maxLength(255)),
        contentBase64: Base64Schema,
      }),
    ),
  ),
});
/** The documented JSON shape of an inbound mail. */
export type InboundEmailJson = z.infer<typeof InboundEmailJsonSchema>;

/** One attachment of a received mail, decoded. */
export interface InboundAttachment {
  filename: string;
  contentType: string;
  /** The decoded bytes (kept by the server, downloadable from the ticket). */
  content: Uint8Array;
}

/**
 * A received mail in the one shape every source (JSON, provider adapters, raw MIME) is turned into
 * before it is checked and stored. Header names are lower case.
 */
export interface InboundEmail {
  /** The sender's address, lower case, without display name. */
  from: string;
  /** The sender's display name, when the mail had one. */
  fromName: string | undefined;
  /** Recipient addresses (To and Cc), as sent (a reply token is looked for in each). */
  recipients: string[];
  subject: string;
  text: string | undefined;
  html: string | undefined;
  /** The Message-ID without angle brackets, when the mail had one. */
  messageId: string | undefined;
  headers: Record<string, string>;
  /** The top-level content type (`multipart/report; report-type=delivery-status` marks a bounce). */
  contentType: string | undefined;
  attachments: InboundAttachment[];
}

/** Splits an address list (`a@x, "B, Inc" <b@y>`) into single addresses; commas inside quotes stay. */
export function splitAddresses(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  if (typeof value !== 'string') return value.flatMap((v) => splitAddresses(v));
  const out: string[] = [];
  let current = '';
  let quoted = false;
  let angle = false;
  for (const ch of value) {
    if (ch === '"') quoted = !quoted;
    else if (ch === '<') angle = true;
    else if (ch === '>') angle = false;
    if (ch === ',' && !quoted && !angle) {
      if (current.trim() !== '') out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

/** The bare, lower-case address and the display name of `Name <addr>` or `addr`. */
export function parseAddress(value: string): { address: string; name: string | undefined } {
  const bracketed = /^(.*)<([^<>]*)>\s*$/.exec(value.trim());
  if (bracketed !== null) {
    const name = (bracketed[1] ?? '')
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .trim();
    return { address: (bracketed[2] ?? '').trim().toLowerCase(), name: name === '' ? undefined : name };
  }
  return { address: value.trim().toLowerCase(), name: undefined };
}

/** A Message-ID without its angle brackets and surrounding space. */
export function bareMessageId(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const id = value
    .trim()
    .replace(/^<(.*)>$/, '$1')
    .trim();
  return id === '' ? undefined : id;
}

/** Header names in lower case; the first value of a repeated header wins. */
export function lowerHeaders(entries: Iterable<readonly [string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of entries) {
    const key = name.toLowerCase();
    if (!(key in out)) out[key] = value;
  }
  return out;
}

/** Decodes base64 (line breaks allowed, as in MIME). Check it with {@link Base64Schema} first. */
export function decodeBase64(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'base64'));
}
