// The bounds and URL rules of markdown trees, without schemas: the parser, the schema and the
// renderers all apply these.

/** The bounds every markdown tree respects; the parser degrades anything beyond them to text. */
export const MARKDOWN_LIMITS = {
  /** Longest markdown source the parser interprets (the article body limit); the rest stays text. */
  maxInputLength: 200_000,
  /** Deepest nesting: a top-level block is at depth 1, its children at depth 2, and so on. */
  maxDepth: 32,
  /** Most nodes in one document (or under one node). */
  maxNodes: 20_000,
  /** Longest string in any `value`, `alt` or `title`. */
  maxTextLength: 200_000,
  /** Longest `href` or `src`. */
  maxUrlLength: 8_192,
} as const;

// Normalised URLs are printable ASCII (the WHATWG URL serialiser percent-encodes the rest), which also
// rules out every whitespace / control-character obfuscation of a scheme.
const SAFE_HREF = /^(?:(?:https?:\/\/|mailto:)[!-~]+|tierdesk:article\/[\w-]{1,64})$/;
const SAFE_SRC = /^https:\/\/[!-~]+$/;

/**
 * Whether `href` may be a markdown link target: `http(s)://…`, `mailto:…` or an article link
 * `tierdesk:article/<id>`, normalised (lower-case scheme, printable ASCII only). Relative URLs are not
 * allowed: a widget embedded in a host page would resolve them against the host's origin.
 */
export function isSafeMarkdownHref(href: unknown): href is string {
  return typeof href === 'string' && href.length <= MARKDOWN_LIMITS.maxUrlLength && SAFE_HREF.test(href);
}

/** Whether `src` may be an image source: `https://…` only (no mixed content, no `data:`). */
export function isSafeMarkdownImageSrc(src: unknown): src is string {
  return typeof src === 'string' && src.length <= MARKDOWN_LIMITS.maxUrlLength && SAFE_SRC.test(src);
}
