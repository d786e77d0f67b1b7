import { isSafeMarkdownHref, isSafeMarkdownImageSrc, MARKDOWN_LIMITS } from '@tierdesk/core';

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:', 'tierdesk:']);

/**
 * The normalised form of a link destination if it may be a link, else `undefined`.
 *
 * The destination is parsed as an absolute WHATWG URL — the same algorithm a browser applies to an
 * `href` — so every obfuscation a browser would undo (character references already decoded by the
 * markdown parser, mixed case, tabs and newlines inside the scheme, leading control characters) is
 * undone here first, and the scheme that is checked is the scheme a browser would use. Only `http:`,
 * `https:`, `mailto:` and `tierdesk:article/<id>` pass; relative and protocol-relative URLs do not
 * (inside a widget they would resolve against whatever host page embeds it). The serialised URL is
 * printable ASCII, and must also pass core's {@link isSafeMarkdownHref}, which the browser re-checks.
 */
export function normalizeMarkdownHref(raw: string): string | undefined {
  if (raw.length > MARKDOWN_LIMITS.maxUrlLength || !URL.canParse(raw)) return undefined;
  const url = new URL(raw);
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) return undefined;
  return isSafeMarkdownHref(url.href) ? url.href : undefined;
}

/** The normalised form of an image source if it may load as an image (`https:` only), else `undefined`. */
export function normalizeMarkdownImageSrc(raw: string): string | undefined {
  const href = normalizeMarkdownHref(raw);
  return isSafeMarkdownImageSrc(href) ? href : undefined;
}
