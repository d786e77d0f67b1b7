import type { MarkdownDocument } from '@tierdesk/core';
import { parseMarkdown } from './markdown.parser';

// Most recently rendered texts. Routes render a message before they open the ticket's transaction, so
// the store finds the tree here and never parses inside it (adversarial input can take ~1 s to parse).
const MAX_ENTRIES = 512;
const cache = new Map<string, MarkdownDocument>();

/** The safe node tree of a markdown text, from the cache when this text was rendered recently. */
export function renderMarkdown(text: string): MarkdownDocument {
  const hit = cache.get(text);
  if (hit !== undefined) {
    // Refresh its place: Map keeps insertion order, so the first key is the least recently used.
    cache.delete(text);
    cache.set(text, hit);
    return hit;
  }
  const nodes = parseMarkdown(text);
  cache.set(text, nodes);
  if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
  return nodes;
}
