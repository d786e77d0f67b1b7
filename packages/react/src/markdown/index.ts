// Safe markdown: renders the node tree the server parsed; no parser or sanitiser in the bundle.
export { Markdown, type MarkdownProps } from './markdown';
