import * as z from 'zod/mini';
import { isSafeMarkdownHref, isSafeMarkdownImageSrc, MARKDOWN_LIMITS } from './markdown.rules';

// The limits and URL rules live in markdown.rules.ts, free of zod, so renderers import them alone.
export { isSafeMarkdownHref, isSafeMarkdownImageSrc, MARKDOWN_LIMITS } from './markdown.rules';

// Markdown as data: the server parses markdown into this closed, safe node tree and the React kit
// renders it as elements, so no markdown parser or HTML sanitiser ever ships to the browser. Every
// field is plain text or a URL that has already passed the scheme allow-list below; there is no node
// that carries HTML. The schema re-checks all of it so a client can validate what a server sends.

/** Plain text (rendered escaped, never interpreted; raw HTML in the source ends up here). */
export interface MarkdownText {
  type: 'text';
  value: string;
}
/** Emphasis (`*a*`). */
export interface MarkdownEmphasis {
  type: 'emphasis';
  children: MarkdownInline[];
}
/** Strong emphasis (`**a**`). */
export interface MarkdownStrong {
  type: 'strong';
  children: MarkdownInline[];
}
/** Strikethrough (`~~a~~`, GFM). */
export interface MarkdownDelete {
  type: 'delete';
  children: MarkdownInline[];
}
/** Inline code. */
export interface MarkdownInlineCode {
  type: 'inlineCode';
  value: string;
}
/** A link; `href` satisfies {@link isSafeMarkdownHref}. */
export interface MarkdownLink {
  type: 'link';
  href: string;
  title?: string | undefined;
  children: MarkdownInline[];
}
/** An image; `src` satisfies {@link isSafeMarkdownImageSrc} (non-https images become links or text). */
export interface MarkdownImage {
  type: 'image';
  src: string;
  alt: string;
  title?: string | undefined;
}
/** A hard line break. */
export interface MarkdownBreak {
  type: 'break';
}
/** Phrasing content: what paragraphs, headings, table cells and links contain. */
export type MarkdownInline =
  | MarkdownText
  | MarkdownEmphasis
  | MarkdownStrong
  | MarkdownDelete
  | MarkdownInlineCode
  | MarkdownLink
  | MarkdownImage
  | MarkdownBreak;

/** A paragraph. */
export interface MarkdownParagraph {
  type: 'paragraph';
  children: MarkdownInline[];
}
/** A heading, depth 1–6. */
export interface MarkdownHeading {
  type: 'heading';
  depth: 1 | 2 | 3 | 4 | 5 | 6;
  children: MarkdownInline[];
}
/** A code block; `lang` is a bare language name (`ts`, `c++`), never a class list. */
export interface MarkdownCode {
  type: 'code';
  lang?: string | undefined;
  value: string;
}
/** A block quote. */
export interface MarkdownBlockquote {
  type: 'blockquote';
  children: MarkdownBlock[];
}
/** A list; `start` is the first number of an ordered list. */
export interface MarkdownList {
  type: 'list';
  ordered: boolean;
  start?: number | undefined;
  children: MarkdownListItem[];
}
/** A list item; `checked` is set on GFM task items only. */
export interface MarkdownListItem {
  type: 'listItem';
  checked?: boolean | undefined;
  children: MarkdownBlock[];
}
/** A thematic break (`---`). */
export interface MarkdownThematicBreak {
  type: 'thematicBreak';
}
/** A GFM table; the first row is the header; `align` is per column. */
export interface MarkdownTable {
  type: 'table';
  align?: Array<'left' | 'right' | 'center' | null> | undefined;
  children: MarkdownTableRow[];
}
/** A table row. */
export interface MarkdownTableRow {
  type: 'tableRow';
  children: MarkdownTableCell[];
}
/** A table cell. */
export interface MarkdownTableCell {
  type: 'tableCell';
  children: MarkdownInline[];
}
/** Flow content: what the document, block quotes and list items contain. */
export type MarkdownBlock =
  | MarkdownParagraph
  | MarkdownHeading
  | MarkdownCode
  | MarkdownBlockquote
  | MarkdownList
  | MarkdownThematicBreak
  | MarkdownTable;
/** The document root (a {@link MarkdownDocument} is its children). */
export interface MarkdownRoot {
  type: 'root';
  children: MarkdownBlock[];
}
/** Any node of the closed set. */
export type MarkdownNode =
  | MarkdownRoot
  | MarkdownBlock
  | MarkdownListItem
  | MarkdownTableRow
  | MarkdownTableCell
  | MarkdownInline;
/** A parsed markdown document: its top-level blocks, as the API sends it. */
export type MarkdownDocument = MarkdownBlock[];

const text = () => z.string().check(z.maxLength(MARKDOWN_LIMITS.maxTextLength));
const optionalTitle = () => z.optional(text());
const leaf = <T extends string>(type: T) => z.object({ type: z.literal(type) });
const valued = <T extends string>(type: T) => z.object({ type: z.literal(type), value: text() });
// Getters keep the recursion lazy (zod 4's way); a spread would evaluate them too early.
const inlineParent = <T extends string>(type: T) =>
  z.object({
    type: z.literal(type),
    get children() {
      return z.array(InlineSchema);
    },
  });
const blockParent = <T extends string>(type: T) =>
  z.object({
    type: z.literal(type),
    get children() {
      return z.array(BlockSchema);
    },
  });

const LinkSchema = z.object({
  type: z.literal('link'),
  href: z.string().check(z.refine(isSafeMarkdownHref, 'unsafe href')),
  title: optionalTitle(),
  get children() {
    return z.array(InlineSchema);
  },
});
const ImageSchema = z.object({
  type: z.literal('image'),
  src: z.string().check(z.refine(isSafeMarkdownImageSrc, 'unsafe src')),
  alt: text(),
  title: optionalTitle(),
});
const InlineSchema: z.ZodMiniType<MarkdownInline> = z.discriminatedUnion('type', [
  valued('text'),
  inlineParent('emphasis'),
  inlineParent('strong'),
  inlineParent('delete'),
  valued('inlineCode'),
  LinkSchema,
  ImageSchema,
  leaf('break'),
]);

const ListItemSchema = z.object({
  type: z.literal('listItem'),
  checked: z.optional(z.boolean()),
  get children() {
    return z.array(BlockSchema);
  },
});
const TableCellSchema = inlineParent('tableCell');
const TableRowSchema = z.object({ type: z.literal('tableRow'), children: z.array(TableCellSchema) });
const BlockSchema: z.ZodMiniType<MarkdownBlock> = z.discriminatedUnion('type', [
  inlineParent('paragraph'),
  z.object({
    type: z.literal('heading'),
    depth: z.literal([1, 2, 3, 4, 5, 6]),
    get children() {
      return z.array(InlineSchema);
    },
  }),
  z.object({
    type: z.literal('code'),
    lang: z.optional(z.string().check(z.regex(/^[\w#+.-]{1,32}$/))),
    value: text(),
  }),
  blockParent('blockquote'),
  z.object({
    type: z.literal('list'),
    ordered: z.boolean(),
    start: z.optional(z.number().check(z.int(), z.nonnegative())),
    children: z.array(ListItemSchema),
  }),
  leaf('thematicBreak'),
  z.object({
    type: z.literal('table'),
    align: z.optional(z.array(z.nullable(z.enum(['left', 'right', 'center'])))),
    children: z.array(TableRowSchema),
  }),
]);

/**
 * Whether a tree (a node, or an array of top-level blocks) stays within {@link MARKDOWN_LIMITS}'s depth
 * and node count. Iterative and run before the structural check, so a hostile, very deep payload is
 * rejected without recursing through it.
 */
function withinTreeLimits(tree: unknown): boolean {
  const stack: Array<[unknown, number]> = Array.isArray(tree) ? tree.map((n) => [n, 1]) : [[tree, 1]];
  let nodes = 0;
  for (let item = stack.pop(); item; item = stack.pop()) {
    const [node, depth] = item;
    if (++nodes > MARKDOWN_LIMITS.maxNodes || depth > MARKDOWN_LIMITS.maxDepth) return false;
    const children = (node as { children?: unknown } | null)?.children;
    if (Array.isArray(children)) for (const child of children) stack.push([child, depth + 1]);
  }
  return true;
}
const limited = () => z.unknown().check(z.refine(withinTreeLimits, 'markdown tree too deep or too large'));

/** Any node of the closed markdown node set, within {@link MARKDOWN_LIMITS}. */
export const MarkdownNodeSchema: z.ZodMiniType<MarkdownNode> = z.pipe(
  limited(),
  z.union([blockParent('root'), BlockSchema, ListItemSchema, TableRowSchema, TableCellSchema, InlineSchema]),
);

/** A markdown document (its top-level blocks), within {@link MARKDOWN_LIMITS}. */
export const MarkdownDocumentSchema: z.ZodMiniType<MarkdownDocument> = z.pipe(
  limited(),
  z.array(BlockSchema),
);
