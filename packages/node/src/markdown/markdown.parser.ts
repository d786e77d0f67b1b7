import {
  MARKDOWN_LIMITS,
  type MarkdownBlock,
  type MarkdownDocument,
  type MarkdownInline,
  type MarkdownListItem,
  type MarkdownTableRow,
} from '@tierdesk/core';
import type { Nodes, PhrasingContent, Root, RootContent } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import { prepareMarkdownChunks } from './markdown.prepare';
import { normalizeMarkdownHref, normalizeMarkdownImageSrc } from './markdown.urls';

const micromarkExtensions = [gfm()];
const mdastExtensions = [gfmFromMarkdown()];

const { maxDepth, maxInputLength, maxTextLength } = MARKDOWN_LIMITS;
// Room for the fallback paragraphs (2 nodes each) that may follow a node-budget overflow.
const NODE_BUDGET = MARKDOWN_LIMITS.maxNodes - 4;
const CODE_LANG = /^[\w#+.-]{1,32}$/;

/** Thrown inside a conversion when the node budget runs out; caught by `parseMarkdown` only. */
class NodeBudgetExceeded {}

type Definitions = Map<string, { url: string; title: string | null | undefined }>;

const clamp = (value: string) => (value.length > maxTextLength ? value.slice(0, maxTextLength) : value);

const FLOW_PARENTS = new Set(['root', 'blockquote', 'list', 'listItem', 'table', 'footnoteDefinition']);

/** The readable text of an mdast subtree, iteratively (no recursion, whatever the depth). */
function plainText(node: Nodes): string {
  const parts: string[] = [];
  const stack: Array<Nodes | string> = [node];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item === 'string') parts.push(item);
    else if ('value' in item) parts.push(item.value);
    else if (item.type === 'image' || item.type === 'imageReference') parts.push(item.alt ?? '');
    else if (item.type === 'break') parts.push('\n');
    else if ('children' in item) {
      const separator = item.type === 'tableRow' ? ' | ' : FLOW_PARENTS.has(item.type) ? '\n' : '';
      for (let i = item.children.length - 1; i >= 0; i--) {
        stack.push(item.children[i] as Nodes);
        if (i > 0 && separator) stack.push(separator);
      }
    }
  }
  return parts.join('');
}

/** Maps one micromark/mdast tree onto the closed node set, counting nodes against a shared budget. */
class Converter {
  nodes = 0;
  definitions: Definitions = new Map();

  private count(): void {
    if (++this.nodes > NODE_BUDGET) throw new NodeBudgetExceeded();
  }

  private text(out: MarkdownInline[], value: string): void {
    if (value === '') return;
    const last = out[out.length - 1];
    if (last?.type === 'text') last.value = clamp(last.value + value);
    else {
      this.count();
      out.push({ type: 'text', value: clamp(value) });
    }
  }

  private paragraphOf(out: MarkdownBlock[], value: string): void {
    if (value.trim() === '') return;
    this.count();
    const children: MarkdownInline[] = [];
    this.text(children, value);
    out.push({ type: 'paragraph', children });
  }

  /** Flow content at `depth` (top-level blocks are at depth 1). */
  blocks(nodes: readonly RootContent[], depth: number): MarkdownBlock[] {
    const out: MarkdownBlock[] = [];
    for (const node of nodes) this.block(node, depth, out);
    return out;
  }

  private block(node: RootContent, depth: number, out: MarkdownBlock[]): void {
    // A container needs room below it for at least `item > paragraph > text`.
    const roomy = depth <= maxDepth - 3;
    switch (node.type) {
      case 'paragraph': {
        const children = this.inlines(node.children, depth + 1, false);
        if (children.length === 0) return;
        this.count();
        out.push({ type: 'paragraph', children });
        return;
      }
      case 'heading':
        this.count();
        out.push({
          type: 'heading',
          depth: node.depth,
          children: this.inlines(node.children, depth + 1, false),
        });
        return;
      case 'thematicBreak':
        this.count();
        out.push({ type: 'thematicBreak' });
        return;
      case 'code': {
        this.count();
        const lang = node.lang && CODE_LANG.test(node.lang) ? node.lang : undefined;
        out.push(
          lang
            ? { type: 'code', lang, value: clamp(node.value) }
            : { type: 'code', value: clamp(node.value) },
        );
        return;
      }
      case 'html':
        // Raw HTML is shown as the text it is, never interpreted.
        this.paragraphOf(out, node.value);
        return;
      case 'definition':
        return;
      case 'footnoteDefinition': {
        const inner = this.blocks(node.children, depth);
        const first = inner[0];
        const label = `[^${node.label ?? node.identifier}]: `;
        const head = first?.type === 'paragraph' ? first.children[0] : undefined;
        if (head?.type === 'text') head.value = clamp(label + head.value);
        else if (first?.type === 'paragraph') {
          const prefix: MarkdownInline[] = [];
          this.text(prefix, label);
          first.children = [...prefix, ...first.children];
        } else this.paragraphOf(out, label);
        out.push(...inner);
        return;
      }
      case 'blockquote':
        if (!roomy) break;
        this.count();
        out.push({ type: 'blockquote', children: this.blocks(node.children, depth + 1) });
        return;
      case 'list': {
        if (!roomy) break;
        this.count();
        const children: MarkdownListItem[] = node.children.map((item) => {
          this.count();
          const blocks = this.blocks(item.children, depth + 2);
          return typeof item.checked === 'boolean'
            ? { type: 'listItem', checked: item.checked, children: blocks }
            : { type: 'listItem', children: blocks };
        });
        const start = node.ordered && typeof node.start === 'number' ? node.start : undefined;
        out.push(
          start === undefined
            ? { type: 'list', ordered: node.ordered === true, children }
            : { type: 'list', ordered: true, start, children },
        );
        return;
      }
      case 'table': {
        if (!roomy) break;
        this.count();
        const children: MarkdownTableRow[] = node.children.map((row) => {
          this.count();
          return {
            type: 'tableRow',
            children: row.children.map((cell) => {
              this.count();
              return { type: 'tableCell', children: this.inlines(cell.children, depth + 3, false) };
            }),
          };
        });
        const align = node.align?.map((a) => a ?? null);
        out.push(
          align?.some((a) => a !== null) ? { type: 'table', align, children } : { type: 'table', children },
        );
        return;
      }
      default:
        break;
    }
    // Too deep, or not a block this set knows: keep its words as a paragraph of text.
    this.paragraphOf(out, plainText(node));
  }

  /** Phrasing content at `depth`; `inLink` stops links from nesting. */
  inlines(nodes: readonly PhrasingContent[], depth: number, inLink: boolean): MarkdownInline[] {
    const out: MarkdownInline[] = [];
    for (const node of nodes) this.inline(node, depth, inLink, out);
    return out;
  }

  private inline(node: PhrasingContent, depth: number, inLink: boolean, out: MarkdownInline[]): void {
    const roomy = depth < maxDepth; // a parent needs room for its children one level down
    switch (node.type) {
      case 'text':
      case 'html': // raw HTML stays literal text
        this.text(out, node.value);
        return;
      case 'inlineCode':
        this.count();
        out.push({ type: 'inlineCode', value: clamp(node.value) });
        return;
      case 'break':
        this.count();
        out.push({ type: 'break' });
        return;
      case 'emphasis':
      case 'strong':
      case 'delete':
        if (!roomy) break;
        this.count();
        out.push({ type: node.type, children: this.inlines(node.children, depth + 1, inLink) });
        return;
      case 'link':
      case 'linkReference': {
        const target = node.type === 'link' ? node : this.definitions.get(node.identifier);
        const href = target && !inLink && roomy ? normalizeMarkdownHref(target.url) : undefined;
        if (href === undefined) {
          // Not a link we may render: its words stay, the destination goes.
          for (const child of node.children) this.inline(child, depth, inLink, out);
          return;
        }
        this.count();
        const children = this.inlines(node.children, depth + 1, true);
        if (children.length === 0) this.text(children, href);
        out.push(
          target?.title
            ? { type: 'link', href, title: clamp(target.title), children }
            : { type: 'link', href, children },
        );
        return;
      }
      case 'image':
      case 'imageReference': {
        const target = node.type === 'image' ? node : this.definitions.get(node.identifier);
        const alt = node.alt ?? '';
        const src = target ? normalizeMarkdownImageSrc(target.url) : undefined;
        if (src !== undefined) {
          this.count();
          const title = target?.title;
          out.push(
            title
              ? { type: 'image', src, alt: clamp(alt), title: clamp(title) }
              : { type: 'image', src, alt: clamp(alt) },
          );
          return;
        }
        // An image we will not load may still be a link to it (never inside another link).
        const href = target && !inLink && roomy ? normalizeMarkdownHref(target.url) : undefined;
        if (href === undefined) {
          this.text(out, alt);
          return;
        }
        this.count();
        const children: MarkdownInline[] = [];
        this.text(children, alt || href);
        out.push({ type: 'link', href, children });
        return;
      }
      case 'footnoteReference':
        this.text(out, `[^${node.label ?? node.identifier}]`);
        return;
      default:
        break;
    }
    this.text(out, plainText(node));
  }
}

/** Collects link reference definitions (the first one of an identifier wins, as in CommonMark). */
function collectDefinitions(nodes: readonly Nodes[], into: Definitions): void {
  const stack = [...nodes];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.type === 'definition') {
      if (!into.has(node.identifier)) into.set(node.identifier, { url: node.url, title: node.title });
    } else if (node.type !== 'paragraph' && node.type !== 'heading' && 'children' in node) {
      stack.push(...(node.children as Nodes[]));
    }
  }
}

/** `source` cut at `maxInputLength` without splitting a surrogate pair. */
function splitInput(source: string): [head: string, rest: string] {
  if (source.length <= maxInputLength) return [source, ''];
  const code = source.charCodeAt(maxInputLength - 1);
  const cut = code >= 0xd800 && code <= 0xdbff ? maxInputLength - 1 : maxInputLength;
  return [source.slice(0, cut), source.slice(cut)];
}

/**
 * Converts the top-level blocks of `trees` into `out` until the node budget is spent, and returns the
 * plain text of every block from the one that did not fit on.
 */
function convertWithinBudget(converter: Converter, trees: readonly Root[], out: MarkdownDocument): string[] {
  for (const [index, tree] of trees.entries()) {
    for (const [at, node] of tree.children.entries()) {
      const before = converter.nodes;
      try {
        out.push(...converter.blocks([node], 1));
      } catch (error) {
        if (!(error instanceof NodeBudgetExceeded)) throw error;
        converter.nodes = before;
        const remaining = [...tree.children.slice(at), ...trees.slice(index + 1).flatMap((t) => t.children)];
        return remaining.map(plainText);
      }
    }
  }
  return [];
}

/**
 * Parses markdown (CommonMark + GFM: tables, strikethrough, task lists, autolink literals, footnotes)
 * into the closed, safe node tree of `@tierdesk/core` (`MarkdownDocument`), which the React kit renders
 * as elements. Never throws on any string, and the result always satisfies `MarkdownDocumentSchema`.
 *
 * - Raw HTML (blocks and inline tags) becomes plain text: shown, never interpreted.
 * - Links keep only `http:`, `https:`, `mailto:` and `tierdesk:article/<id>` destinations, normalised
 *   with the WHATWG URL parser; any other destination (relative, `javascript:`, `data:`, `vbscript:` and
 *   every encoded or whitespace-split spelling of them) is dropped and the link's text stays as text.
 * - Images load only from `https:`; an `http:`/`mailto:`/app image becomes a link to it, anything else
 *   its alt text.
 * - Bounded: the first `MARKDOWN_LIMITS.maxInputLength` characters are parsed and the rest is kept as
 *   one plain-text paragraph (cut at `maxTextLength`); nesting deeper than `maxDepth` and everything
 *   after the node budget is spent degrade to plain text. Super-linear input shapes are defused first
 *   (see `prepareMarkdownChunks`).
 */
export function parseMarkdown(source: string): MarkdownDocument {
  const [head, rest] = splitInput(source);
  const trees = prepareMarkdownChunks(head).map((chunk) =>
    fromMarkdown(chunk, { extensions: micromarkExtensions, mdastExtensions }),
  );
  const converter = new Converter();
  for (const tree of trees) collectDefinitions(tree.children, converter.definitions);

  const out: MarkdownDocument = [];
  const overflow = convertWithinBudget(converter, trees, out);
  for (const text of [overflow.join('\n\n'), rest]) {
    if (text.trim() !== '') out.push({ type: 'paragraph', children: [{ type: 'text', value: clamp(text) }] });
  }
  return out;
}
