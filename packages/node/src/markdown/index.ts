// The server side of "markdown as data": parse once on the server, send the safe node tree.
export { parseMarkdown } from './markdown.parser';
export { normalizeMarkdownHref, normalizeMarkdownImageSrc } from './markdown.urls';
export { renderMarkdown } from './render-cache';
