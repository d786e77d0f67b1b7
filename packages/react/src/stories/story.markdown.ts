import type { MarkdownDocument } from '@tierdesk/core';
// The server's own parser: story data carries exactly the node trees the API would send, and a reply
// typed in a story comes back parsed the way the real server parses it. Stories and tests only; the
// package's bundles never import this folder.
import { parseMarkdown } from '../../../node/src/markdown/markdown.parser';

/** The safe node tree the server stores beside a markdown text (`bodyNodes`). */
export function storyMarkdown(source: string): MarkdownDocument {
  return parseMarkdown(source);
}
