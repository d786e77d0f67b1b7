// The renderer's own copy of core's URL allow-list (`isSafeMarkdownHref` / `isSafeMarkdownImageSrc`) and
// depth limit. A copy, not an import: importing them from `@tierdesk/core`'s entry would pull every zod
// schema into a bundle that only wants to render (~10 KB instead of ~1.5 KB). `markdown.urls.test.ts`
// proves the copies agree with core.

/** Deepest node rendered (`MARKDOWN_LIMITS.maxDepth` in core). */
export const MAX_RENDER_DEPTH = 32;
const MAX_URL_LENGTH = 8_192;
const SAFE_HREF = /^(?:(?:https?:\/\/|mailto:)[!-~]+|tierdesk:article\/[\w-]{1,64})$/;
const SAFE_SRC = /^https:\/\/[!-~]+$/;

/** Whether the renderer may put `href` on a link (same rule as core's `isSafeMarkdownHref`). */
export function isRenderableHref(href: unknown): href is string {
  return typeof href === 'string' && href.length <= MAX_URL_LENGTH && SAFE_HREF.test(href);
}

/** Whether the renderer may load `src` as an image (same rule as core's `isSafeMarkdownImageSrc`). */
export function isRenderableImageSrc(src: unknown): src is string {
  return typeof src === 'string' && src.length <= MAX_URL_LENGTH && SAFE_SRC.test(src);
}
